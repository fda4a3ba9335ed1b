/**
 * The in-memory index of one organization's directory. Every hit is a lookup: by UPN, by local
 * part, or by the posting list of the rarest query word, checked against each candidate's few words.
 * Nothing scans the whole directory on the way to a hit; edit distance runs only on a miss, over the
 * distinct words (far fewer than the entries) within the length a typo allows.
 *
 * It is compact: the entries themselves stay where they are stored (./rows.ts), and are read back
 * only for the matches answered with. Per entry the index keeps its row, its type, a sort key
 * (folded display name and UPN, from which the UPN, local part and domain are also taken), its
 * names as word numbers, and three 32-bit hashes; per word, the sorted positions of the entries
 * holding it, rebuilt lazily after a change. About 120 bytes an entry instead of about 1 KB as
 * objects, maps and arrays.
 */
import {
  bytes,
  type Column,
  floats,
  hashText,
  ints,
  PositionTable,
  TextColumn,
  WordTable,
} from "./columns.ts";
import { boundedDistance, DistanceRows, toleranceFor } from "./distance.ts";
import type { DirectoryEntry } from "./entry.ts";
import { domainOf, fold, looksLikeAddress, PLAIN, plainWordSpans, tokenize } from "./normalize.ts";
import { compareRanked, type Match, type MatchKind, type Ranked, scoreOf, TopMatches } from "./rank.ts";
import { EntryList, type EntryRows } from "./rows.ts";

/** Longer queries are cut: names have a handful of words, and the assignment search is exponential. */
const MAX_QUERY_WORDS = 6;

/** `#types` values; 0 marks a position whose entry was replaced. */
const GONE = 0;
const USER = 1;
const GROUP = 2;

/** Positions of the entries holding each word, ascending: word `w` owns `ids[starts[w]…starts[w+1])`. */
interface Postings {
  starts: Int32Array;
  ids: Int32Array;
}

/** The live words in order, for prefix ranges, and by kind and length, for typo candidates. */
interface Vocabulary {
  words: string[];
  ids: Int32Array;
  byLength: Map<string, number[]>;
}

export class DirectoryIndex {
  readonly #store: EntryRows;
  #count = 0;

  // One value per position. An entry replaced by a fresher one leaves its position GONE.
  readonly #rows = floats();
  readonly #types = bytes();
  /** Folded display name, NUL, folded UPN: the tie-break, and where UPN and local part are read. */
  readonly #orders = new TextColumn();
  readonly #keyHashes = ints();
  readonly #upnHashes = ints();
  readonly #localHashes = ints();
  /** Where each position's names begin in `#names`; they end where the next position's begin. */
  readonly #nameStarts = ints();
  /** Per position, each name as its length then its word numbers. */
  readonly #names = ints();

  readonly #byKey = new PositionTable((p) => this.#keyHashes.at(p));
  readonly #byUpn = new PositionTable((p) => this.#upnHashes.at(p));
  readonly #byLocal = new PositionTable((p) => this.#localHashes.at(p));
  readonly #domains = new Map<string, number>();

  /** Every word ever indexed, by number. */
  readonly #words = new WordTable();
  // Scratch space for each entry's names, reused.
  readonly #spans = ints();
  readonly #displayWords = ints();
  readonly #otherWords = ints();
  /** The domain of the last user added: most users share one, and it need not be cut out again. */
  #lastDomain: string | undefined;
  // Derived, rebuilt on first use after a change.
  #postings: Postings | undefined;
  #vocabulary: Vocabulary | undefined;
  readonly #distanceRows = new DistanceRows();
  /** The ranking, with sort keys compared as stored. */
  readonly #compare = (a: Ranked, b: Ranked): number =>
    compareRanked(a, b, (x, y) =>
      x.position === y.position ? 0 : this.#orders.compare(x.position, y.position) || x.position - y.position,
    );

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
    return this.#count;
  }

  entries(): DirectoryEntry[] {
    const positions: number[] = [];
    for (let p = 0; p < this.#types.length; p++) if (this.#types.at(p) !== GONE) positions.push(p);
    return this.#read(positions).flatMap((entry) => (entry ? [entry] : []));
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
      this.#put(entries[i] as DirectoryEntry, rows[i] as number, replaced);
    return replaced;
  }

  /** Gives back the room the arrays keep for growth: for an index built in full (a sync, a load). */
  trim(): void {
    for (const column of [this.#rows, this.#types, this.#keyHashes, this.#upnHashes, this.#localHashes])
      column.trim();
    for (const column of [this.#nameStarts, this.#names]) column.trim();
    this.#orders.trim();
    this.#words.trim();
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
    this.#fullWordMatches(words, (m) => (m.kind === "name" ? named : partly).add(m));
    const top = named.total > 0 ? named : partly.total > 0 ? partly : new TopMatches(limit, this.#compare);
    if (top.total === 0) this.#prefixMatches(words, (m) => top.add(m));
    return { matches: this.#answer(top.matches()), total: top.total };
  }

  /** Every match of any kind, ranked, for `find`; the closest names when nothing matches. */
  search(text: string, limit: number): { matches: Match[]; total: number } {
    const trimmed = text.trim();
    if (trimmed === "") return { matches: [], total: 0 };
    const words = queryWords(trimmed);
    const found = [...this.#exactHits(trimmed), ...this.#localHits(trimmed)];
    const add = (m: Ranked) => found.push(m);
    this.#fullWordMatches(words, add);
    this.#prefixMatches(words, add);
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
    this.#fuzzyMatches(words, add);
    if (words.length === 1) this.#splitMatches(words[0] as string, add);
    const names = new Set<string>();
    const out: Ranked[] = [];
    for (const match of this.#bestPerEntry(found)) {
      const order = this.#orders.text(match.position);
      const name = `${match.type}\u0000${order.slice(0, order.lastIndexOf("\u0000"))}`;
      if (names.has(name)) continue;
      names.add(name);
      out.push(match);
      if (out.length === limit) break;
    }
    return out;
  }

  #put(entry: DirectoryEntry, row: number, replaced: number[]): void {
    const keyHash = hashText(entry.id, hashText(entry.type));
    for (const p of this.#byKey.find(keyHash)) {
      // Only a row read back tells two ids with the same hash apart; that is rare.
      const [known] = this.#read([p]);
      if (known?.type === entry.type && known.id === entry.id) replaced.push(this.#remove(p));
    }
    const upn = fold(entry.name.trim());
    const upnHash = hashText(upn);
    // A re-created user keeps its UPN under a new id: the newer answer replaces the old entry.
    if (upn !== "" && entry.type === "User") {
      for (const p of this.#byUpn.find(upnHash)) {
        if (this.#types.at(p) === USER && this.#upnOf(p) === upn) replaced.push(this.#remove(p));
      }
    }
    // The names: the display name's words, and the local part's (a group without one: its name's).
    const at = upn.indexOf("@");
    const hasLocal = at > 0;
    const display = this.#wordsOf(entry.displayName, 0, entry.displayName.length, this.#displayWords);
    const other = this.#wordsOf(upn, 0, hasLocal ? at : upn.length, this.#otherWords);

    const p = this.#types.length;
    this.#rows.push(row);
    this.#types.push(entry.type === "User" ? USER : GROUP);
    this.#orders.push(fold(entry.displayName), upn);
    this.#keyHashes.push(keyHash);
    this.#upnHashes.push(upnHash);
    this.#localHashes.push(hasLocal ? hashText(upn, undefined, 0, at) : 0);
    this.#nameStarts.push(this.#names.length);
    this.#pushName(display);
    if (!sameNumbers(display, other)) this.#pushName(other);
    this.#byKey.add(p);
    if (upn !== "") this.#byUpn.add(p);
    if (hasLocal) this.#byLocal.add(p);
    const domain = hasLocal && entry.type === "User" ? this.#domainOf(upn) : undefined;
    if (domain !== undefined) this.#domains.set(domain, (this.#domains.get(domain) ?? 0) + 1);
    this.#count++;
    this.#postings = undefined;
  }

  #pushName(words: Column<Int32Array>): void {
    if (words.length === 0) return;
    this.#names.push(words.length);
    for (let i = 0; i < words.length; i++) this.#names.push(words.at(i));
  }

  /** The numbers of the words of `text` between `from` and `to` (as `tokenize` splits), into `out`. */
  #wordsOf(text: string, from: number, to: number, out: Column<Int32Array>): Column<Int32Array> {
    out.clear();
    if (PLAIN.test(text)) {
      const spans = this.#spans;
      spans.clear();
      plainWordSpans(text, from, to, spans);
      for (let i = 0; i < spans.length; i += 2) out.push(this.#words.add(text, spans.at(i), spans.at(i + 1)));
    } else {
      for (const word of tokenize(text.slice(from, to))) out.push(this.#words.add(word));
    }
    return out;
  }

  /** The domain of a folded UPN; the last user's again when it is the same. */
  #domainOf(upn: string): string | undefined {
    const last = this.#lastDomain;
    const at = upn.length - (last?.length ?? 0) - 1;
    if (last !== undefined && at > 0 && upn.charCodeAt(at) === 64 && upn.endsWith(last)) return last;
    this.#lastDomain = domainOf(upn);
    return this.#lastDomain;
  }

  /** Forgets the entry at `p`; its row. */
  #remove(p: number): number {
    const upn = this.#upnOf(p);
    const at = upn.indexOf("@");
    this.#byKey.remove(p);
    if (upn !== "") this.#byUpn.remove(p);
    if (at > 0) this.#byLocal.remove(p);
    const domain = at > 0 && this.#types.at(p) === USER ? domainOf(upn) : undefined;
    if (domain !== undefined) {
      const left = (this.#domains.get(domain) ?? 1) - 1;
      if (left > 0) this.#domains.set(domain, left);
      else this.#domains.delete(domain);
    }
    this.#types.set(p, GONE);
    this.#count--;
    this.#postings = undefined;
    return this.#rows.at(p);
  }

  /** The folded UPN of `p`: its sort key after the NUL. */
  #upnOf(p: number): string {
    const order = this.#orders.text(p);
    return order.slice(order.lastIndexOf("\u0000") + 1);
  }

  #hit(p: number, kind: MatchKind, score: number): Ranked {
    return {
      kind,
      score,
      type: this.#types.at(p) === USER ? "User" : "Group",
      position: p,
    };
  }

  #exactHits(address: string): Ranked[] {
    const upn = fold(address.trim());
    if (upn === "") return [];
    return this.#byUpn
      .find(hashText(upn))
      .filter((p) => this.#upnOf(p) === upn)
      .map((p) => this.#hit(p, "upn", 0))
      .sort(this.#compare);
  }

  #localHits(text: string): Ranked[] {
    const local = fold(text.trim());
    if (local === "") return [];
    return this.#byLocal
      .find(hashText(local))
      .filter((p) => this.#upnOf(p).startsWith(`${local}@`))
      .map((p) => this.#hit(p, "localPart", 0))
      .sort(this.#compare);
  }

  /** The ranked hits with their entries, read from the store. */
  #answer(hits: readonly Ranked[]): Match[] {
    const entries = this.#read(hits.map((h) => h.position));
    const out: Match[] = [];
    hits.forEach((hit, i) => {
      const entry = entries[i];
      if (entry) out.push({ ...hit, entry, order: this.#orders.text(hit.position) });
    });
    return out;
  }

  #read(positions: readonly number[]): Array<DirectoryEntry | undefined> {
    return positions.length === 0 ? [] : this.#store.read(positions.map((p) => this.#rows.at(p)));
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

  /** Calls `visit` with each name of `p`, as word numbers. */
  #eachName(p: number, visit: (name: Int32Array) => void): void {
    const data = this.#names.data;
    const end = p + 1 < this.#nameStarts.length ? this.#nameStarts.at(p + 1) : this.#names.length;
    for (let i = this.#nameStarts.at(p); i < end; ) {
      const length = data[i] as number;
      visit(data.subarray(i + 1, i + 1 + length));
      i += length + 1;
    }
  }

  /** Names holding every query word whole: `name` when nothing else is in the name, else `tokens`. */
  #fullWordMatches(words: string[], visit: (match: Ranked) => void): void {
    const ids: number[] = [];
    for (const word of words) {
      const id = this.#words.find(word);
      if (id < 0) return;
      ids.push(id);
    }
    const lists: Int32Array[] = [];
    for (const id of new Set(ids)) {
      const list = this.#postingsOf(id);
      if (list.length === 0) return;
      lists.push(list);
    }
    for (const p of intersect(lists)) {
      let best: Ranked | undefined;
      this.#eachName(p, (name) => {
        if (assign(ids, name, sameWord) < 0) return;
        const kind: MatchKind = name.length === ids.length ? "name" : "tokens";
        const closeness = { edits: 0, extraWords: name.length - ids.length, inOrder: inOrder(ids, name) };
        const match = this.#hit(p, kind, scoreOf(kind, closeness));
        if (!best || this.#compare(match, best) < 0) best = match;
      });
      if (best) visit(best);
    }
  }

  /** Names where every query word begins a distinct word: `ben you` → Ben Young. */
  #prefixMatches(words: string[], visit: (match: Ranked) => void): void {
    const vocabulary = this.#vocabularyNow();
    const ranges: Array<{ from: number; to: number; total: number }> = [];
    for (const word of new Set(words)) {
      const from = lowerBound(vocabulary.words, word);
      const to = lowerBound(vocabulary.words, `${word}\uffff`);
      let total = 0;
      for (let i = from; i < to; i++) total += this.#postingsOf(vocabulary.ids[i] as number).length;
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
      const word = this.#words.word(w);
      return word.startsWith(q) ? word.length - q.length : -1;
    };
    for (const p of candidates) {
      const match = this.#bestName(p, words, "prefix", prefix);
      if (match) visit(match);
    }
  }

  #positionsIn(vocabulary: Vocabulary, range: { from: number; to: number } | undefined): number[] {
    if (!range) return [];
    if (range.to - range.from === 1) return [...this.#postingsOf(vocabulary.ids[range.from] as number)];
    const positions = new Set<number>();
    for (let i = range.from; i < range.to; i++) {
      for (const p of this.#postingsOf(vocabulary.ids[i] as number)) positions.add(p);
    }
    return [...positions];
  }

  /** Names where every query word is within a few edits of a distinct word. */
  #fuzzyMatches(words: string[], visit: (match: Ranked) => void): void {
    const { byLength } = this.#vocabularyNow();
    const close = new Map<string, Map<number, number>>();
    let rarest: { words: number[]; total: number } | undefined;
    for (const word of new Set(words)) {
      const tolerance = toleranceFor(word.length);
      const near = new Map<number, number>();
      let total = 0;
      for (let len = word.length - tolerance; len <= word.length + tolerance; len++) {
        for (const id of byLength.get(bucketOf(word, len)) ?? []) {
          const d = boundedDistance(word, this.#words.word(id), tolerance, this.#distanceRows);
          if (d <= tolerance) {
            near.set(id, d);
            total += this.#postingsOf(id).length;
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
      for (const p of this.#postingsOf(id)) {
        if (seen.has(p)) continue;
        seen.add(p);
        const match = this.#bestName(p, words, "fuzzy", nearness);
        if (match) visit(match);
      }
    }
  }

  /** `benyoung`: a missing separator is one edit, found by splitting at each place into two known words. */
  #splitMatches(word: string, visit: (match: Ranked) => void): void {
    for (let at = 2; at <= word.length - 2; at++) {
      const pair = [word.slice(0, at), word.slice(at)];
      if (!pair.every((w) => this.#words.find(w) >= 0)) continue;
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

  #bestName(p: number, words: string[], kind: "prefix" | "fuzzy", cost: WordCost): Ranked | undefined {
    let best: Ranked | undefined;
    this.#eachName(p, (name) => {
      const edits = assign(words, name, cost);
      if (edits < 0) return;
      const match = this.#hit(
        p,
        kind,
        scoreOf(kind, { edits, extraWords: name.length - words.length, inOrder: true }),
      );
      if (!best || this.#compare(match, best) < 0) best = match;
    });
    return best;
  }

  #postingsOf(word: number): Int32Array {
    const { starts, ids } = this.#postingsNow();
    return ids.subarray(starts[word] as number, starts[word + 1] as number);
  }

  /** The posting lists, rebuilt in two passes over the names when entries changed. */
  #postingsNow(): Postings {
    if (this.#postings) return this.#postings;
    const starts = new Int32Array(this.#words.size + 1);
    this.#eachWordOfLiveEntries((_, word) => {
      starts[word + 1] = (starts[word + 1] as number) + 1;
    });
    for (let w = 1; w < starts.length; w++) starts[w] = (starts[w] as number) + (starts[w - 1] as number);
    const ids = new Int32Array(starts[starts.length - 1] as number);
    const next = starts.slice(0, -1);
    // Positions ascend, so every list comes out sorted.
    this.#eachWordOfLiveEntries((p, word) => {
      ids[next[word] as number] = p;
      next[word] = (next[word] as number) + 1;
    });
    this.#postings = { starts, ids };
    this.#vocabulary = undefined;
    return this.#postings;
  }

  /** Each distinct word of each entry still indexed, in position order. */
  #eachWordOfLiveEntries(visit: (position: number, word: number) => void): void {
    const data = this.#names.data;
    const positions = this.#types.length;
    // Names share words ("Ben Young", ben.young): each is visited once per entry.
    const seen: number[] = [];
    for (let p = 0; p < positions; p++) {
      if (this.#types.at(p) === GONE) continue;
      const end = p + 1 < positions ? this.#nameStarts.at(p + 1) : this.#names.length;
      seen.length = 0;
      for (let i = this.#nameStarts.at(p); i < end; ) {
        const length = data[i] as number;
        for (let k = i + 1; k <= i + length; k++) {
          const word = data[k] as number;
          if (seen.includes(word)) continue;
          seen.push(word);
          visit(p, word);
        }
        i += length + 1;
      }
    }
  }

  #vocabularyNow(): Vocabulary {
    const postings = this.#postingsNow();
    if (this.#vocabulary) return this.#vocabulary;
    // Only words some entry still holds, in order.
    const live: number[] = [];
    for (let w = 0; w < this.#words.size; w++) {
      if ((postings.starts[w + 1] as number) > (postings.starts[w] as number)) live.push(w);
    }
    live.sort((a, b) => compareText(this.#words.word(a), this.#words.word(b)));
    const byLength = new Map<string, number[]>();
    for (const id of live) {
      const word = this.#words.word(id);
      push(byLength, bucketOf(word, word.length), id);
    }
    this.#vocabulary = {
      words: live.map((id) => this.#words.word(id)),
      ids: Int32Array.from(live),
      byLength,
    };
    return this.#vocabulary;
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

/** How well one query word fits one word of a name: 0 perfectly, more for worse, -1 not at all. */
type WordCost = (query: string, word: number) => number;

// Module-level so that the hot loops create no function per candidate.
const sameWord = (q: number, w: number) => (q === w ? 0 : -1);

function queryWords(text: string): string[] {
  return tokenize(text).slice(0, MAX_QUERY_WORDS);
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

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Appends `value` to the list under `key`. */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sameNumbers(a: Column<Int32Array>, b: Column<Int32Array>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a.at(i) !== b.at(i)) return false;
  return true;
}
