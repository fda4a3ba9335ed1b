/**
 * The index's searches by name words (./search-index.ts): whole words through the posting list of
 * the rarest, prefixes through ranges of the sorted vocabulary, and typos by bounded edit distance
 * over the distinct words of a plausible length only. Each finds candidates, then checks each one's
 * few names by pairing every query word with a distinct word of the name.
 */
import { boundedDistance, DistanceRows, toleranceFor } from "./distance.ts";
import { bucketOf, type IndexedEntries, type Vocabulary } from "./index-entries.ts";
import { type MatchKind, type Ranked, scoreOf } from "./rank.ts";

/** How well one query word fits one word of a name: 0 perfectly, more for worse, -1 not at all. */
type WordCost = (query: string, word: number) => number;

// Module-level so that the hot loops create no function per candidate.
const sameWord = (q: number, w: number) => (q === w ? 0 : -1);

export class NameMatcher {
  readonly #entries: IndexedEntries;
  readonly #compare: (a: Ranked, b: Ranked) => number;
  readonly #distanceRows = new DistanceRows();

  constructor(entries: IndexedEntries, compare: (a: Ranked, b: Ranked) => number) {
    this.#entries = entries;
    this.#compare = compare;
  }

  /** Names holding every query word whole: `name` when nothing else is in the name, else `tokens`. */
  fullWords(words: string[], visit: (match: Ranked) => void): void {
    const entries = this.#entries;
    const ids: number[] = [];
    for (const word of words) {
      const id = entries.words.find(word);
      if (id < 0) return;
      ids.push(id);
    }
    const lists: Int32Array[] = [];
    for (const id of new Set(ids)) {
      const list = entries.postingsOf(id);
      if (list.length === 0) return;
      lists.push(list);
    }
    for (const p of intersect(lists)) {
      let best: Ranked | undefined;
      entries.eachName(p, (name) => {
        if (assign(ids, name, sameWord) < 0) return;
        const kind: MatchKind = name.length === ids.length ? "name" : "tokens";
        const closeness = { edits: 0, extraWords: name.length - ids.length, inOrder: inOrder(ids, name) };
        const match = entries.hit(p, kind, scoreOf(kind, closeness));
        if (!best || this.#compare(match, best) < 0) best = match;
      });
      if (best) visit(best);
    }
  }

  /** Names where every query word begins a distinct word: `ben you` → Ben Young. */
  prefixes(words: string[], visit: (match: Ranked) => void): void {
    const vocabulary = this.#entries.vocabulary();
    const ranges: Array<{ from: number; to: number; total: number }> = [];
    for (const word of new Set(words)) {
      const from = lowerBound(vocabulary.words, word);
      const to = lowerBound(vocabulary.words, `${word}\uffff`);
      let total = 0;
      for (let i = from; i < to; i++) total += this.#entries.postingsOf(vocabulary.ids[i] as number).length;
      if (total === 0) return;
      ranges.push({ from, to, total });
    }
    ranges.sort((a, b) => a.total - b.total);
    // Positions under the rarest prefix, narrowed by the next rarest when that is not too broad to gather.
    let candidates = this.#positionsIn(vocabulary, ranges[0]);
    for (const range of ranges.slice(1)) {
      if (range.total > candidates.length * 16) break;
      const other = new Set(this.#positionsIn(vocabulary, range));
      candidates = candidates.filter((p) => other.has(p));
    }
    const prefix: WordCost = (q, w) => {
      const word = this.#entries.words.word(w);
      return word.startsWith(q) ? word.length - q.length : -1;
    };
    for (const p of candidates) {
      const match = this.#bestName(p, words, "prefix", prefix);
      if (match) visit(match);
    }
  }

  #positionsIn(vocabulary: Vocabulary, range: { from: number; to: number } | undefined): number[] {
    if (!range) return [];
    if (range.to - range.from === 1)
      return [...this.#entries.postingsOf(vocabulary.ids[range.from] as number)];
    const positions = new Set<number>();
    for (let i = range.from; i < range.to; i++) {
      for (const p of this.#entries.postingsOf(vocabulary.ids[i] as number)) positions.add(p);
    }
    return [...positions];
  }

  /** Names where every query word is within a few edits of a distinct word. */
  fuzzy(words: string[], visit: (match: Ranked) => void): void {
    const entries = this.#entries;
    const { byLength } = entries.vocabulary();
    const close = new Map<string, Map<number, number>>();
    let rarest: { words: number[]; total: number } | undefined;
    for (const word of new Set(words)) {
      const tolerance = toleranceFor(word.length);
      const near = new Map<number, number>();
      let total = 0;
      for (let len = word.length - tolerance; len <= word.length + tolerance; len++) {
        for (const id of byLength.get(bucketOf(word, len)) ?? []) {
          const d = boundedDistance(word, entries.words.word(id), tolerance, this.#distanceRows);
          if (d <= tolerance) {
            near.set(id, d);
            total += entries.postingsOf(id).length;
          }
        }
      }
      if (near.size === 0) return;
      close.set(word, near);
      if (!rarest || total < rarest.total) rarest = { words: [...near.keys()], total };
    }
    if (!rarest) return;
    const seen = new Set<number>();
    const nearness: WordCost = (q, w) => close.get(q)?.get(w) ?? -1;
    for (const id of rarest.words) {
      for (const p of entries.postingsOf(id)) {
        if (seen.has(p)) continue;
        seen.add(p);
        const match = this.#bestName(p, words, "fuzzy", nearness);
        if (match) visit(match);
      }
    }
  }

  /** `benyoung`: a missing separator is one edit, found by splitting at each place into two known words. */
  split(word: string, visit: (match: Ranked) => void): void {
    for (let at = 2; at <= word.length - 2; at++) {
      const pair = [word.slice(0, at), word.slice(at)];
      if (!pair.every((w) => this.#entries.words.find(w) >= 0)) continue;
      this.fullWords(pair, (match) =>
        visit({
          ...match,
          kind: "fuzzy",
          // One edit (the missing separator), plus whatever else the name holds.
          score: scoreOf("fuzzy", { edits: 1, extraWords: match.kind === "name" ? 0 : 1, inOrder: true }),
        }),
      );
    }
  }

  #bestName(p: number, words: string[], kind: "prefix" | "fuzzy", cost: WordCost): Ranked | undefined {
    let best: Ranked | undefined;
    this.#entries.eachName(p, (name) => {
      const edits = assign(words, name, cost);
      if (edits < 0) return;
      const match = this.#entries.hit(
        p,
        kind,
        scoreOf(kind, { edits, extraWords: name.length - words.length, inOrder: true }),
      );
      if (!best || this.#compare(match, best) < 0) best = match;
    });
    return best;
  }
}

/**
 * The cheapest way to pair each query word with a distinct word of the name, or -1 if there is none.
 * `cost` says how well one query word fits one name word (-1: not at all). Names and queries have a
 * handful of words, so a depth-first search with pruning is enough.
 */
export function assign<Q, W>(query: readonly Q[], name: ArrayLike<W>, cost: (q: Q, w: W) => number): number {
  if (query.length > name.length) return -1;
  // The common case, one word, without the search.
  if (query.length === 1) {
    let best = -1;
    for (let j = 0; j < name.length; j++) {
      const c = cost(query[0] as Q, name[j] as W);
      if (c >= 0 && (best < 0 || c < best)) best = c;
    }
    return best;
  }
  return assignFrom(query, name, cost, new Array<boolean>(name.length).fill(false), 0, 0, -1);
}

/** The best total for query words `i…` given the name words already `used`, or -1; `best` prunes. */
function assignFrom<Q, W>(
  query: readonly Q[],
  name: ArrayLike<W>,
  cost: (q: Q, w: W) => number,
  used: boolean[],
  i: number,
  sum: number,
  best: number,
): number {
  if (best >= 0 && sum >= best) return best;
  if (i === query.length) return sum;
  const q = query[i] as Q;
  for (let j = 0; j < name.length; j++) {
    if (used[j]) continue;
    const c = cost(q, name[j] as W);
    if (c < 0) continue;
    used[j] = true;
    best = assignFrom(query, name, cost, used, i + 1, sum + c, best);
    used[j] = false;
    if (best === sum) break;
  }
  return best;
}

/** Whether the query words appear in the name in the order typed. */
function inOrder(query: readonly number[], name: Int32Array): boolean {
  let at = 0;
  for (const q of query) {
    const found = name.indexOf(q, at);
    if (found < 0) return false;
    at = found + 1;
  }
  return true;
}

/** Positions present in every list; each list is ascending. */
function intersect(lists: Int32Array[]): Int32Array | number[] {
  if (lists.length === 0) return [];
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let result: Int32Array | number[] = sorted[0] as Int32Array;
  for (const list of sorted.slice(1)) {
    const next: number[] = [];
    let from = 0;
    for (let i = 0; i < result.length; i++) {
      const p = result[i] as number;
      from = lowerBoundNumber(list, p, from);
      if (from >= list.length) break;
      if (list[from] === p) next.push(p);
    }
    result = next;
    if (result.length === 0) break;
  }
  return result;
}

function lowerBoundNumber(sorted: Int32Array, value: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
