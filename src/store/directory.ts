/**
 * The directory cache's rows: each organization's users and groups, and when each was last synced.
 * The resolver searches them through an index in memory (src/core/directory/) that keeps only what
 * it searches by and reads the entries it answers with back from here, by row; the rows also let a
 * restart answer before a full sync.
 *
 * Each organization's rows belong to a scope (see migrations/011_directory_scopes.sql): a sync
 * writes a new scope page by page, one transaction a page, while lookups keep reading the current
 * one; committing makes the new scope current in one transaction, so a reader never sees half a
 * directory, and the old rows are dropped afterwards a range at a time (`purge`).
 */
import type { DirectoryEntry } from "../core/directory/entry.ts";
import type { DirectoryCache, DirectorySync, DirectorySyncWriter } from "../core/directory/ports.ts";
import type { PrincipalType } from "../vbo/schemas.ts";
import type { Database } from "./db.ts";
import { guarded } from "./guard.ts";

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

type EntryParams = [number, PrincipalType, string, string, string, string | null, string | null, string];

/** A scope's rows are `scope × SCOPE_ROWS + n`. */
const SCOPE_ROWS = 2 ** 32;
const COLUMNS = "type, id, name, display_name, msid, subtype";

const toSync = (row: SyncRow): DirectorySync => ({
  organizationId: row.organization_id,
  syncedAt: new Date(row.synced_at),
  users: row.users,
  groups: row.groups,
  durationMs: row.duration_ms,
});

function toEntry(row: EntryRow): DirectoryEntry {
  const entry: DirectoryEntry = { type: row.type, id: row.id, name: row.name, displayName: row.display_name };
  if (row.msid !== null) entry.msid = row.msid;
  if (row.subtype !== null) entry.subtype = row.subtype;
  return entry;
}

export class DirectoryRepository implements DirectoryCache {
  readonly #db: Database;
  readonly #readRow;
  readonly #chunk;
  readonly #count;
  readonly #lastRow;
  readonly #firstRow;
  readonly #insert;
  readonly #deleteRow;
  readonly #deleteRange;
  readonly #currentScope;
  readonly #newScope;
  readonly #setState;
  readonly #retireCurrent;
  readonly #retireFilling;
  readonly #retiredScope;
  readonly #deleteScope;
  readonly #recordSync;
  readonly #selectSync;
  readonly #selectSyncs;

  constructor(db: Database) {
    this.#db = db;
    this.#readRow = db.prepare<[number], EntryRow>(`SELECT ${COLUMNS} FROM directory_entries WHERE row = ?`);
    this.#chunk = db.prepare<[number, number, number], EntryRow & { row: number }>(
      `SELECT row, ${COLUMNS} FROM directory_entries WHERE row > ? AND row < ? ORDER BY row LIMIT ?`,
    );
    this.#count = db
      .prepare<[number, number], number>("SELECT count(*) FROM directory_entries WHERE row >= ? AND row < ?")
      .pluck();
    this.#lastRow = db
      .prepare<[number, number], number | null>(
        "SELECT max(row) FROM directory_entries WHERE row >= ? AND row < ?",
      )
      .pluck();
    this.#firstRow = db
      .prepare<[number, number], number | null>(
        "SELECT min(row) FROM directory_entries WHERE row >= ? AND row < ?",
      )
      .pluck();
    this.#insert = db.prepare<EntryParams>(
      `INSERT INTO directory_entries (row, ${COLUMNS}, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#deleteRow = db.prepare<[number]>("DELETE FROM directory_entries WHERE row = ?");
    this.#deleteRange = db.prepare<[number, number]>(
      "DELETE FROM directory_entries WHERE row >= ? AND row < ?",
    );
    this.#currentScope = db
      .prepare<[string], number>(
        "SELECT scope FROM directory_scopes WHERE organization_id = ? AND state = 'current'",
      )
      .pluck();
    this.#newScope = db
      .prepare<[string, string], number>(
        "INSERT INTO directory_scopes (organization_id, state) VALUES (?, ?) RETURNING scope",
      )
      .pluck();
    this.#setState = db.prepare<[string, number]>("UPDATE directory_scopes SET state = ? WHERE scope = ?");
    this.#retireCurrent = db.prepare<[string]>(
      "UPDATE directory_scopes SET state = 'retired' WHERE organization_id = ? AND state = 'current'",
    );
    this.#retireFilling = db.prepare<[string]>(
      "UPDATE directory_scopes SET state = 'retired' WHERE organization_id = ? AND state = 'filling'",
    );
    this.#retiredScope = db
      .prepare<[], number>(
        "SELECT scope FROM directory_scopes WHERE state = 'retired' ORDER BY scope LIMIT 1",
      )
      .pluck();
    this.#deleteScope = db.prepare<[number]>("DELETE FROM directory_scopes WHERE scope = ?");
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

  /** The entries under `rows`, of any organization; undefined for a row that is gone. */
  read(rows: readonly number[]): Array<DirectoryEntry | undefined> {
    return rows.map((row) => {
      const found = this.#readRow.get(row);
      return found ? toEntry(found) : undefined;
    });
  }

  /**
   * The organization's cached entries with their rows, `size` after row `after`. One query a chunk,
   * so that the caller may write between chunks (a restart's index load yields to Slack requests);
   * a sync committed meanwhile ends the walk early.
   */
  chunk(
    organizationId: string,
    after: number | undefined,
    size: number,
  ): { rows: number[]; entries: DirectoryEntry[] } {
    const scope = this.#currentScope.get(organizationId);
    if (scope === undefined) return { rows: [], entries: [] };
    const from = Math.max(after ?? -1, scope * SCOPE_ROWS - 1);
    const rows = this.#chunk.all(from, (scope + 1) * SCOPE_ROWS, size);
    return { rows: rows.map((r) => r.row), entries: rows.map(toEntry) };
  }

  /** Every cached user and group of the organization. */
  load(organizationId: string): DirectoryEntry[] {
    const entries: DirectoryEntry[] = [];
    let after: number | undefined;
    for (;;) {
      const chunk = this.chunk(organizationId, after, 10_000);
      if (chunk.rows.length === 0) return entries;
      entries.push(...chunk.entries);
      after = chunk.rows.at(-1);
    }
  }

  count(organizationId: string): number {
    const scope = this.#currentScope.get(organizationId);
    return scope === undefined ? 0 : (this.#count.get(scope * SCOPE_ROWS, (scope + 1) * SCOPE_ROWS) ?? 0);
  }

  /**
   * Entries learnt from a direct VB365 search between syncs, added to the organization's current
   * rows (one transaction; a savepoint inside the caller's). The index says which older rows they
   * replace (`remove`).
   */
  insert(organizationId: string, entries: readonly DirectoryEntry[], seenAt: Date): number[] {
    if (entries.length === 0) return [];
    return this.#transaction(() => {
      const scope = this.#currentScope.get(organizationId) ?? this.#newScope.get(organizationId, "current");
      if (scope === undefined) throw new Error("SQLite returned no scope");
      return this.#append(scope, this.#nextRow(scope), entries, seenAt.toISOString());
    });
  }

  remove(rows: readonly number[]): void {
    if (rows.length === 0) return;
    this.#transaction(() => {
      for (const row of rows) this.#deleteRow.run(row);
    });
  }

  /**
   * Starts writing a new copy of the organization's directory. A copy a crashed process left
   * half-written is retired first: one sync per organization runs at a time (the resolver's rule).
   */
  beginSync(organizationId: string): DirectorySyncWriter {
    const scope = this.#transaction(() => {
      this.#retireFilling.run(organizationId);
      return this.#newScope.get(organizationId, "filling");
    });
    if (scope === undefined) throw new Error("SQLite returned no scope");
    let next = scope * SCOPE_ROWS;
    // Its SQLite errors leave it as the store's own, as every repository's do (./guard.ts).
    return guarded<DirectorySyncWriter>({
      append: (entries, seenAt) => {
        const rows = this.#transaction(() => this.#append(scope, next, entries, seenAt.toISOString()));
        next += entries.length;
        return rows;
      },
      remove: (rows) => this.remove(rows),
      commit: (sync) => {
        const at = sync.syncedAt.toISOString();
        this.#transaction(() => {
          this.#retireCurrent.run(organizationId);
          this.#setState.run("current", scope);
          this.#recordSync.run(
            organizationId,
            at,
            sync.users,
            sync.groups,
            Math.max(0, Math.round(sync.durationMs)),
          );
        });
      },
      abort: () => {
        this.#setState.run("retired", scope);
      },
    });
  }

  /**
   * Drops up to about `limit` rows of retired copies; false once none is left. Called a step at a
   * time after a sync, so that dropping 100,000 rows never holds up the event loop for long.
   */
  purge(limit: number): boolean {
    return this.#transaction(() => {
      const scope = this.#retiredScope.get();
      if (scope === undefined) return false;
      const from = this.#firstRow.get(scope * SCOPE_ROWS, (scope + 1) * SCOPE_ROWS);
      if (from === null || from === undefined) this.#deleteScope.run(scope);
      else this.#deleteRange.run(from, Math.min(from + limit, (scope + 1) * SCOPE_ROWS));
      return true;
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

  #nextRow(scope: number): number {
    const last = this.#lastRow.get(scope * SCOPE_ROWS, (scope + 1) * SCOPE_ROWS);
    return last === null || last === undefined ? scope * SCOPE_ROWS : last + 1;
  }

  #append(scope: number, first: number, entries: readonly DirectoryEntry[], seenAt: string): number[] {
    if (first + entries.length > (scope + 1) * SCOPE_ROWS) throw new Error("directory scope is full");
    const rows: number[] = [];
    for (const entry of entries) {
      const row = first + rows.length;
      this.#insert.run(
        row,
        entry.type,
        entry.id,
        entry.name,
        entry.displayName,
        entry.msid ?? null,
        entry.subtype ?? null,
        seenAt,
      );
      rows.push(row);
    }
    return rows;
  }

  #transaction<T>(fn: () => T): T {
    const tx = this.#db.transaction(fn);
    // Inside a caller's transaction this becomes a savepoint; alone, take the write lock up front.
    return this.#db.inTransaction ? tx() : tx.immediate();
  }
}
