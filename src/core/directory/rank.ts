/**
 * How matches are ordered: first by how they matched (an exact UPN beats a local part, which beats
 * name words, whole words beat prefixes, and edits come last), then by how closely, then users
 * before groups, then alphabetically, then by place in the index so the same query always lists
 * the same way.
 */
import type { PrincipalType } from "../../vbo/schemas.ts";
import type { DirectoryEntry } from "./entry.ts";

export type MatchKind =
  /** The whole UPN (or a group's name), ignoring case. */
  | "upn"
  /** The part before `@`: `ben.young`. */
  | "localPart"
  /** Exactly the words of the name, in any order: `Young Ben`. */
  | "name"
  /** Every word typed is a word of the name, which has more: `young` for Ben Young. */
  | "tokens"
  /** Every word typed begins a word of the name: `ben you`. */
  | "prefix"
  /** Within a few edits: `ben.yuong`. Only ever a suggestion. */
  | "fuzzy";

export const MATCH_KINDS: readonly MatchKind[] = ["upn", "localPart", "name", "tokens", "prefix", "fuzzy"];

/** What ranking needs of a match. No entry: thousands of candidates rank before any is read. */
export interface Ranked {
  kind: MatchKind;
  /** Lower is closer, comparable only within one kind. */
  score: number;
  type: PrincipalType;
  /** The entry's place in its index: its sort key is found by it, and it breaks the last ties. */
  position: number;
}

export interface Match extends Ranked {
  entry: DirectoryEntry;
  /** The sort key: folded display name, NUL, folded UPN. */
  order: string;
}

export interface Closeness {
  /** Characters missing (prefix) or edits needed (fuzzy). */
  edits: number;
  /** Words of the name that the query did not mention. */
  extraWords: number;
  inOrder: boolean;
}

export function scoreOf(kind: MatchKind, c: Closeness): number {
  switch (kind) {
    case "upn":
    case "localPart":
      return 0;
    case "name":
      return c.inOrder ? 0 : 1;
    case "tokens":
      return c.extraWords * 2 + (c.inOrder ? 0 : 1);
    case "prefix":
      return c.edits + c.extraWords * 2;
    case "fuzzy":
      // One edit weighs more than an extra word: "Ben Young Jr" is closer to `ben yuong` than Ken Young.
      return c.edits * 4 + c.extraWords;
  }
}

const kindRank: Record<MatchKind, number> = { upn: 0, localPart: 1, name: 2, tokens: 3, prefix: 4, fuzzy: 5 };

/**
 * By how they matched, how closely, then users before groups; `byOrder` breaks what is left (the
 * index compares its sort keys as stored, without making strings of them).
 */
export function compareRanked<T extends Ranked>(a: T, b: T, byOrder: (a: T, b: T) => number): number {
  return (
    kindRank[a.kind] - kindRank[b.kind] ||
    a.score - b.score ||
    (a.type === b.type ? 0 : a.type === "User" ? -1 : 1) ||
    byOrder(a, b)
  );
}

export function compareMatches(a: Match, b: Match): number {
  return compareRanked(a, b, byOrderText);
}

const byOrderText = (a: Match, b: Match) => compareText(a.order, b.order) || a.position - b.position;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Keeps the best `limit` matches in order while counting them all, so that listing the first 25 of
 * 3,000 Youngs costs one comparison for most of them instead of a full sort.
 */
export class TopMatches<T extends Ranked> {
  readonly #limit: number;
  readonly #compare: (a: T, b: T) => number;
  readonly #items: T[] = [];
  #total = 0;
  #sorted = true;

  constructor(limit: number, compare: (a: T, b: T) => number) {
    this.#limit = Math.max(0, limit);
    this.#compare = compare;
  }

  get total(): number {
    return this.#total;
  }

  add(match: T): void {
    this.#total++;
    const items = this.#items;
    if (!Number.isFinite(this.#limit)) {
      // Unbounded: collect now, sort once at the end.
      items.push(match);
      this.#sorted = false;
      return;
    }
    if (items.length === this.#limit) {
      const last = items[items.length - 1];
      if (!last || this.#compare(match, last) >= 0) return;
      items.pop();
    }
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#compare(items[mid] as T, match) <= 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, match);
  }

  /** The best matches, best first. */
  matches(): T[] {
    if (!this.#sorted) {
      this.#items.sort(this.#compare);
      this.#sorted = true;
    }
    return [...this.#items];
  }
}
