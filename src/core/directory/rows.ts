/**
 * Where the entries an index searches are kept. The index holds only what it searches by and reads
 * back, by row, the few entries it answers with: from SQLite in the bot (src/store/directory.ts),
 * from an array in tests.
 */
import type { DirectoryEntry } from "./entry.ts";

export interface EntryRows {
  /** The entries stored under `rows`, in the same order; undefined for a row that is gone. */
  read(rows: readonly number[]): Array<DirectoryEntry | undefined>;
}

/** Entries in an array, each under its position. */
export class EntryList implements EntryRows {
  readonly #entries: DirectoryEntry[] = [];

  /** Keeps `entries`; the rows they are under. */
  append(entries: readonly DirectoryEntry[]): number[] {
    const first = this.#entries.length;
    this.#entries.push(...entries);
    return entries.map((_, i) => first + i);
  }

  read(rows: readonly number[]): Array<DirectoryEntry | undefined> {
    return rows.map((row) => this.#entries[row]);
  }
}
