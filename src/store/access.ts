/**
 * The access watcher's memory: restore sessions already examined (`access_sessions`) and the alert
 * posted for each (`access_alerts`), so that a session is alerted once across runs and restarts and
 * a later matching event updates that alert instead of posting another.
 */
import type { AccessStore, PostedAlert, SeenSession, WatchedSession } from "../core/access/ports.ts";
import type { Database } from "./db.ts";

const iso = (d: Date) => d.toISOString();

interface SessionRow {
  session_id: string;
  organization: string | null;
  creation_time: string;
  state: string;
  fingerprint: string | null;
  event_count: number;
  failures: number;
  first_seen_at: string;
  last_seen_at: string;
}

interface AlertRow {
  session_id: string;
  organization_id: string | null;
  organization_name: string | null;
  channel: string;
  ts: string;
  content_hash: string;
  item_count: number;
  posted_at: string;
  updated_at: string;
}

const toSession = (r: SessionRow): WatchedSession => ({
  sessionId: r.session_id,
  organization: r.organization,
  creationTime: new Date(r.creation_time),
  state: r.state,
  fingerprint: r.fingerprint,
  eventCount: r.event_count,
  failures: r.failures,
  firstSeenAt: new Date(r.first_seen_at),
  lastSeenAt: new Date(r.last_seen_at),
});

const toAlert = (r: AlertRow): PostedAlert => ({
  sessionId: r.session_id,
  organizationId: r.organization_id,
  organizationName: r.organization_name,
  channel: r.channel,
  ts: r.ts,
  contentHash: r.content_hash,
  itemCount: r.item_count,
  postedAt: new Date(r.posted_at),
  updatedAt: new Date(r.updated_at),
});

const SESSION_COLUMNS =
  "session_id, organization, creation_time, state, fingerprint, event_count, failures, first_seen_at, last_seen_at";
const ALERT_COLUMNS =
  "session_id, organization_id, organization_name, channel, ts, content_hash, item_count, posted_at, updated_at";

export const sessionKey = (id: string) => id.trim().toLowerCase();

export class AccessWatchRepository implements AccessStore {
  readonly #getSession;
  readonly #upsertSession;
  readonly #markFailed;
  readonly #toRevisit;
  readonly #getAlert;
  readonly #insertAlert;
  readonly #updateAlert;
  readonly #pruneSessions;
  readonly #displayNameByLocalPart;

  constructor(db: Database) {
    this.#getSession = db.prepare<[string], SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM access_sessions WHERE session_id = ?`,
    );
    this.#upsertSession = db.prepare<
      [Omit<SessionRow, "failures" | "first_seen_at" | "last_seen_at"> & { at: string }]
    >(
      `INSERT INTO access_sessions (session_id, organization, creation_time, state, fingerprint, event_count,
         failures, first_seen_at, last_seen_at)
       VALUES (@session_id, @organization, @creation_time, @state, @fingerprint, @event_count, 0, @at, @at)
       ON CONFLICT (session_id) DO UPDATE SET organization = excluded.organization,
         creation_time = excluded.creation_time, state = excluded.state, fingerprint = excluded.fingerprint,
         event_count = excluded.event_count, failures = 0, last_seen_at = excluded.last_seen_at`,
    );
    this.#markFailed = db.prepare<
      [{ session_id: string; organization: string | null; creation_time: string; state: string; at: string }]
    >(
      `INSERT INTO access_sessions (session_id, organization, creation_time, state, fingerprint, event_count,
         failures, first_seen_at, last_seen_at)
       VALUES (@session_id, @organization, @creation_time, @state, NULL, 0, 1, @at, @at)
       ON CONFLICT (session_id) DO UPDATE SET fingerprint = NULL, failures = failures + 1,
         state = excluded.state, last_seen_at = excluded.last_seen_at`,
    );
    this.#toRevisit = db.prepare<[string], SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM access_sessions
       WHERE (state = 'Working' OR fingerprint IS NULL) AND last_seen_at >= ?
       ORDER BY creation_time`,
    );
    this.#getAlert = db.prepare<[string], AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM access_alerts WHERE session_id = ?`,
    );
    this.#insertAlert = db.prepare<[AlertRow]>(
      `INSERT INTO access_alerts (${ALERT_COLUMNS})
       VALUES (@session_id, @organization_id, @organization_name, @channel, @ts, @content_hash, @item_count,
         @posted_at, @updated_at)`,
    );
    this.#updateAlert = db.prepare<
      [{ session_id: string; content_hash: string; item_count: number; at: string }]
    >(
      `UPDATE access_alerts SET content_hash = @content_hash, item_count = @item_count, updated_at = @at
       WHERE session_id = @session_id`,
    );
    this.#pruneSessions = db.prepare<[string]>(
      `DELETE FROM access_sessions WHERE last_seen_at < ?
         AND session_id NOT IN (SELECT session_id FROM access_alerts)`,
    );
    // The directory cache (src/store/directory.ts) names accounts: `DOMAIN\simon.service` is the
    // user whose UPN starts `simon.service@`, among the organization's current rows.
    this.#displayNameByLocalPart = db
      .prepare<[string, string], string>(
        `SELECT e.display_name FROM directory_scopes s JOIN directory_entries e
           ON e.row >= s.scope * 4294967296 AND e.row < (s.scope + 1) * 4294967296
         WHERE s.organization_id = ? AND s.state = 'current' AND e.type = 'User'
           AND lower(e.name) LIKE ? ESCAPE '\\'
         ORDER BY e.name LIMIT 2`,
      )
      .pluck();
  }

  session(sessionId: string): WatchedSession | undefined {
    const row = this.#getSession.get(sessionKey(sessionId));
    return row === undefined ? undefined : toSession(row);
  }

  /** Records what was seen of a session after it was examined successfully. */
  saveSession(seen: SeenSession, at: Date): void {
    this.#upsertSession.run({
      session_id: sessionKey(seen.sessionId),
      organization: seen.organization,
      creation_time: iso(seen.creationTime),
      state: seen.state,
      fingerprint: seen.fingerprint,
      event_count: seen.eventCount,
      at: iso(at),
    });
  }

  /** Remembers that examining a session failed, so the next run looks at it again. */
  markFailed(
    session: { sessionId: string; organization: string | null; creationTime: Date; state: string },
    at: Date,
  ): WatchedSession {
    const key = sessionKey(session.sessionId);
    this.#markFailed.run({
      session_id: key,
      organization: session.organization,
      creation_time: iso(session.creationTime),
      state: session.state,
      at: iso(at),
    });
    return toSession(this.#getSession.get(key) as SessionRow);
  }

  /** Sessions to read again although they may be outside the polling window: Working or failed ones. */
  toRevisit(seenSince: Date): WatchedSession[] {
    return this.#toRevisit.all(iso(seenSince)).map(toSession);
  }

  alert(sessionId: string): PostedAlert | undefined {
    const row = this.#getAlert.get(sessionKey(sessionId));
    return row === undefined ? undefined : toAlert(row);
  }

  recordAlert(alert: Omit<PostedAlert, "updatedAt">): void {
    this.#insertAlert.run({
      session_id: sessionKey(alert.sessionId),
      organization_id: alert.organizationId,
      organization_name: alert.organizationName,
      channel: alert.channel,
      ts: alert.ts,
      content_hash: alert.contentHash,
      item_count: alert.itemCount,
      posted_at: iso(alert.postedAt),
      updated_at: iso(alert.postedAt),
    });
  }

  recordAlertUpdate(sessionId: string, contentHash: string, itemCount: number, at: Date): void {
    this.#updateAlert.run({
      session_id: sessionKey(sessionId),
      content_hash: contentHash,
      item_count: itemCount,
      at: iso(at),
    });
  }

  /** Forgets sessions not seen since `before` that were never alerted. */
  prune(before: Date): number {
    return this.#pruneSessions.run(iso(before)).changes;
  }

  /**
   * The display name of the one cached user whose UPN starts with `localPart@`; undefined when the
   * cache has none, or several (a guess would name the wrong person).
   */
  displayNameOf(organizationId: string, localPart: string): string | undefined {
    const pattern = `${localPart.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}@%`;
    const names = this.#displayNameByLocalPart.all(organizationId, pattern);
    return names.length === 1 ? names[0] : undefined;
  }
}
