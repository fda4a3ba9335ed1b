import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setImmediate as turn } from "node:timers/promises";
import { readAhead } from "../src/async.ts";

/** Pages 1…count, recording when each was asked for and whether the walk was ended early. */
function source(count: number, failAt?: number) {
  const asked: number[] = [];
  let returned = false;
  const pages: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => {
      let n = 0;
      return {
        next: async () => {
          n++;
          asked.push(n);
          await turn();
          if (n === failAt) throw new Error(`page ${n} failed`);
          return n > count ? { done: true, value: undefined } : { done: false, value: n };
        },
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { pages, asked, returned: () => returned };
}

describe("readAhead", () => {
  test("hands out every page in order, the next already asked for", async () => {
    const { pages, asked } = source(3);
    const seen: Array<[number, number[]]> = [];
    for await (const page of readAhead(pages)) seen.push([page, [...asked]]);
    assert.deepEqual(seen, [
      [1, [1, 2]],
      [2, [1, 2, 3]],
      [3, [1, 2, 3, 4]],
    ]);
  });

  test("a page that fails while the one before is worked on fails when reached, not before", async (t) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    t.after(() => process.off("unhandledRejection", onUnhandled));
    const { pages } = source(5, 2);
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const page of readAhead(pages)) {
        // Long enough for the failure of page 2, asked for ahead, to be noticed if unhandled.
        for (let i = 0; i < 5; i++) await turn();
        seen.push(page);
      }
    }, /page 2 failed/);
    assert.deepEqual(seen, [1]);
    assert.deepEqual(unhandled, []);
  });

  test("a caller that stops early ends the walk once the page in flight has come", async () => {
    const { pages, asked, returned } = source(10);
    for await (const page of readAhead(pages)) if (page === 2) break;
    assert.deepEqual(asked, [1, 2, 3]);
    assert.equal(returned(), true);
  });
});
