import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isVboError } from "../../src/vbo/errors.ts";
import { clampPageSize, nextLink, walkPages } from "../../src/vbo/paging.ts";
import type { Page } from "../../src/vbo/schemas.ts";

/** A collection of `total` numbers served the way VB365 serves pages, recording each URL asked. */
function collection(total: number, opts: { serverMax?: number; links?: boolean; setId?: string } = {}) {
  const asked: URL[] = [];
  const fetch = async (url: URL): Promise<Page<number>> => {
    asked.push(url);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 30), opts.serverMax ?? 10_000);
    const results = Array.from(
      { length: Math.max(0, Math.min(limit, total - offset)) },
      (_, i) => offset + i,
    );
    const page: Page<number> = { offset, limit, results, setId: opts.setId ?? "set-1" };
    if (opts.links && offset + limit < total) {
      // As VB365 writes it: the result set named, the filters not repeated.
      page._links = {
        next: { href: `/v8/Things?offset=${offset + limit}&limit=${limit}&setId=${page.setId}` },
      };
    }
    return page;
  };
  return { asked, fetch };
}

async function collect(it: AsyncIterable<number[]>): Promise<number[][]> {
  const pages: number[][] = [];
  for await (const p of it) pages.push(p);
  return pages;
}

describe("walkPages", () => {
  const first = new URL("http://127.0.0.1:1/v8/Things?displayName=a*");

  test("reads every item in large pages, passing the first page's setId back", async () => {
    const c = collection(25_000);
    const pages = await collect(walkPages({ operation: "things", first, reuseSetId: true, fetch: c.fetch }));
    assert.deepEqual(
      pages.map((p) => p.length),
      [10_000, 10_000, 5_000],
    );
    assert.equal(pages.flat().length, 25_000);
    assert.deepEqual(
      c.asked.map((u) => [
        u.searchParams.get("offset"),
        u.searchParams.get("limit"),
        u.searchParams.get("setId"),
      ]),
      [
        ["0", "10000", null],
        ["10000", "10000", "set-1"],
        ["20000", "10000", "set-1"],
      ],
    );
    assert.ok(c.asked.every((u) => u.searchParams.get("displayName") === "a*"));
  });

  test("follows _links.next that names our result set, though it does not repeat the filters", async () => {
    const c = collection(25, { links: true });
    const pages = await collect(
      walkPages({ operation: "things", first, pageSize: 10, reuseSetId: true, fetch: c.fetch }),
    );
    assert.equal(pages.flat().length, 25);
    assert.deepEqual(
      c.asked.map((u) => `${u.pathname}?${u.searchParams}`),
      [
        "/v8/Things?displayName=a*&limit=10&offset=0",
        "/v8/Things?offset=10&limit=10&setId=set-1",
        "/v8/Things?offset=20&limit=10&setId=set-1",
      ],
    );
  });

  test("a collection that is an exact multiple of the page size ends on the empty page", async () => {
    const c = collection(20);
    const pages = await collect(
      walkPages({ operation: "things", first, pageSize: 10, reuseSetId: false, fetch: c.fetch }),
    );
    assert.equal(pages.length, 2);
    assert.equal(c.asked.length, 3);
    assert.ok(c.asked.every((u) => u.searchParams.get("setId") === null));
  });

  test("a server that caps the page below what was asked is still read to the end", async () => {
    const c = collection(250, { serverMax: 100 });
    const pages = await collect(walkPages({ operation: "things", first, reuseSetId: false, fetch: c.fetch }));
    assert.equal(pages.flat().length, 250);
  });

  test("a next link that leads back to a page already read stops the walk with an error", async () => {
    let calls = 0;
    const fetch = async (url: URL): Promise<Page<number>> => {
      calls++;
      const offset = Number(url.searchParams.get("offset"));
      return {
        offset,
        limit: 2,
        results: [offset + 1, offset + 2],
        _links: { next: { href: "/v8/Things?limit=2&offset=0" } },
      };
    };
    const pages: number[][] = [];
    await assert.rejects(
      (async () => {
        for await (const p of walkPages({
          operation: "things",
          first: new URL("http://127.0.0.1:1/v8/Things"),
          pageSize: 2,
          reuseSetId: false,
          fetch,
        }))
          pages.push(p);
      })(),
      (err: unknown) =>
        isVboError(err) && err.kind === "invalid_response" && /a page already read/.test(err.message),
    );
    assert.equal(calls, 1);
    assert.equal(pages.length, 1);
  });

  test("a server that ignores offset and sends the same page again stops the walk with an error", async () => {
    const fetch = async (): Promise<Page<number>> => ({ offset: 0, limit: 2, results: [1, 2] });
    const walk = walkPages({ operation: "things", first, pageSize: 2, reuseSetId: false, fetch });
    await assert.rejects(
      collect(walk),
      (err: unknown) => isVboError(err) && /sent a page it had sent before/.test(err.message),
    );
  });

  test("a walk that never ends stops with an error", async () => {
    const c = collection(Number.MAX_SAFE_INTEGER);
    const walk = walkPages({
      operation: "things",
      first,
      pageSize: 10,
      reuseSetId: false,
      fetch: c.fetch,
      maxPages: 50,
    });
    await assert.rejects(
      collect(walk),
      (err: unknown) => isVboError(err) && /did not end after 50 pages/.test(err.message),
    );
    assert.equal(c.asked.length, 50);
  });

  test("a next link that drops our filters is not followed: the next page comes from our offset", async () => {
    const asked: URL[] = [];
    const fetch = async (url: URL): Promise<Page<number>> => {
      asked.push(url);
      const offset = Number(url.searchParams.get("offset"));
      const results = offset < 20 ? Array.from({ length: 10 }, (_, i) => offset + i) : [1000];
      // The server's link forgets startTimeFrom: followed, it would read every session ever.
      return {
        offset,
        limit: 10,
        results,
        _links: { next: { href: `/v8/Things?offset=${offset + 10}&limit=10` } },
      };
    };
    const filtered = new URL("http://127.0.0.1:1/v8/Things?startTimeFrom=2025-03-11T00%3A00%3A00.000Z");
    const pages = await collect(
      walkPages({ operation: "things", first: filtered, pageSize: 10, reuseSetId: false, fetch }),
    );
    assert.equal(pages.flat().length, 21);
    assert.ok(asked.every((u) => u.searchParams.get("startTimeFrom") === "2025-03-11T00:00:00.000Z"));
    assert.deepEqual(
      asked.map((u) => u.searchParams.get("offset")),
      ["0", "10", "20"],
    );
  });

  test("a next link to another server is not followed either; our offset is", async () => {
    const asked: string[] = [];
    const fetch = async (url: URL): Promise<Page<number>> => {
      asked.push(url.origin);
      const offset = Number(url.searchParams.get("offset"));
      const results = offset === 0 ? [1, 2] : [3];
      return {
        offset,
        limit: 2,
        results,
        _links: { next: { href: "https://elsewhere.example/v8/Things?offset=2" } },
      };
    };
    const pages = await collect(
      walkPages({ operation: "things", first, pageSize: 2, reuseSetId: false, fetch }),
    );
    assert.deepEqual(pages, [[1, 2], [3]]);
    assert.deepEqual(asked, ["http://127.0.0.1:1", "http://127.0.0.1:1"]);
  });
});

describe("nextLink", () => {
  const base = new URL("https://vbo.example:4443/proxy/v8/Organizations/x/Users?limit=10");

  test("keeps a reverse proxy's path prefix", () => {
    const next = nextLink({ _links: { next: { href: "/v8/Organizations/x/Users?offset=10" } } }, base);
    assert.equal(next?.href, "https://vbo.example:4443/proxy/v8/Organizations/x/Users?offset=10");
  });

  test("never leads to another server, which would receive the bearer token", () => {
    assert.equal(
      nextLink({ _links: { next: { href: "https://elsewhere.example/v8/Users" } } }, base),
      undefined,
    );
  });
});

test("page sizes stay between 1 and the server's 10000", () => {
  assert.equal(clampPageSize(undefined), 10_000);
  assert.equal(clampPageSize(50_000), 10_000);
  assert.equal(clampPageSize(0), 1);
  assert.equal(clampPageSize(undefined, 100), 100);
});
