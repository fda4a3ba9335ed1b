/**
 * How the index (./search-index.ts) encodes its entries: per position its row, its type, a sort key
 * (folded display name, NUL, folded UPN, from which the UPN, local part and domain are also taken),
 * its names as word numbers and three 32-bit hashes; per word, the sorted positions of the entries
 * holding it, rebuilt lazily after a change. The entries themselves stay where they are stored.
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
import type { DirectoryEntry } from "./entry.ts";
import { domainOf, fold, PLAIN, plainWordSpans, tokenize } from "./normalize.ts";
import type { MatchKind, Ranked } from "./rank.ts";

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
export interface Vocabulary {
  words: string[];
  ids: Int32Array;
  byLength: Map<string, number[]>;
}

/** Reads back the entries at positions: only a row read back tells two ids with one hash apart. */
export type ReadPositions = (positions: readonly number[]) => Array<DirectoryEntry | undefined>;

export class IndexedEntries {
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
  readonly words = new WordTable();
  // Scratch space for each entry's names, reused.
  readonly #spans = ints();
  readonly #displayWords = ints();
  readonly #otherWords = ints();
  /** The domain of the last user added: most users share one, and it need not be cut out again. */
  #lastDomain: string | undefined;
  // Derived, rebuilt on first use after a change.
  #postings: Postings | undefined;
  #vocabulary: Vocabulary | undefined;

  /** Entries indexed and not replaced. */
  get count(): number {
    return this.#count;
  }

  /** Positions of the entries still indexed, ascending. */
  livePositions(): number[] {
    const positions: number[] = [];
    for (let p = 0; p < this.#types.length; p++) if (this.#types.at(p) !== GONE) positions.push(p);
    return positions;
  }

  rowOf(p: number): number {
    return this.#rows.at(p);
  }

  /** The sort key of `p`: folded display name, NUL, folded UPN. */
  orderOf(p: number): string {
    return this.#orders.text(p);
  }

  /** Sort keys compared as stored, then positions: the last tie-break of the ranking. */
  compareOrders(a: number, b: number): number {
    return a === b ? 0 : this.#orders.compare(a, b) || a - b;
  }

  /** The folded UPN of `p`: its sort key after the NUL. */
  upnOf(p: number): string {
    const order = this.#orders.text(p);
    return order.slice(order.lastIndexOf("\u0000") + 1);
  }

  hit(p: number, kind: MatchKind, score: number): Ranked {
    return {
      kind,
      score,
      type: this.#types.at(p) === USER ? "User" : "Group",
      position: p,
    };
  }

  /** Positions whose folded UPN may be `upn` (same hash). */
  byUpn(upn: string): readonly number[] {
    return this.#byUpn.find(hashText(upn));
  }

  /** Positions whose folded local part may be `local` (same hash). */
  byLocal(local: string): readonly number[] {
    return this.#byLocal.find(hashText(local));
  }

  /** The most common UPN domains, most common first: where a bare local part most likely lives. */
  domains(limit: number): string[] {
    return [...this.#domains.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([domain]) => domain);
  }

  /** Gives back the room the arrays keep for growth: for an index built in full (a sync, a load). */
  trim(): void {
    for (const column of [this.#rows, this.#types, this.#keyHashes, this.#upnHashes, this.#localHashes])
      column.trim();
    for (const column of [this.#nameStarts, this.#names]) column.trim();
    this.#orders.trim();
    this.words.trim();
  }

  /**
   * Encodes `entry`, stored under `row`. It replaces any entry with the same type and id, and a
   * user any user with the same UPN; the rows of those replaced are pushed onto `replaced`.
   */
  put(entry: DirectoryEntry, row: number, replaced: number[], read: ReadPositions): void {
    const keyHash = hashText(entry.id, hashText(entry.type));
    for (const p of this.#byKey.find(keyHash)) {
      // Only a row read back tells two ids with the same hash apart; that is rare.
      const [known] = read([p]);
      if (known?.type === entry.type && known.id === entry.id) replaced.push(this.#remove(p));
    }
    const upn = fold(entry.name.trim());
    const upnHash = hashText(upn);
    // A re-created user keeps its UPN under a new id: the newer answer replaces the old entry.
    if (upn !== "" && entry.type === "User") {
      for (const p of this.#byUpn.find(upnHash)) {
        if (this.#types.at(p) === USER && this.upnOf(p) === upn) replaced.push(this.#remove(p));
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
      for (let i = 0; i < spans.length; i += 2) out.push(this.words.add(text, spans.at(i), spans.at(i + 1)));
    } else {
      for (const word of tokenize(text.slice(from, to))) out.push(this.words.add(word));
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
    const upn = this.upnOf(p);
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

  /** Calls `visit` with each name of `p`, as word numbers. */
  eachName(p: number, visit: (name: Int32Array) => void): void {
    const data = this.#names.data;
    const end = p + 1 < this.#nameStarts.length ? this.#nameStarts.at(p + 1) : this.#names.length;
    for (let i = this.#nameStarts.at(p); i < end; ) {
      const length = data[i] as number;
      visit(data.subarray(i + 1, i + 1 + length));
      i += length + 1;
    }
  }

  /** The positions of the entries holding word number `word`, ascending. */
  postingsOf(word: number): Int32Array {
    const { starts, ids } = this.#postingsNow();
    return ids.subarray(starts[word] as number, starts[word + 1] as number);
  }

  /** The posting lists, rebuilt in two passes over the names when entries changed. */
  #postingsNow(): Postings {
    if (this.#postings) return this.#postings;
    const starts = new Int32Array(this.words.size + 1);
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

  /** The words some entry still holds, rebuilt with the posting lists. */
  vocabulary(): Vocabulary {
    const postings = this.#postingsNow();
    if (this.#vocabulary) return this.#vocabulary;
    // Only words some entry still holds, in order.
    const live: number[] = [];
    for (let w = 0; w < this.words.size; w++) {
      if ((postings.starts[w + 1] as number) > (postings.starts[w] as number)) live.push(w);
    }
    live.sort((a, b) => compareText(this.words.word(a), this.words.word(b)));
    const byLength = new Map<string, number[]>();
    for (const id of live) {
      const word = this.words.word(id);
      push(byLength, bucketOf(word, word.length), id);
    }
    this.#vocabulary = {
      words: live.map((id) => this.words.word(id)),
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
export function bucketOf(word: string, length: number): string {
  const code = word.charCodeAt(0);
  return `${code >= 48 && code <= 57 ? "9" : "a"}${length}`;
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
