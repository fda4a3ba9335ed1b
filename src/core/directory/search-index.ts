/**
 * The in-memory index of one organization's directory. Every hit is a hash lookup: by UPN, by local
 * part, or by the posting list of the rarest query word, checked against each candidate's few words.
 * Nothing scans the whole directory on the way to a hit; edit distance runs only on a miss, over the
 * distinct words (far fewer than the entries) within the length a typo allows.
 */
import { boundedDistance, DistanceRows, toleranceFor } from "./distance.ts";
import { type DirectoryEntry, entryKey } from "./entry.ts";
import { domainOf, fold, localPart, looksLikeAddress, tokenize } from "./normalize.ts";
import { compareMatches, type Match, type MatchKind, scoreOf, TopMatches } from "./rank.ts";

interface Slot {
  entry: DirectoryEntry;
  upn: string;
  local: string | undefined;
  domain: string | undefined;
  /** The word lists this entry answers to: its display name, its local part, a group's plain name. */
  names: string[][];
  /** Every distinct word of `names`, for the posting lists. */
  words: string[];
  order: string;
}

/** Longer queries are cut: names have a handful of words, and the assignment search is exponential. */
const MAX_QUERY_WORDS = 6;

export class DirectoryIndex {
  readonly #slots: Array<Slot | undefined> = [];
  readonly #byKey = new Map<string, number>();
  readonly #byUpn = new Map<string, number[]>();
  readonly #byLocal = new Map<string, number[]>();
  readonly #byWord = new Map<string, number[]>();
  readonly #domains = new Map<string, number>();
  #count = 0;
  // Sorted distinct words, for prefix ranges and typo candidates; rebuilt lazily after a change.
  #vocabulary: string[] | undefined;
  #vocabularyByLength: Map<string, string[]> | undefined;
  readonly #rows = new DistanceRows();

  constructor(entries: Iterable<DirectoryEntry> = []) {
    for (const entry of entries) this.#put(entry);
  }

  get size(): number {
    return this.#count;
  }

  entries(): DirectoryEntry[] {
    const out: DirectoryEntry[] = [];
    for (const slot of this.#slots) if (slot) out.push(slot.entry);
    return out;
  }

  /** Adds entries or replaces those with the same type and id (a fresher answer from VB365). */
  upsert(entries: Iterable<DirectoryEntry>): void {
    for (const entry of entries) this.#put(entry);
  }

  /** The most common UPN domains, most common first: where a bare local part most likely lives. */
  domains(limit: number): string[] {
    return [...this.#domains.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([domain]) => domain);
  }

  /** Entries whose UPN (or group name) is `address`, ignoring case. */
  exact(address: string): Match[] {
    return this.#collect(this.#byUpn.get(fold(address.trim())), "upn");
  }

  /** Entries whose UPN starts with `local@`, ignoring case. */
  byLocalPart(local: string): Match[] {
    return this.#collect(this.#byLocal.get(fold(local.trim())), "localPart");
  }

  /**
   * What a person most likely meant, best kind first and only that kind: an address matches only
   * exactly; anything else by UPN, then local part, then name words (all, then as prefixes).
   */
  lookup(text: string): Match[] {
    return this.lookupTop(text, Number.POSITIVE_INFINITY).matches;
  }

  /** `lookup`, keeping only the best `limit` matches but counting them all. */
  lookupTop(text: string, limit: number): { matches: Match[]; total: number } {
    const trimmed = text.trim();
    if (trimmed === "") return { matches: [], total: 0 };
    const all = (matches: Match[]) => ({ matches: matches.slice(0, limit), total: matches.length });
    if (looksLikeAddress(trimmed)) return all(this.exact(trimmed));
    const upn = this.exact(trimmed);
    if (upn.length > 0) return all(upn);
    const local = this.byLocalPart(trimmed);
    if (local.length > 0) return all(local);
    const words = queryWords(trimmed);
    const named = new TopMatches(limit);
    const partly = new TopMatches(limit);
    this.#fullWordMatches(words, (m) => (m.kind === "name" ? named : partly).add(m));
    const top = named.total > 0 ? named : partly.total > 0 ? partly : new TopMatches(limit);
    if (top.total === 0) this.#prefixMatches(words, (m) => top.add(m));
    return { matches: top.matches(), total: top.total };
  }

  /** Every match of any kind, ranked, for `find`; the closest names when nothing matches. */
  search(text: string, limit: number): { matches: Match[]; total: number } {
    const trimmed = text.trim();
    if (trimmed === "") return { matches: [], total: 0 };
    const words = queryWords(trimmed);
    const found = [...this.exact(trimmed), ...this.byLocalPart(trimmed)];
    const add = (m: Match) => found.push(m);
    this.#fullWordMatches(words, add);
    this.#prefixMatches(words, add);
    const best = bestPerEntry(found.length > 0 ? found : this.suggest(trimmed, limit));
    return { matches: best.slice(0, limit), total: best.length };
  }

  /**
   * The closest names by edit distance, for a query that matched nothing: every query word must be
   * within a few edits of a distinct word of the name. A single run-together word is also tried
   * split in two (`benyoung` → `ben young`). One entry per display name: a person choosing among
   * suggestions needs different names, not five people called the same.
   */
  suggest(text: string, limit: number): Match[] {
    const words = queryWords(text);
    if (words.length === 0 || limit <= 0) return [];
    const found: Match[] = [];
    const add = (m: Match) => found.push(m);
    this.#fuzzyMatches(words, add);
    if (words.length === 1) this.#splitMatches(words[0] as string, add);
    const names = new Set<string>();
    const out: Match[] = [];
    for (const match of bestPerEntry(found)) {
      const name = `${match.entry.type}\u0000${fold(match.entry.displayName)}`;
      if (names.has(name)) continue;
      names.add(name);
      out.push(match);
      if (out.length === limit) break;
    }
    return out;
  }

  #put(entry: DirectoryEntry): void {
    const key = entryKey(entry);
    const existing = this.#byKey.get(key);
    if (existing !== undefined) this.#remove(existing);
    const upn = fold(entry.name.trim());
    // A re-created user keeps its UPN under a new id: the newer answer replaces the old entry.
    if (upn !== "" && entry.type === "User") {
      for (const id of [...(this.#byUpn.get(upn) ?? [])]) {
        if (this.#slots[id]?.entry.type === "User") this.#remove(id);
      }
    }
    const local = localPart(upn);
    const names: string[][] = [];
    addName(names, tokenize(entry.displayName));
    if (local !== undefined) addName(names, tokenize(local));
    else if (upn !== "") addName(names, tokenize(upn));
    const words: string[] = [];
    for (const name of names) for (const word of name) if (!words.includes(word)) words.push(word);
    const slot: Slot = {
      entry,
      upn,
      local,
      domain: local === undefined ? undefined : domainOf(upn),
      names,
      words,
      order: `${fold(entry.displayName)}\u0000${upn}`,
    };
    const id = this.#slots.length;
    this.#slots.push(slot);
    this.#byKey.set(key, id);
    if (upn !== "") push(this.#byUpn, upn, id);
    if (local !== undefined) push(this.#byLocal, local, id);
    if (slot.domain !== undefined && entry.type === "User") {
      this.#domains.set(slot.domain, (this.#domains.get(slot.domain) ?? 0) + 1);
    }
    for (const word of words) {
      if (push(this.#byWord, word, id)) this.#vocabulary = undefined;
    }
    this.#count++;
  }

  #remove(id: number): void {
    const slot = this.#slots[id];
    if (!slot) return;
    this.#slots[id] = undefined;
    this.#byKey.delete(entryKey(slot.entry));
    if (slot.upn !== "") pull(this.#byUpn, slot.upn, id);
    if (slot.local !== undefined) pull(this.#byLocal, slot.local, id);
    if (slot.domain !== undefined && slot.entry.type === "User") {
      const left = (this.#domains.get(slot.domain) ?? 1) - 1;
      if (left > 0) this.#domains.set(slot.domain, left);
      else this.#domains.delete(slot.domain);
    }
    for (const word of slot.words) {
      if (pull(this.#byWord, word, id)) this.#vocabulary = undefined;
    }
    this.#count--;
  }

  #collect(ids: readonly number[] | undefined, kind: MatchKind): Match[] {
    const out: Match[] = [];
    for (const id of ids ?? []) {
      const slot = this.#slots[id];
      if (slot) out.push({ entry: slot.entry, kind, score: 0, order: slot.order });
    }
    return out.sort(compareMatches);
  }

  /** Names holding every query word whole: `name` when nothing else is in the name, else `tokens`. */
  #fullWordMatches(words: string[], visit: (match: Match) => void): void {
    const lists: number[][] = [];
    for (const word of new Set(words)) {
      const ids = this.#byWord.get(word);
      if (!ids) return;
      lists.push(ids);
    }
    for (const id of intersect(lists)) {
      const slot = this.#slots[id];
      if (!slot) continue;
      let best: Match | undefined;
      for (const name of slot.names) {
        const cost = assign(words, name, sameWord);
        if (cost < 0) continue;
        const kind: MatchKind = name.length === words.length ? "name" : "tokens";
        const match: Match = {
          entry: slot.entry,
          kind,
          score: scoreOf(kind, {
            edits: 0,
            extraWords: name.length - words.length,
            inOrder: inOrder(words, name),
          }),
          order: slot.order,
        };
        if (!best || compareMatches(match, best) < 0) best = match;
      }
      if (best) visit(best);
    }
  }

  /** Names where every query word begins a distinct word: `ben you` → Ben Young. */
  #prefixMatches(words: string[], visit: (match: Match) => void): void {
    const vocabulary = this.#sortedVocabulary();
    const ranges: Array<{ from: number; to: number; total: number }> = [];
    for (const word of new Set(words)) {
      const from = lowerBound(vocabulary, word);
      const to = lowerBound(vocabulary, `${word}\uffff`);
      let total = 0;
      for (let i = from; i < to; i++) total += this.#byWord.get(vocabulary[i] as string)?.length ?? 0;
      if (total === 0) return;
      ranges.push({ from, to, total });
    }
    ranges.sort((a, b) => a.total - b.total);
    // Ids under the rarest prefix, narrowed by the next rarest when that is not too broad to gather.
    let candidates = this.#idsIn(vocabulary, ranges[0]);
    for (const range of ranges.slice(1)) {
      if (range.total > candidates.length * 16) break;
      const other = new Set(this.#idsIn(vocabulary, range));
      candidates = candidates.filter((id) => other.has(id));
    }
    for (const id of candidates) {
      const slot = this.#slots[id];
      if (!slot) continue;
      const match = this.#bestName(slot, words, "prefix", wordPrefix);
      if (match) visit(match);
    }
  }

  #idsIn(vocabulary: readonly string[], range: { from: number; to: number } | undefined): number[] {
    if (!range) return [];
    if (range.to - range.from === 1) return this.#byWord.get(vocabulary[range.from] as string) ?? [];
    const ids = new Set<number>();
    for (let i = range.from; i < range.to; i++) {
      for (const id of this.#byWord.get(vocabulary[i] as string) ?? []) ids.add(id);
    }
    return [...ids];
  }

  /** Names where every query word is within a few edits of a distinct word. */
  #fuzzyMatches(words: string[], visit: (match: Match) => void): void {
    const byLength = this.#lengthBuckets();
    const close = new Map<string, Map<string, number>>();
    let rarest: { words: string[]; total: number } | undefined;
    for (const word of new Set(words)) {
      const tolerance = toleranceFor(word.length);
      const near = new Map<string, number>();
      let total = 0;
      for (let len = word.length - tolerance; len <= word.length + tolerance; len++) {
        for (const candidate of byLength.get(bucketOf(word, len)) ?? []) {
          const d = boundedDistance(word, candidate, tolerance, this.#rows);
          if (d <= tolerance) {
            near.set(candidate, d);
            total += this.#byWord.get(candidate)?.length ?? 0;
          }
        }
      }
      if (near.size === 0) return;
      close.set(word, near);
      if (!rarest || total < rarest.total) rarest = { words: [...near.keys()], total };
    }
    if (!rarest) return;
    const seen = new Set<number>();
    const nearness = (q: string, t: string) => close.get(q)?.get(t) ?? -1;
    for (const candidate of rarest.words) {
      for (const id of this.#byWord.get(candidate) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const slot = this.#slots[id];
        if (!slot) continue;
        const match = this.#bestName(slot, words, "fuzzy", nearness);
        if (match) visit(match);
      }
    }
  }

  /** `benyoung`: a missing separator is one edit, found by splitting at each place into two known words. */
  #splitMatches(word: string, visit: (match: Match) => void): void {
    for (let at = 2; at <= word.length - 2; at++) {
      const pair = [word.slice(0, at), word.slice(at)];
      if (!pair.every((w) => this.#byWord.has(w))) continue;
      this.#fullWordMatches(pair, (match) =>
        visit({
          ...match,
          kind: "fuzzy",
          // One edit (the missing separator), plus whatever else the name holds.
          score: scoreOf("fuzzy", { edits: 1, extraWords: match.kind === "name" ? 0 : 1, inOrder: true }),
        }),
      );
    }
  }

  #bestName(slot: Slot, words: string[], kind: "prefix" | "fuzzy", cost: WordCost): Match | undefined {
    let best: Match | undefined;
    for (const name of slot.names) {
      const edits = assign(words, name, cost);
      if (edits < 0) continue;
      const match: Match = {
        entry: slot.entry,
        kind,
        score: scoreOf(kind, { edits, extraWords: name.length - words.length, inOrder: true }),
        order: slot.order,
      };
      if (!best || compareMatches(match, best) < 0) best = match;
    }
    return best;
  }

  #sortedVocabulary(): string[] {
    if (!this.#vocabulary) {
      this.#vocabulary = [...this.#byWord.keys()].sort();
      this.#vocabularyByLength = undefined;
    }
    return this.#vocabulary;
  }

  #lengthBuckets(): Map<string, string[]> {
    const vocabulary = this.#sortedVocabulary();
    if (!this.#vocabularyByLength) {
      const buckets = new Map<string, string[]>();
      for (const word of vocabulary) push(buckets, bucketOf(word, word.length), word);
      this.#vocabularyByLength = buckets;
    }
    return this.#vocabularyByLength;
  }
}

/**
 * Words are all letters or all digits (the tokenizer splits between them), and a typo never turns
 * one into the other: comparing only within a kind and a length keeps the typo search small even
 * when every UPN carries a number.
 */
function bucketOf(word: string, length: number): string {
  const code = word.charCodeAt(0);
  return `${code >= 48 && code <= 57 ? "9" : "a"}${length}`;
}

/** How well one query word fits one name word: 0 perfectly, more for worse, -1 not at all. */
type WordCost = (query: string, word: string) => number;

// Module-level so that the hot loops create no function per candidate.
const sameWord: WordCost = (q, t) => (q === t ? 0 : -1);
const wordPrefix: WordCost = (q, t) => (t.startsWith(q) ? t.length - q.length : -1);

function queryWords(text: string): string[] {
  return tokenize(text).slice(0, MAX_QUERY_WORDS);
}

/**
 * The cheapest way to pair each query word with a distinct word of the name, or -1 if there is none.
 * `cost` says how well one query word fits one name word (-1: not at all). Names and queries have a
 * handful of words, so a depth-first search with pruning is enough.
 */
export function assign(query: readonly string[], name: readonly string[], cost: WordCost): number {
  if (query.length > name.length) return -1;
  // The common case, one or two words each way, without the search.
  if (query.length === 1) {
    let best = -1;
    for (const word of name) {
      const c = cost(query[0] as string, word);
      if (c >= 0 && (best < 0 || c < best)) best = c;
    }
    return best;
  }
  return assignFrom(query, name, cost, new Array<boolean>(name.length).fill(false), 0, 0, -1);
}

/** The best total for query words `i…` given the name words already `used`, or -1; `best` prunes. */
function assignFrom(
  query: readonly string[],
  name: readonly string[],
  cost: WordCost,
  used: boolean[],
  i: number,
  sum: number,
  best: number,
): number {
  if (best >= 0 && sum >= best) return best;
  if (i === query.length) return sum;
  const q = query[i] as string;
  for (let j = 0; j < name.length; j++) {
    if (used[j]) continue;
    const c = cost(q, name[j] as string);
    if (c < 0) continue;
    used[j] = true;
    best = assignFrom(query, name, cost, used, i + 1, sum + c, best);
    used[j] = false;
    if (best === sum) break;
  }
  return best;
}

/** Whether the query words appear in the name in the order typed. */
function inOrder(query: readonly string[], name: readonly string[]): boolean {
  let at = 0;
  for (const q of query) {
    const found = name.indexOf(q, at);
    if (found < 0) return false;
    at = found + 1;
  }
  return true;
}

function bestPerEntry(matches: Match[]): Match[] {
  const best = new Map<string, Match>();
  for (const match of matches) {
    const key = entryKey(match.entry);
    const known = best.get(key);
    if (!known || compareMatches(match, known) < 0) best.set(key, match);
  }
  return [...best.values()].sort(compareMatches);
}

/** Ids present in every list; each list is ascending, since ids only grow. */
function intersect(lists: number[][]): number[] {
  if (lists.length === 0) return [];
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let result = sorted[0] as number[];
  for (const list of sorted.slice(1)) {
    const next: number[] = [];
    let from = 0;
    for (const id of result) {
      from = lowerBoundNumber(list, id, from);
      if (from >= list.length) break;
      if (list[from] === id) next.push(id);
    }
    result = next;
    if (result.length === 0) break;
  }
  return result;
}

function lowerBoundNumber(sorted: readonly number[], value: number, from: number): number {
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

/** Appends `value` to the list under `key`; true when the key is new. */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): boolean {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
  return list === undefined;
}

/** Removes `value` from the list under `key`; true when the list became empty and was dropped. */
function pull<K>(map: Map<K, number[]>, key: K, value: number): boolean {
  const list = map.get(key);
  if (!list) return false;
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
  if (list.length > 0) return false;
  map.delete(key);
  return true;
}

/** Adds a word list to an entry's names unless it is empty or already there. */
function addName(names: string[][], words: string[]): void {
  if (words.length === 0) return;
  for (const name of names) {
    if (name.length !== words.length) continue;
    let same = true;
    for (let i = 0; i < name.length && same; i++) same = name[i] === words[i];
    if (same) return;
  }
  names.push(words);
}
