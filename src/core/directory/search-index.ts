/**
 * The in-memory index of one organization's directory. Every hit is a lookup: by UPN, by local
 * part, or by the posting list of the rarest query word, checked against each candidate's few words.
 * Nothing scans the whole directory on the way to a hit; edit distance runs only on a miss, over the
 * distinct words (far fewer than the entries) within the length a typo allows.
 *
 * It is compact: the entries themselves stay where they are stored (./rows.ts), and are read back
 * only for the matches answered with. Per entry the index keeps its row, its type, a sort key, its
 * names as word numbers, and three 32-bit hashes (./index-entries.ts); per word, the sorted
 * positions of the entries holding it. About 120 bytes an entry instead of about 1 KB as objects,
 * maps and arrays. The searches by name words are in ./name-matches.ts.
 */
import type { DirectoryEntry } from "./entry.ts";
import { IndexedEntries } from "./index-entries.ts";
import { NameMatcher } from "./name-matches.ts";
import { fold, looksLikeAddress, tokenize } from "./normalize.ts";
import { compareRanked, type Match, type Ranked, TopMatches } from "./rank.ts";
import { EntryList, type EntryRows } from "./rows.ts";

export { assign } from "./name-matches.ts";

/** Longer queries are cut: names have a handful of words, and the assignment search is exponential. */
const MAX_QUERY_WORDS = 6;

export class DirectoryIndex {
  readonly #store: EntryRows;
  readonly #entries = new IndexedEntries();
  /** The ranking, with sort keys compared as stored. */
  readonly #compare = (a: Ranked, b: Ranked): number =>
    compareRanked(a, b, (x, y) => this.#entries.compareOrders(x.position, y.position));
  readonly #names = new NameMatcher(this.#entries, this.#compare);
  readonly #readPositions = (positions: readonly number[]) => this.#read(positions);

  /** An index over entries kept in `store`; `add` tells it which rows they are under. */
  constructor(store: EntryRows = new EntryList()) {
    this.#store = store;
  }

  /** An index over `entries` kept in an array: for tests and tools. */
  static from(entries: Iterable<DirectoryEntry>): DirectoryIndex {
    const list = new EntryList();
    const index = new DirectoryIndex(list);
    const all = [...entries];
    index.add(all, list.append(all));
    return index;
  }

  get size(): number {
    return this.#entries.count;
  }

  entries(): DirectoryEntry[] {
    return this.#read(this.#entries.livePositions()).flatMap((entry) => (entry ? [entry] : []));
  }

  /**
   * Indexes `entries`, stored under `rows`. An entry replaces any indexed one with the same type and
   * id (a fresher answer from VB365), and a user any user with the same UPN (re-created under a new
   * id). Returns the rows of the entries replaced, for the store to drop.
   */
  add(entries: readonly DirectoryEntry[], rows: readonly number[]): number[] {
    if (entries.length !== rows.length) throw new Error("every entry needs its row");
    const replaced: number[] = [];
    for (let i = 0; i < entries.length; i++)
      this.#entries.put(entries[i] as DirectoryEntry, rows[i] as number, replaced, this.#readPositions);
    return replaced;
  }

  /** Gives back the room the arrays keep for growth: for an index built in full (a sync, a load). */
  trim(): void {
    this.#entries.trim();
  }

  /** The most common UPN domains, most common first: where a bare local part most likely lives. */
  domains(limit: number): string[] {
    return this.#entries.domains(limit);
  }

  /** Entries whose UPN (or group name) is `address`, ignoring case. */
  exact(address: string): Match[] {
    return this.#answer(this.#exactHits(address));
  }

  /** Entries whose UPN starts with `local@`, ignoring case. */
  byLocalPart(local: string): Match[] {
    return this.#answer(this.#localHits(local));
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
    const all = (hits: Ranked[]) => ({ matches: this.#answer(hits.slice(0, limit)), total: hits.length });
    if (looksLikeAddress(trimmed)) return all(this.#exactHits(trimmed));
    const upn = this.#exactHits(trimmed);
    if (upn.length > 0) return all(upn);
    const local = this.#localHits(trimmed);
    if (local.length > 0) return all(local);
    const words = queryWords(trimmed);
    const named = new TopMatches(limit, this.#compare);
    const partly = new TopMatches(limit, this.#compare);
    this.#names.fullWords(words, (m) => (m.kind === "name" ? named : partly).add(m));
    const top = named.total > 0 ? named : partly.total > 0 ? partly : new TopMatches(limit, this.#compare);
    if (top.total === 0) this.#names.prefixes(words, (m) => top.add(m));
    return { matches: this.#answer(top.matches()), total: top.total };
  }

  /** Every match of any kind, ranked, for `find`; the closest names when nothing matches. */
  search(text: string, limit: number): { matches: Match[]; total: number } {
    const trimmed = text.trim();
    if (trimmed === "") return { matches: [], total: 0 };
    const words = queryWords(trimmed);
    const found = [...this.#exactHits(trimmed), ...this.#localHits(trimmed)];
    const add = (m: Ranked) => found.push(m);
    this.#names.fullWords(words, add);
    this.#names.prefixes(words, add);
    const best = this.#bestPerEntry(found.length > 0 ? found : this.#suggestions(trimmed, limit));
    return { matches: this.#answer(best.slice(0, limit)), total: best.length };
  }

  /**
   * The closest names by edit distance, for a query that matched nothing: every query word must be
   * within a few edits of a distinct word of the name. A single run-together word is also tried
   * split in two (`benyoung` → `ben young`). One entry per display name: a person choosing among
   * suggestions needs different names, not five people called the same.
   */
  suggest(text: string, limit: number): Match[] {
    return this.#answer(this.#suggestions(text, limit));
  }

  #suggestions(text: string, limit: number): Ranked[] {
    const words = queryWords(text);
    if (words.length === 0 || limit <= 0) return [];
    const found: Ranked[] = [];
    const add = (m: Ranked) => found.push(m);
    this.#names.fuzzy(words, add);
    if (words.length === 1) this.#names.split(words[0] as string, add);
    const names = new Set<string>();
    const out: Ranked[] = [];
    for (const match of this.#bestPerEntry(found)) {
      const order = this.#entries.orderOf(match.position);
      const name = `${match.type}\u0000${order.slice(0, order.lastIndexOf("\u0000"))}`;
      if (names.has(name)) continue;
      names.add(name);
      out.push(match);
      if (out.length === limit) break;
    }
    return out;
  }

  #exactHits(address: string): Ranked[] {
    const upn = fold(address.trim());
    if (upn === "") return [];
    return this.#entries
      .byUpn(upn)
      .filter((p) => this.#entries.upnOf(p) === upn)
      .map((p) => this.#entries.hit(p, "upn", 0))
      .sort(this.#compare);
  }

  #localHits(text: string): Ranked[] {
    const local = fold(text.trim());
    if (local === "") return [];
    return this.#entries
      .byLocal(local)
      .filter((p) => this.#entries.upnOf(p).startsWith(`${local}@`))
      .map((p) => this.#entries.hit(p, "localPart", 0))
      .sort(this.#compare);
  }

  /** The ranked hits with their entries, read from the store. */
  #answer(hits: readonly Ranked[]): Match[] {
    const entries = this.#read(hits.map((h) => h.position));
    const out: Match[] = [];
    hits.forEach((hit, i) => {
      const entry = entries[i];
      if (entry) out.push({ ...hit, entry, order: this.#entries.orderOf(hit.position) });
    });
    return out;
  }

  #read(positions: readonly number[]): Array<DirectoryEntry | undefined> {
    return positions.length === 0 ? [] : this.#store.read(positions.map((p) => this.#entries.rowOf(p)));
  }

  /** The best match of each entry among `matches`, ranked. */
  #bestPerEntry(matches: Ranked[]): Ranked[] {
    const best = new Map<number, Ranked>();
    for (const match of matches) {
      const known = best.get(match.position);
      if (!known || this.#compare(match, known) < 0) best.set(match.position, match);
    }
    return [...best.values()].sort(this.#compare);
  }
}

function queryWords(text: string): string[] {
  return tokenize(text).slice(0, MAX_QUERY_WORDS);
}
