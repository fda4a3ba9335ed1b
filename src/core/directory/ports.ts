/**
 * The ports of the directory feature: the persisted directory cache (src/store/directory.ts) and
 * chat members' profiles (the Slack side, over `users.info`).
 */
import type { DirectoryEntry } from "./entry.ts";
import type { EntryRows } from "./rows.ts";

/** When an organization's directory was last read from VB365 in full. */
export interface DirectorySync {
  organizationId: string;
  syncedAt: Date;
  users: number;
  groups: number;
  durationMs: number;
}

/**
 * Each organization's users and groups, kept so a restart does not need a full sync to answer, and
 * read back by row for the matches the in-memory index answers with (`EntryRows`).
 */
export interface DirectoryCache extends EntryRows {
  /**
   * The organization's cached entries with their rows: the `size` after row `after` (from the
   * first when undefined), in row order; an empty chunk at the end.
   */
  chunk(
    organizationId: string,
    after: number | undefined,
    size: number,
  ): { rows: number[]; entries: DirectoryEntry[] };
  /** Entries learnt from a direct VB365 search between syncs; the rows they are under. */
  insert(organizationId: string, entries: readonly DirectoryEntry[], seenAt: Date): number[];
  /** Drops rows the index found replaced by fresher entries. */
  remove(rows: readonly number[]): void;
  /** Starts writing a new copy of the organization's directory (a full sync). */
  beginSync(organizationId: string): DirectorySyncWriter;
  /** Drops up to about `limit` rows of replaced copies; false once none is left. */
  purge(limit: number): boolean;
  lastSync(organizationId: string): DirectorySync | undefined;
}

/** A sync being written: its entries go into a new copy that lookups do not read until `commit`. */
export interface DirectorySyncWriter {
  /** Stores entries (one transaction); the rows they are under. */
  append(entries: readonly DirectoryEntry[], seenAt: Date): number[];
  /** Drops rows the index found replaced (the same principal listed twice). */
  remove(rows: readonly number[]): void;
  /** Makes this copy the organization's directory and records the sync, in one transaction. */
  commit(sync: { syncedAt: Date; durationMs: number; users: number; groups: number }): void;
  /** Gives the copy up; its rows go with the next `purge`. */
  abort(): void;
}

/** A chat member's profile e-mail, which is how a mention names a Microsoft 365 user. */
export interface MemberProfiles {
  /** Undefined when the member has none; rejects when the profile cannot be read. */
  emailOf(userId: string): Promise<string | undefined>;
}
