/**
 * The compact storage under the directory index: growable typed arrays, a hash for strings, and an
 * open-addressing set of index positions keyed by hash. A 100,000-user index is a few arrays of
 * numbers instead of 100,000 objects with maps of arrays.
 */

type NumberArray = Int32Array | Float64Array | Uint8Array;

/** An append-only typed array that doubles when full. */
export class Column<A extends NumberArray> {
  #data: A;
  #length = 0;
  readonly #make: (length: number) => A;

  constructor(make: (length: number) => A) {
    this.#make = make;
    this.#data = make(64);
  }

  get length(): number {
    return this.#length;
  }

  /** The backing array; only its first `length` values are in use. */
  get data(): A {
    return this.#data;
  }

  at(index: number): number {
    return this.#data[index] as number;
  }

  set(index: number, value: number): void {
    this.#data[index] = value;
  }

  /** Empties it, keeping its room: for scratch space reused on every call. */
  clear(): void {
    this.#length = 0;
  }

  /** Gives back the room kept for growth. */
  trim(): void {
    if (this.#data.length > this.#length) this.#data = this.#data.slice(0, this.#length) as A;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = this.#make(Math.max(64, this.#data.length * 2));
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }
}

export const ints = () => new Column((n) => new Int32Array(n));
export const floats = () => new Column((n) => new Float64Array(n));
export const bytes = () => new Column((n) => new Uint8Array(n));

const FNV_OFFSET = 0x811c9dc5;

/**
 * 32-bit FNV-1a of `text` (or of its characters `from`…`to`), continued from `seed` so that a type
 * and an id hash as one.
 */
export function hashText(text: string, seed = FNV_OFFSET, from = 0, to = text.length): number {
  let h = seed;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** `hashText` of characters `from`…`to` with A–Z as a–z: a word hashes alike in any case. */
export function hashLower(text: string, from = 0, to = text.length): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
  }
  return h | 0;
}

/**
 * Short texts kept as UTF-8 bytes end to end, with where each begins: a few bytes a character
 * and no object per text, so 100,000 of them cost the collector nothing.
 */
export class TextColumn {
  #bytes = new Uint8Array(1024);
  #length = 0;
  readonly #starts = ints();
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();

  get size(): number {
    return this.#starts.length;
  }

  /** Appends one text: `first`, a NUL byte, `second`. */
  push(first: string, second: string): void {
    this.#starts.push(this.#length);
    this.#write(first);
    this.#room(1);
    this.#bytes[this.#length++] = 0;
    this.#write(second);
  }

  /** The bytes of text `i`. */
  bytes(i: number): Uint8Array {
    const end = i + 1 < this.#starts.length ? this.#starts.at(i + 1) : this.#length;
    return this.#bytes.subarray(this.#starts.at(i), end);
  }

  text(i: number): string {
    return this.#decoder.decode(this.bytes(i));
  }

  /**
   * Texts `i` and `j` compared byte by byte: the order of their code points, which is the order of
   * the strings except between characters beyond U+FFFF and U+E000–U+FFFF.
   */
  compare(i: number, j: number): number {
    const bytes = this.#bytes;
    let a = this.#starts.at(i);
    let b = this.#starts.at(j);
    const aEnd = i + 1 < this.#starts.length ? this.#starts.at(i + 1) : this.#length;
    const bEnd = j + 1 < this.#starts.length ? this.#starts.at(j + 1) : this.#length;
    for (; a < aEnd && b < bEnd; a++, b++) {
      const d = (bytes[a] as number) - (bytes[b] as number);
      if (d !== 0) return d;
    }
    return aEnd - a - (bEnd - b);
  }

  /** Gives back the room kept for growth. */
  trim(): void {
    this.#bytes = this.#bytes.slice(0, this.#length);
    this.#starts.trim();
  }

  #write(text: string): void {
    // At most three bytes per UTF-16 unit.
    this.#room(text.length * 3);
    const bytes = this.#bytes;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        // Not ASCII: the encoder writes it all (a view for it is the only allocation).
        this.#length += this.#encoder.encodeInto(text, bytes.subarray(this.#length)).written;
        return;
      }
      bytes[at++] = c;
    }
    this.#length = at;
  }

  #room(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + extra));
    bigger.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = bigger;
  }
}

/**
 * Distinct words, each with a number, found again from any stretch of text (A–Z read as a–z)
 * without cutting it out: indexing a name makes no string for a word already known.
 */
export class WordTable {
  readonly #words: string[] = [];
  readonly #hashes = ints();
  /** Word number + 1 in each cell; 0 is empty. */
  #cells = new Int32Array(64);

  get size(): number {
    return this.#words.length;
  }

  word(id: number): string {
    return this.#words[id] as string;
  }

  /** The number of the word at characters `from`…`to` of `text`, or -1 when it is not known. */
  find(text: string, from = 0, to = text.length, hash = hashLower(text, from, to)): number {
    const cells = this.#cells;
    const mask = cells.length - 1;
    for (let i = hash & mask; cells[i] !== 0; i = (i + 1) & mask) {
      const id = (cells[i] as number) - 1;
      if (this.#hashes.at(id) === hash && sameLowerCase(this.#words[id] as string, text, from, to)) return id;
    }
    return -1;
  }

  /** `find`, adding the word (in lower case) when it is new. */
  add(text: string, from = 0, to = text.length): number {
    const hash = hashLower(text, from, to);
    const known = this.find(text, from, to, hash);
    if (known >= 0) return known;
    const id = this.#words.length;
    this.#words.push(text.slice(from, to).toLowerCase());
    this.#hashes.push(hash);
    if (this.#words.length * 2 > this.#cells.length) this.#grow();
    else this.#place(id);
    return id;
  }

  trim(): void {
    this.#hashes.trim();
  }

  #place(id: number): void {
    const cells = this.#cells;
    const mask = cells.length - 1;
    let i = this.#hashes.at(id) & mask;
    while (cells[i] !== 0) i = (i + 1) & mask;
    cells[i] = id + 1;
  }

  #grow(): void {
    this.#cells = new Int32Array(this.#cells.length * 2);
    for (let id = 0; id < this.#words.length; id++) this.#place(id);
  }
}

/** Whether characters `from`…`to` of `text`, A–Z read as a–z, are `word`. */
function sameLowerCase(word: string, text: string, from: number, to: number): boolean {
  if (word.length !== to - from) return false;
  for (let i = 0; i < word.length; i++) {
    const c = text.charCodeAt(from + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(i)) return false;
  }
  return true;
}

const NONE: readonly number[] = Object.freeze([]);

/**
 * Index positions keyed by a 32-bit hash, several per hash allowed (linear probing, 4 bytes a
 * position). The hash of a position comes from the caller, which also checks that a position found
 * under a hash really holds what was looked for: different keys may share a hash.
 */
export class PositionTable {
  /** Position + 1 in each cell; 0 is empty. */
  #cells = new Int32Array(16);
  #size = 0;
  readonly #hashOf: (position: number) => number;

  constructor(hashOf: (position: number) => number) {
    this.#hashOf = hashOf;
  }

  get size(): number {
    return this.#size;
  }

  add(position: number): void {
    // At most half full, so that probe sequences stay short.
    if ((this.#size + 1) * 2 > this.#cells.length) this.#grow();
    this.#place(position);
    this.#size++;
  }

  /** The positions stored under `hash` (none allocates nothing: the common case when adding). */
  find(hash: number): readonly number[] {
    const cells = this.#cells;
    const mask = cells.length - 1;
    let found: number[] | undefined;
    for (let i = hash & mask; cells[i] !== 0; i = (i + 1) & mask) {
      const position = (cells[i] as number) - 1;
      if (this.#hashOf(position) !== hash) continue;
      if (found) found.push(position);
      else found = [position];
    }
    return found ?? NONE;
  }

  /** Removes `position`, which must still hash as when it was added. */
  remove(position: number): void {
    const cells = this.#cells;
    const mask = cells.length - 1;
    let hole = this.#hashOf(position) & mask;
    while (cells[hole] !== position + 1) {
      if (cells[hole] === 0) return;
      hole = (hole + 1) & mask;
    }
    // Backward-shift deletion: later cells of the run move up unless they would pass their home.
    for (let j = (hole + 1) & mask; cells[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hashOf((cells[j] as number) - 1) & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        cells[hole] = cells[j] as number;
        hole = j;
      }
    }
    cells[hole] = 0;
    this.#size--;
  }

  #place(position: number): void {
    const cells = this.#cells;
    const mask = cells.length - 1;
    let i = this.#hashOf(position) & mask;
    while (cells[i] !== 0) i = (i + 1) & mask;
    cells[i] = position + 1;
  }

  #grow(): void {
    const old = this.#cells;
    this.#cells = new Int32Array(old.length * 2);
    for (const cell of old) if (cell !== 0) this.#place(cell - 1);
  }
}
