/**
 * The approval log: append-only (the database refuses UPDATE and DELETE) and tamper-evident (each
 * row chains to the one before through a SHA-256 hash), so a changed, removed or reordered row is
 * found by `verifyLog` even when someone bypasses the triggers with their own SQLite shell.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical-json.ts";
import type { EventLog, LogQuery, NewEvent } from "../core/ports.ts";
import type { EventKind, LogEvent } from "../core/vocabulary.ts";
import type { Database } from "./db.ts";

/** The `prev_hash` of the first row. */
export const GENESIS_HASH = "0".repeat(64);

interface EventRow {
  id: number;
  at: string;
  kind: string;
  actor: string;
  request_id: number | null;
  organization_id: string | null;
  organization_name: string | null;
  principal_type: string | null;
  principal_id: string | null;
  principal_name: string | null;
  principal_display_name: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/**
 * What a row's hash covers: every column but `id`, `prev_hash` and `hash`, in a fixed order. The
 * order of rows is covered by the chain itself (each row names its predecessor's hash).
 */
function rowContent(row: Omit<EventRow, "id" | "hash" | "prev_hash">): string {
  return JSON.stringify([
    row.at,
    row.kind,
    row.actor,
    row.request_id,
    row.organization_id,
    row.organization_name,
    row.principal_type,
    row.principal_id,
    row.principal_name,
    row.principal_display_name,
    row.detail,
  ]);
}

export function hashRow(prevHash: string, row: Omit<EventRow, "id" | "hash" | "prev_hash">): string {
  return createHash("sha256")
    .update(prevHash + rowContent(row))
    .digest("hex");
}

function toEvent(row: EventRow): LogEvent {
  return {
    id: row.id,
    at: new Date(row.at),
    kind: row.kind as EventKind,
    actor: row.actor,
    requestId: row.request_id,
    organization:
      row.organization_id === null ? null : { id: row.organization_id, name: row.organization_name ?? "" },
    principal:
      row.principal_id === null
        ? null
        : {
            type: row.principal_type === "Group" ? "Group" : "User",
            id: row.principal_id,
            name: row.principal_name ?? "",
            displayName: row.principal_display_name ?? "",
          },
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const COLUMNS =
  "id, at, kind, actor, request_id, organization_id, organization_name, principal_type, principal_id, principal_name, principal_display_name, detail, prev_hash, hash";

export class EventLogRepository implements EventLog {
  readonly #db: Database;
  readonly #last;
  readonly #insert;
  readonly #newest;
  readonly #newestForPrincipal;
  readonly #since;
  readonly #forRequest;
  readonly #append;

  constructor(db: Database) {
    this.#db = db;
    this.#last = db.prepare<[], string>("SELECT hash FROM events ORDER BY id DESC LIMIT 1").pluck();
    this.#insert = db.prepare<Omit<EventRow, "id">, never>(
      `INSERT INTO events (${COLUMNS.replace("id, ", "")})
       VALUES (@at, @kind, @actor, @request_id, @organization_id, @organization_name, @principal_type,
               @principal_id, @principal_name, @principal_display_name, @detail, @prev_hash, @hash)`,
    );
    const filters = `(@organization_id IS NULL OR organization_id = @organization_id)
      AND (@before_id IS NULL OR id < @before_id)`;
    type Filter = { organization_id: string | null; before_id: number | null; limit: number };
    this.#newest = db.prepare<Filter, EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE ${filters} ORDER BY id DESC LIMIT @limit`,
    );
    this.#newestForPrincipal = db.prepare<Filter & { principal: string }, EventRow>(
      `SELECT ${COLUMNS} FROM events
       WHERE (lower(principal_name) = lower(@principal) OR principal_id = @principal) AND ${filters}
       ORDER BY id DESC LIMIT @limit`,
    );
    this.#since = db.prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE at >= ? ORDER BY id`);
    this.#forRequest = db.prepare<[number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE request_id = ? ORDER BY id`,
    );
    // Immediate: reading the last hash and inserting must not interleave with another connection's
    // append, or two rows would claim the same predecessor. Inside an outer transaction this
    // becomes a savepoint, and the outer transaction's lock covers it.
    this.#append = db.transaction((event: NewEvent): LogEvent => {
      const content = {
        at: event.at.toISOString(),
        kind: event.kind,
        actor: event.actor,
        request_id: event.requestId ?? null,
        organization_id: event.organization?.id ?? null,
        organization_name: event.organization?.name ?? null,
        principal_type: event.principal?.type ?? null,
        principal_id: event.principal?.id ?? null,
        principal_name: event.principal?.name ?? null,
        principal_display_name: event.principal?.displayName ?? null,
        detail: canonicalJson(event.detail ?? {}),
      };
      const prevHash = this.#last.get() ?? GENESIS_HASH;
      const row = { ...content, prev_hash: prevHash, hash: hashRow(prevHash, content) };
      const id = Number(this.#insert.run(row).lastInsertRowid);
      return toEvent({ id, ...row });
    });
  }

  /** Appends one event, chained to the last one. */
  append(event: NewEvent): LogEvent {
    return this.#db.inTransaction ? this.#append(event) : this.#append.immediate(event);
  }

  /** Newest first. */
  list(options: LogQuery = {}): LogEvent[] {
    const filter = {
      organization_id: options.organizationId ?? null,
      before_id: options.beforeId ?? null,
      limit: Math.max(1, Math.min(options.limit ?? 50, 10_000)),
    };
    const rows =
      options.principal === undefined
        ? this.#newest.all(filter)
        : this.#newestForPrincipal.all({ ...filter, principal: options.principal });
    return rows.map(toEvent);
  }

  /** Every event at or after `since`, oldest first (for digests). */
  since(since: Date): LogEvent[] {
    return this.#since.all(since.toISOString()).map(toEvent);
  }

  /** Every event of one request, oldest first. */
  forRequest(requestId: number): LogEvent[] {
    return this.#forRequest.all(requestId).map(toEvent);
  }
}

export type VerifyResult = { ok: true; rows: number } | { ok: false; firstBadId: number; reason: string };

/**
 * Walks the whole log in id order and recomputes the chain. Reports the first row whose link to its
 * predecessor is broken (a row removed or reordered before it) or whose content does not match its
 * hash (a row changed), and rows removed from the end (AUTOINCREMENT remembers the highest id used).
 */
export function verifyLog(db: Database): VerifyResult {
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  let rows = 0;
  const all = db.prepare<[], EventRow>(`SELECT ${COLUMNS} FROM events ORDER BY id`);
  for (const row of all.iterate()) {
    if (row.prev_hash !== prevHash) {
      const missing = row.id !== prevId + 1 ? ` (ids ${prevId + 1}–${row.id - 1} are missing)` : "";
      return {
        ok: false,
        firstBadId: row.id,
        reason:
          prevId === 0
            ? `the first row does not start the chain${missing}`
            : `does not follow row ${prevId}: a row before it was removed, inserted or changed${missing}`,
      };
    }
    const { id: _id, hash, prev_hash: _prev, ...content } = row;
    if (hashRow(row.prev_hash, content) !== hash) {
      return {
        ok: false,
        firstBadId: row.id,
        reason: "its content does not match its hash: the row was changed",
      };
    }
    prevHash = hash;
    prevId = row.id;
    rows++;
  }
  const highest = db
    .prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
    .pluck()
    .get();
  if (highest !== undefined && Number(highest) > prevId) {
    return {
      ok: false,
      firstBadId: prevId + 1,
      reason: `rows ${prevId + 1}–${highest} were removed from the end of the log`,
    };
  }
  return { ok: true, rows };
}
