/**
 * The directory cache's rows: each organization's users and groups, and when each was last synced.
 * The resolver keeps its lookups in memory (src/core/directory/); this file only persists them so
 * a restart does not need a full sync before it can answer.
 */
import type { DirectoryEntry } from "../core/directory/entry.ts";
import type { DirectorySync } from "../core/directory/ports.ts";
import type { PrincipalType } from "../vbo/schemas.ts";
import type { Database } from "./db.ts";

interface EntryRow {
  type: PrincipalType;
  id: string;
  name: string;
  display_name: string;
  msid: string | null;
  subtype: string | null;
}

interface SyncRow {
  organization_id: string;
  synced_at: string;
  users: number;
  groups: number;
  duration_ms: number;
}

type EntryParams = [string, PrincipalType, string, string, string, string | null, string | null, string];

const toSync = (row: SyncRow): DirectorySync => ({
  organizationId: row.organization_id,
  syncedAt: new Date(row.synced_at),
  users: row.users,
  groups: row.groups,
  durationMs: row.duration_ms,
});

export class DirectoryRepository {
  readonly #db: Database;
  readonly #select;
  readonly #count;
  readonly #insert;
  readonly #deleteOrganization;
  readonly #deleteRenamed;
  readonly #recordSync;
  readonly #selectSync;
  readonly #selectSyncs;

  constructor(db: Database) {
    this.#db = db;
    this.#select = db.prepare<[string], EntryRow>(
      "SELECT type, id, name, display_name, msid, subtype FROM directory_entries WHERE organization_id = ?",
    );
    this.#count = db
      .prepare<[string], number>("SELECT count(*) FROM directory_entries WHERE organization_id = ?")
      .pluck();
    this.#insert = db.prepare<EntryParams>(
      `INSERT INTO directory_entries (organization_id, type, id, name, display_name, msid, subtype, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (organization_id, type, id) DO UPDATE SET
         name = excluded.name, display_name = excluded.display_name, msid = excluded.msid,
         subtype = excluded.subtype, seen_at = excluded.seen_at`,
    );
    this.#deleteOrganization = db.prepare<[string]>(
      "DELETE FROM directory_entries WHERE organization_id = ?",
    );
    this.#deleteRenamed = db.prepare<[string, string, string]>(
      `DELETE FROM directory_entries
       WHERE organization_id = ? AND type = 'User' AND name = ? COLLATE NOCASE AND name <> '' AND id <> ?`,
    );
    this.#recordSync = db.prepare<[string, string, number, number, number]>(
      `INSERT INTO directory_syncs (organization_id, synced_at, users, groups, duration_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (organization_id) DO UPDATE SET
         synced_at = excluded.synced_at, users = excluded.users, groups = excluded.groups,
         duration_ms = excluded.duration_ms`,
    );
    this.#selectSync = db.prepare<[string], SyncRow>(
      "SELECT organization_id, synced_at, users, groups, duration_ms FROM directory_syncs WHERE organization_id = ?",
    );
    this.#selectSyncs = db.prepare<[], SyncRow>(
      "SELECT organization_id, synced_at, users, groups, duration_ms FROM directory_syncs ORDER BY organization_id",
    );
  }

  /** Every cached user and group of the organization. */
  load(organizationId: string): DirectoryEntry[] {
    return this.#select.all(organizationId).map((row) => {
      const entry: DirectoryEntry = {
        type: row.type,
        id: row.id,
        name: row.name,
        displayName: row.display_name,
      };
      if (row.msid !== null) entry.msid = row.msid;
      if (row.subtype !== null) entry.subtype = row.subtype;
      return entry;
    });
  }

  count(organizationId: string): number {
    return this.#count.get(organizationId) ?? 0;
  }

  /**
   * A full sync's result: the organization's rows become exactly `entries`, and the sync is
   * recorded, in one transaction, so a reader never sees half a directory.
   */
  replace(
    organizationId: string,
    entries: readonly DirectoryEntry[],
    sync: { syncedAt: Date; durationMs: number },
  ): void {
    const seenAt = sync.syncedAt.toISOString();
    this.#transaction(() => {
      this.#deleteOrganization.run(organizationId);
      let users = 0;
      for (const entry of entries) {
        this.#insert.run(...this.#params(organizationId, entry, seenAt));
        if (entry.type === "User") users++;
      }
      this.#recordSync.run(
        organizationId,
        seenAt,
        users,
        entries.length - users,
        Math.max(0, Math.round(sync.durationMs)),
      );
    });
  }

  /**
   * Entries learnt from a direct VB365 search between syncs: added, or updated by id. A user with
   * the same UPN under another id was re-created, and its old row goes.
   */
  upsert(organizationId: string, entries: readonly DirectoryEntry[], seenAt: Date): void {
    if (entries.length === 0) return;
    const at = seenAt.toISOString();
    this.#transaction(() => {
      for (const entry of entries) {
        if (entry.type === "User" && entry.name !== "")
          this.#deleteRenamed.run(organizationId, entry.name, entry.id);
        this.#insert.run(...this.#params(organizationId, entry, at));
      }
    });
  }

  lastSync(organizationId: string): DirectorySync | undefined {
    const row = this.#selectSync.get(organizationId);
    return row ? toSync(row) : undefined;
  }

  /** Every organization synced at least once, for a status view or the sync job. */
  syncs(): DirectorySync[] {
    return this.#selectSyncs.all().map(toSync);
  }

  #params(organizationId: string, entry: DirectoryEntry, seenAt: string): EntryParams {
    return [
      organizationId,
      entry.type,
      entry.id,
      entry.name,
      entry.displayName,
      entry.msid ?? null,
      entry.subtype ?? null,
      seenAt,
    ];
  }

  #transaction(fn: () => void): void {
    const tx = this.#db.transaction(fn);
    // Inside a caller's transaction this becomes a savepoint; alone, take the write lock up front.
    if (this.#db.inTransaction) tx();
    else tx.immediate();
  }
}
