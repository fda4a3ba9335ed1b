/**
 * Walking a VB365 collection page by page. Large pages keep the number of calls down (each page of
 * `/Users` may cost the server a trip to Microsoft 365); the first page's `setId` is passed back so
 * later pages come from the same cached result set and do not shift under us.
 */
import type { Page } from "./schemas.ts";

/** The server's maximum page size. */
export const MAX_PAGE_SIZE = 10_000;

export function clampPageSize(size: number | undefined, fallback = MAX_PAGE_SIZE): number {
  if (size === undefined || !Number.isFinite(size)) return fallback;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(size)));
}

export interface PageWalk<T> {
  /** The collection's URL, with its filters but without `limit`, `offset` or `setId`. */
  first: URL;
  pageSize?: number | undefined;
  /** Pass the first page's `setId` back (the operations whose spec takes one). */
  reuseSetId: boolean;
  fetch: (url: URL) => Promise<Page<T>>;
}

/** Yields each non-empty page's items; stops on a short or empty page, or at `totalCount`. */
export async function* walkPages<T>(walk: PageWalk<T>): AsyncGenerator<T[], void, undefined> {
  const limit = clampPageSize(walk.pageSize);
  let url = new URL(walk.first);
  url.searchParams.set("limit", String(limit));
  url.searchParams.set("offset", "0");
  let setId: string | undefined;
  const visited = new Set<string>([url.href]);

  for (;;) {
    const page = await walk.fetch(url);
    if (walk.reuseSetId && setId === undefined && page.setId) setId = page.setId;
    const count = page.results.length;
    if (count > 0) yield page.results;

    // The server may serve fewer than asked per page; a page shorter than its own limit is the last.
    const pageLimit = page.limit > 0 ? Math.min(page.limit, limit) : limit;
    if (count === 0 || count < pageLimit) return;
    const offset = (Number.isFinite(page.offset) ? page.offset : 0) + count;
    if (typeof page.totalCount === "number" && offset >= page.totalCount) return;

    const next = nextLink(page, walk.first) ?? withParam(url, "offset", String(offset));
    if (setId !== undefined && next.searchParams.get("setId") === null) next.searchParams.set("setId", setId);
    // A next link that leads back to a page already read would loop forever.
    if (visited.has(next.href)) return;
    visited.add(next.href);
    url = next;
  }
}

/**
 * `_links.next`, resolved against the API base. A link to another origin is ignored: the bearer
 * token must never be sent anywhere but the configured server.
 */
export function nextLink(page: Pick<Page<unknown>, "_links">, base: URL): URL | undefined {
  const href = page._links?.next?.href;
  if (!href) return undefined;
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin) return undefined;
  // Behind a reverse proxy the base has a path prefix that the server's own links do not know.
  const prefix = apiPrefix(base);
  if (prefix && !url.pathname.startsWith(`${prefix}/`)) url.pathname = `${prefix}${url.pathname}`;
  return url;
}

/** The path before `/vN/` in a URL of the API, e.g. "/vbo" in https://host/vbo/v8/Users. */
function apiPrefix(url: URL): string {
  const m = /^(.*?)\/v\d+(\/|$)/i.exec(url.pathname);
  return m?.[1] ?? "";
}

function withParam(url: URL, name: string, value: string): URL {
  const copy = new URL(url);
  copy.searchParams.set(name, value);
  return copy;
}
