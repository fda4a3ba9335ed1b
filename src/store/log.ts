/**
 * The approval log: append-only (the database refuses UPDATE and DELETE) and tamper-evident (each
 * row chains to the one before through a hash), so a changed, removed, reordered or renumbered row
 * is found by `verifyLog` even when someone bypasses the triggers with their own SQLite shell.
 *
 * Each row records the hash scheme it was written with (`scheme`, see ./log-hash.ts), and a chain
 * never goes back to a weaker one; the strongest is keyed with `LOG_HMAC_KEY`. When the bot first
 * runs with a key it appends a `log_keyed` entry: the chain records where keying starts, and every
 * row before it is protected too, since the keyed rows chain to its hash.
 *
 * What the chain cannot show on its own (rows cut off the end with the id counter lowered, or a whole
 * chain rebuilt without a key) the published head shows: `verifyLog` with `expect`.
 */
import { canonicalJson } from "../canonical-json.ts";
import type { EventLog, LogQuery, NewEvent } from "../core/ports.ts";
import { type EventKind, type LogEvent, type LogHead, SYSTEM_ACTOR } from "../core/vocabulary.ts";
import { type Database, DatabaseSetupError } from "./db.ts";
import { type EventRow, GENESIS_HASH, hashEntry, type RowContent, SCHEME, type Scheme } from "./log-hash.ts";

function toEvent(row: EventRow): LogEvent {
  return {
    id: row.id,
    at: new Date(row.at),
    kind: row.kind as EventKind,
    actor: row.actor,
    requestId: row.request_id,
    organization:
      row.organization_id === null
        ? null
        : {
            id: row.organization_id,
            name: row.organization_name ?? "",
            ...(row.server === null ? {} : { server: row.server }),
          },
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
  "id, at, kind, actor, request_id, organization_id, organization_name, principal_type, principal_id, principal_name, principal_display_name, detail, server, prev_hash, hash, scheme";

export interface LogOptions {
  /** `LOG_HMAC_KEY`: when set, new rows are keyed (scheme 3). */
  key?: string | undefined;
}

export class EventLogRepository implements EventLog {
  readonly #db: Database;
  readonly #key: string | undefined;
  readonly #last;
  readonly #next;
  readonly #insert;
  readonly #newest;
  readonly #newestForPrincipal;
  readonly #since;
  readonly #forRequest;
  readonly #byRequest;
  readonly #append;

  constructor(db: Database, options: LogOptions = {}) {
    this.#db = db;
    this.#key = options.key;
    this.#last = db.prepare<[], { id: number; hash: string; scheme: number }>(
      "SELECT id, hash, scheme FROM events ORDER BY id DESC LIMIT 1",
    );
    // The next sequence number: past every id ever used, even if the counter was lowered.
    this.#next = db
      .prepare<[], number>(
        `SELECT max(coalesce((SELECT max(id) FROM events), 0),
                    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)) + 1`,
      )
      .pluck();
    this.#insert = db.prepare<EventRow, never>(
      `INSERT INTO events (${COLUMNS})
       VALUES (@id, @at, @kind, @actor, @request_id, @organization_id, @organization_name, @principal_type,
               @principal_id, @principal_name, @principal_display_name, @detail, @server, @prev_hash, @hash, @scheme)`,
    );
    const filters = `(@organization_id IS NULL OR organization_id = @organization_id)
      AND (@requester IS NULL OR request_id IN (SELECT id FROM requests WHERE requester = @requester)
           OR organization_id IN (SELECT value FROM json_each(@also_organizations)))
      AND (@before_id IS NULL OR id < @before_id)`;
    type Filter = {
      organization_id: string | null;
      requester: string | null;
      also_organizations: string;
      before_id: number | null;
      limit: number;
    };
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
    this.#byRequest = db.prepare<[], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE request_id IS NOT NULL ORDER BY id`,
    );
    // Immediate: reading the last hash and inserting must not interleave with another connection's
    // append, or two rows would claim the same predecessor. Inside an outer transaction this
    // becomes a savepoint, and the outer transaction's lock covers it.
    this.#append = db.transaction((event: NewEvent): LogEvent => {
      const content: RowContent = {
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
        server: event.organization ? (event.organization.server ?? null) : null,
      };
      const prevHash = this.#last.get()?.hash ?? GENESIS_HASH;
      const id = Number(this.#next.get());
      const scheme = this.#key === undefined ? SCHEME.sequenced : SCHEME.keyed;
      const row: EventRow = {
        id,
        ...content,
        prev_hash: prevHash,
        hash: hashEntry(scheme, id, prevHash, content, this.#key),
        scheme,
      };
      this.#insert.run(row);
      return toEvent(row);
    });
  }

  /** Appends one event, chained to the last one. */
  append(event: NewEvent): LogEvent {
    return this.#db.inTransaction ? this.#append(event) : this.#append.immediate(event);
  }

  /**
   * With a key: appends `log_keyed` unless the newest row is keyed already, so the chain records
   * where keying starts as soon as the bot runs with a key. Returns the entry appended, if any.
   */
  startKeying(at: Date): LogEvent | undefined {
    if (this.#key === undefined) return undefined;
    const last = this.#last.get();
    if (last?.scheme === SCHEME.keyed) return undefined;
    return this.append({
      kind: "log_keyed",
      actor: SYSTEM_ACTOR,
      at,
      detail: {
        from: last === undefined ? null : { seq: last.id, hash: last.hash },
        note: "entries from here on are keyed with LOG_HMAC_KEY (HMAC-SHA-256)",
      },
    });
  }

  /** Newest first. */
  list(options: LogQuery = {}): LogEvent[] {
    const filter = {
      organization_id: options.organizationId ?? null,
      requester: options.requester ?? null,
      also_organizations: JSON.stringify(options.alsoOrganizationIds ?? []),
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

  /** Every event of a request, oldest first, by request (for checking states against the log). */
  byRequest(): Map<number, LogEvent[]> {
    const out = new Map<number, LogEvent[]>();
    for (const row of this.#byRequest.iterate()) {
      const id = row.request_id as number;
      const list = out.get(id) ?? [];
      list.push(toEvent(row));
      out.set(id, list);
    }
    return out;
  }

  head(): LogHead | undefined {
    const last = this.#last.get();
    return last === undefined ? undefined : { seq: last.id, hash: last.hash };
  }
}

/**
 * Refuses a key that cannot continue the log: keyed rows but no key (the bot would write weaker rows
 * after them, which `verifyLog` reports as a rewrite), or a key other than the one they were keyed
 * with. Checked on the newest keyed row, so a start costs one hash.
 */
export function checkLogKey(db: Database, key: string | undefined): void {
  const keyed = db
    .prepare<[], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE scheme = ${SCHEME.keyed} ORDER BY id DESC LIMIT 1`,
    )
    .get();
  if (keyed === undefined) return;
  if (key === undefined) {
    throw new DatabaseSetupError(
      `the approval log is keyed (entry ${keyed.id} and others): set LOG_HMAC_KEY (or LOG_HMAC_KEY_FILE) to the key it was keyed with`,
    );
  }
  const { id, hash, prev_hash, scheme: _scheme, ...content } = keyed;
  if (hashEntry(SCHEME.keyed, id, prev_hash, content, key) !== hash) {
    throw new DatabaseSetupError(
      `LOG_HMAC_KEY is not the key the approval log was keyed with (entry ${id} does not verify with it)`,
    );
  }
}

export interface VerifyOptions {
  /** `LOG_HMAC_KEY`: needed to check keyed rows; when given, the log must have some. */
  key?: string | undefined;
  /** A head published earlier (a digest, `status`): the log must still hold that entry, unchanged. */
  expect?: LogHead | undefined;
}

export type VerifyResult =
  | {
      ok: true;
      rows: number;
      head: LogHead | undefined;
      /** The first keyed entry, when keying has started. */
      keyedFrom: number | undefined;
    }
  | {
      ok: false;
      firstBadId: number;
      reason: string;
      /** Nothing is wrong that could be checked, but keyed rows need the key to be checked at all. */
      needsKey?: true;
    };

/**
 * Walks the whole log in id order and recomputes the chain. Reports the first row whose link to its
 * predecessor is broken (a row removed or reordered before it), whose sequence number is not the
 * next one (renumbered, or a gap), whose content does not match its hash (a row changed), whose
 * scheme is weaker than its predecessor's (rows rewritten without the key), rows removed from the
 * end as far as the id counter still tells, and a published head the log no longer holds.
 */
export function verifyLog(db: Database, options: VerifyOptions = {}): VerifyResult {
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  let prevScheme = 0;
  let rows = 0;
  let keyedFrom: number | undefined;
  let expected: EventRow | undefined;
  const hasScheme = db
    .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')")
    .all()
    .some((c) => c.name === "scheme");
  // A database not migrated to 050 yet (verify-log never migrates): every row is scheme 1.
  const columns = hasScheme ? COLUMNS : COLUMNS.replace(", scheme", ", 1 AS scheme");
  const all = db.prepare<[], EventRow>(`SELECT ${columns} FROM events ORDER BY id`);
  const broken = (row: EventRow, reason: string) => ({ ok: false as const, firstBadId: row.id, reason });
  for (const row of all.iterate()) {
    if (row.prev_hash !== prevHash) {
      const missing = row.id !== prevId + 1 ? ` (ids ${prevId + 1}–${row.id - 1} are missing)` : "";
      return broken(
        row,
        prevId === 0
          ? `the first row does not start the chain${missing}`
          : `does not follow row ${prevId}: a row before it was removed, inserted or changed${missing}`,
      );
    }
    if (row.id !== prevId + 1) {
      return broken(row, `its sequence number should be ${prevId + 1}: rows were renumbered or removed`);
    }
    if (row.scheme < prevScheme) {
      return broken(
        row,
        `it is hashed with a weaker scheme (${row.scheme}) than the row before it (${prevScheme}): rows were rewritten${prevScheme === SCHEME.keyed ? " without the key" : ""}`,
      );
    }
    const scheme = row.scheme as Scheme;
    if (scheme === SCHEME.keyed) keyedFrom ??= row.id;
    const { id, hash, prev_hash, scheme: _scheme, ...content } = row;
    if (scheme !== SCHEME.keyed || options.key !== undefined) {
      if (hashEntry(scheme, id, prev_hash, content, options.key) !== hash) {
        return broken(
          row,
          scheme === SCHEME.keyed
            ? "its content does not match its keyed hash: the row was changed, or written without the key"
            : "its content does not match its hash: the row was changed",
        );
      }
    }
    if (options.expect?.seq === row.id) expected = row;
    prevHash = hash;
    prevId = row.id;
    prevScheme = row.scheme;
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
  const expect = options.expect;
  if (expect !== undefined) {
    const published = `${expect.seq}:${expect.hash}`;
    if (expected === undefined) {
      return {
        ok: false,
        firstBadId: expect.seq,
        reason: `entry ${published} was published, but the log ends at ${prevId}: it was cut back`,
      };
    }
    if (!expected.hash.startsWith(expect.hash.toLowerCase())) {
      return {
        ok: false,
        firstBadId: expect.seq,
        reason: `entry ${expect.seq} has hash ${expected.hash.slice(0, expect.hash.length)}, not the published ${expect.hash}: the log was rebuilt`,
      };
    }
  }
  if (options.key !== undefined && rows > 0 && keyedFrom === undefined) {
    return {
      ok: false,
      firstBadId: 1,
      reason:
        "LOG_HMAC_KEY is given but no entry is keyed: the chain was rebuilt without the key (the bot records log_keyed as soon as it runs with one)",
    };
  }
  if (options.key === undefined && keyedFrom !== undefined) {
    return {
      ok: false,
      firstBadId: keyedFrom,
      reason: `entries from ${keyedFrom} on are keyed: set LOG_HMAC_KEY (or LOG_HMAC_KEY_FILE) to check them`,
      needsKey: true,
    };
  }
  const last = prevId === 0 ? undefined : { seq: prevId, hash: prevHash };
  return { ok: true, rows, head: last, keyedFrom };
}
