/**
 * VB365 paging: `offset` and `limit` (default 30, at most 10,000) and, for directory lists, a
 * `setId` naming a cached snapshot of the filtered result, so that later pages read the same set
 * even if the directory changes in between. Pages carry `_links.self` and, while more remain,
 * `_links.next`; `totalCount` exists only before v8.
 */
import type { ApiVersion } from "../vbo/schemas.ts";
import { badRequest, type Query } from "./http.ts";
import { isUuid, randomUuid } from "./ids.ts";

export const DEFAULT_LIMIT = 30;
export const MAX_LIMIT = 10_000;

export interface PageParams {
  offset: number;
  limit: number;
  /** As passed by the caller, when it was. */
  setId?: string;
}

function intParam(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest(`The value '${raw}' is not valid for ${name}.`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw badRequest(`Parameter '${name}' must be between ${min} and ${max}.`);
  }
  return value;
}

export function pageParams(query: Query, acceptsSetId: boolean): PageParams {
  const params: PageParams = {
    offset: intParam(query, "offset", 0, 0, 2 ** 31 - 1),
    limit: intParam(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
  };
  const setId = acceptsSetId ? query.get("setId") : undefined;
  if (setId !== undefined && setId !== "") {
    if (!isUuid(setId)) throw badRequest(`The value '${setId}' is not valid for setId.`);
    params.setId = setId.toLowerCase();
  }
  return params;
}

/**
 * Cached result sets, by id. Bounded: the oldest sets are forgotten, as a server's cache would,
 * and an unknown or forgotten id simply starts a new set.
 */
export class ResultSets {
  private readonly sets = new Map<string, { scope: string; items: ArrayLike<unknown> }>();

  constructor(private readonly capacity = 256) {}

  /** The set named by `setId` in this scope, or a new one made by `make`. */
  resolve<T>(
    scope: string,
    setId: string | undefined,
    make: () => ArrayLike<T>,
  ): { id: string; items: ArrayLike<T> } {
    const found = setId === undefined ? undefined : this.sets.get(setId);
    if (setId !== undefined && found && found.scope === scope) {
      // Touch it: recently used sets are the last to go.
      this.sets.delete(setId);
      this.sets.set(setId, found);
      return { id: setId, items: found.items as ArrayLike<T> };
    }
    const id = randomUuid();
    const items = make();
    this.sets.set(id, { scope, items });
    while (this.sets.size > this.capacity) {
      const oldest = this.sets.keys().next().value;
      if (oldest === undefined) break;
      this.sets.delete(oldest);
    }
    return { id, items };
  }
}

export interface PageInput<T> {
  version: ApiVersion;
  params: PageParams;
  /** The whole result, or the snapshot being read. */
  items: ArrayLike<T>;
  render: (item: T) => unknown;
  /** Path of the collection, e.g. `/v8/Organizations/{id}/Users`. */
  path: string;
  setId?: string;
  /** Filters to repeat in links when there is no setId to carry them. */
  filters?: Record<string, string | undefined>;
}

export function page<T>(input: PageInput<T>): Record<string, unknown> {
  const { version, params, items, setId } = input;
  const end = Math.min(items.length, params.offset + params.limit);
  const results: unknown[] = [];
  for (let i = params.offset; i < end; i++) results.push(input.render(items[i] as T));
  const href = (offset: number) => {
    const q = new URLSearchParams();
    q.set("offset", String(offset));
    q.set("limit", String(params.limit));
    if (setId) q.set("setId", setId);
    else for (const [k, v] of Object.entries(input.filters ?? {})) if (v !== undefined) q.set(k, v);
    return `${input.path}?${q.toString()}`;
  };
  const links: Record<string, { href: string }> = { self: { href: href(params.offset) } };
  if (end < items.length) links.next = { href: href(end) };
  return {
    offset: params.offset,
    limit: params.limit,
    ...(setId ? { setId } : {}),
    results,
    ...(version === "v8" ? {} : { totalCount: items.length }),
    _links: links,
  };
}
