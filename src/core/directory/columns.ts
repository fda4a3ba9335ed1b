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

/** 32-bit FNV-1a of `text`, continued from `seed` (so that a type and an id hash as one). */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

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

  /** The positions stored under `hash`. */
  find(hash: number): number[] {
    const cells = this.#cells;
    const mask = cells.length - 1;
    const found: number[] = [];
    for (let i = hash & mask; cells[i] !== 0; i = (i + 1) & mask) {
      const position = (cells[i] as number) - 1;
      if (this.#hashOf(position) === hash) found.push(position);
    }
    return found;
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
