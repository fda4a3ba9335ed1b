/**
 * Walking a VB365 collection page by page. Large pages keep the number of calls down (each page of
 * `/Users` may cost the server a trip to Microsoft 365); the first page's `setId` is passed back so
 * later pages come from the same cached result set and do not shift under us.
 */
import { VboError } from "./errors.ts";
import type { Page } from "./schemas.ts";

/** The server's maximum page size. */
export const MAX_PAGE_SIZE = 10_000;

export function clampPageSize(size: number | undefined, fallback = MAX_PAGE_SIZE): number {
  if (size === undefined || !Number.isFinite(size)) return fallback;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(size)));
}

export interface PageWalk<T> {
  /** Names the walk in errors, e.g. "userPages". */
  operation: string;
  /** The collection's URL, with its filters but without `limit`, `offset` or `setId`. */
  first: URL;
  pageSize?: number | undefined;
  /** Pass the first page's `setId` back (the operations whose spec takes one). */
  reuseSetId: boolean;
  fetch: (url: URL) => Promise<Page<T>>;
  /** A walk longer than this is taken for a server that never ends; default 10,000 pages. */
  maxPages?: number;
}

const PAGING = new Set(["limit", "offset", "setid"]);

/**
 * Yields each non-empty page's items; stops on a short or empty page, or at `totalCount`.
 * `_links.next` is followed only when it stays on the server and still carries our filters (or our
 * result set); otherwise the next page is asked for by our own offset. A page that repeats one
 * already read, or a walk that never ends, fails with an `invalid_response` error: going on would
 * loop forever or hand on duplicates as if they were more items.
 */
export async function* walkPages<T>(walk: PageWalk<T>): AsyncGenerator<T[], void, undefined> {
  const limit = clampPageSize(walk.pageSize);
  const maxPages = walk.maxPages ?? 10_000;
  let url = new URL(walk.first);
  url.searchParams.set("limit", String(limit));
  url.searchParams.set("offset", "0");
  let setId: string | undefined;
  const visited = new Set<string>([url.href]);
  const seenPages = new Set<string>();
  const broken = (why: string) =>
    new VboError({
      kind: "invalid_response",
      operation: walk.operation,
      message: `VB365's paging ${why}; the listing was stopped`,
    });

  for (let pages = 1; ; pages++) {
    const page = await walk.fetch(url);
    if (walk.reuseSetId && setId === undefined && page.setId) setId = page.setId;
    const count = page.results.length;
    if (count > 0) {
      // The same items again (a server that ignores offset, say) would repeat forever.
      const fingerprint = JSON.stringify([page.results[0], page.results[count - 1], count]);
      if (seenPages.has(fingerprint)) throw broken("sent a page it had sent before");
      seenPages.add(fingerprint);
      yield page.results;
    }

    // The server may serve fewer than asked per page; a page shorter than its own limit is the last.
    const pageLimit = page.limit > 0 ? Math.min(page.limit, limit) : limit;
    if (count === 0 || count < pageLimit) return;
    const offset = (Number.isFinite(page.offset) ? page.offset : 0) + count;
    if (typeof page.totalCount === "number" && offset >= page.totalCount) return;
    if (pages >= maxPages) throw broken(`did not end after ${maxPages} pages`);

    const link = nextLink(page, walk.first);
    const next =
      link && keepsFilters(link, walk.first, setId) ? link : withParam(url, "offset", String(offset));
    if (setId !== undefined && next.searchParams.get("setId") === null) next.searchParams.set("setId", setId);
    if (visited.has(next.href)) throw broken("leads back to a page already read");
    visited.add(next.href);
    url = next;
  }
}

/**
 * Whether a server's next link still asks for what we asked: the same collection, and each of our
 * filters with its value, unless it names our result set (a `setId` stands for the filtered set).
 * Parameter names compare case-insensitively, as VB365 matches them.
 */
function keepsFilters(link: URL, first: URL, setId: string | undefined): boolean {
  if (link.pathname.toLowerCase() !== first.pathname.toLowerCase()) return false;
  const params = new Map<string, string>();
  for (const [name, value] of link.searchParams) params.set(name.toLowerCase(), value);
  if (setId !== undefined && params.get("setid") === setId) return true;
  for (const [name, value] of first.searchParams) {
    if (!PAGING.has(name.toLowerCase()) && params.get(name.toLowerCase()) !== value) return false;
  }
  return true;
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
