import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { boundedDistance, DistanceRows, toleranceFor } from "../../../src/core/directory/distance.ts";

/** The textbook optimal-string-alignment distance, unbounded and unoptimised, as a reference. */
function reference(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A small deterministic generator, so a failure can be replayed. */
function words(seed: number, count: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () => {
    const length = next() % 9;
    return Array.from({ length }, () => "abcde"[next() % 5]).join("");
  });
}

describe("boundedDistance", () => {
  test("a transposition is one edit", () => {
    assert.equal(boundedDistance("yuong", "young", 2), 1);
    assert.equal(boundedDistance("ben", "bne", 2), 1);
  });

  test("insertions, deletions and substitutions", () => {
    assert.equal(boundedDistance("young", "yong", 2), 1);
    assert.equal(boundedDistance("young", "youngs", 2), 1);
    assert.equal(boundedDistance("young", "yount", 2), 1);
    assert.equal(boundedDistance("", "ab", 2), 2);
  });

  test("beyond the bound it answers max + 1", () => {
    assert.equal(boundedDistance("young", "smith", 2), 3);
    assert.equal(boundedDistance("a", "abcdef", 1), 2);
  });

  test("agrees with the textbook algorithm wherever the answer is within the bound", () => {
    const list = words(7, 120);
    const rows = new DistanceRows();
    for (const a of list) {
      for (const b of list.slice(0, 40)) {
        const expected = reference(a, b);
        for (const max of [0, 1, 2, 3]) {
          const got = boundedDistance(a, b, max, rows);
          assert.equal(got, expected <= max ? expected : max + 1, `${a} / ${b} within ${max}`);
        }
      }
    }
  });

  test("longer words tolerate more edits", () => {
    assert.ok(toleranceFor(2) < toleranceFor(4));
    assert.ok(toleranceFor(4) < toleranceFor(8));
  });
});
