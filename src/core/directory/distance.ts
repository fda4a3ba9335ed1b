/**
 * Bounded optimal-string-alignment distance (Damerau-Levenshtein where a transposed pair counts as
 * one edit and is not edited again). Bounded because suggestions only care about close names: once
 * every cell of a row exceeds `max`, no later row can come back under it, so the loop stops early.
 */

/** Reusable rows, so that comparing one word with thousands allocates nothing per comparison. */
export class DistanceRows {
  rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

  fit(length: number): [Int32Array, Int32Array, Int32Array] {
    if (this.rows[0].length < length) {
      this.rows = [new Int32Array(length * 2), new Int32Array(length * 2), new Int32Array(length * 2)];
    }
    return this.rows;
  }
}

/** The edit distance between `a` and `b`, or `max + 1` when it is larger than `max`. */
export function boundedDistance(a: string, b: string, max: number, scratch?: DistanceRows): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;

  const over = max + 1;
  // Three rows: the one before last (for transpositions), the last, and the current.
  let [prev2, prev, cur] = (scratch ?? new DistanceRows()).fit(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;

  for (let i = 1; i <= la; i++) {
    const ca = a.charCodeAt(i - 1);
    // Only cells within `max` of the diagonal can hold a value <= max.
    const from = Math.max(1, i - max);
    const to = Math.min(lb, i + max);
    cur[0] = i;
    if (from > 1) cur[from - 1] = over;
    let rowMin = from === 1 ? i : over;
    for (let j = from; j <= to; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (to < lb) cur[to + 1] = over;
    if (rowMin > max) return over;
    const spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  const result = prev[lb] as number;
  return result > max ? over : result;
}

/** How many edits a word of this length may have and still count as "close". */
export function toleranceFor(length: number): number {
  if (length <= 2) return 0;
  if (length <= 5) return 1;
  return 2;
}
