/**
 * The digests posted and, per organization, the audit items VB365 listed when the last digest was
 * gathered (`audit_snapshots`), which the next digest compares with VB365's list and the log of the
 * bot's own changes to find drift. A snapshot is read and replaced as a whole, so it is kept as one
 * JSON document per organization (migration 044): one statement each way instead of one per entry.
 */
import type { AuditEntry } from "../core/digest/build.ts";
import type { DigestRecord, DigestStore, NewDigest, Snapshot } from "../core/digest/ports.ts";
import type { OrganizationRef } from "../core/vocabulary.ts";
import type { PrincipalType } from "../vbo/schemas.ts";
import type { Database } from "./db.ts";

const iso = (d: Date) => d.toISOString();

interface DigestRow {
  id: number;
  period: string;
  trigger: "scheduled" | "manual";
  requested_by: string | null;
  gathered_at: string;
  posted_at: string;
  channel: string;
  message_ts: string;
}

const toDigest = (r: DigestRow): DigestRecord => ({
  id: r.id,
  period: r.period,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  gatheredAt: new Date(r.gathered_at),
  postedAt: new Date(r.posted_at),
  channel: r.channel,
  messageTs: JSON.parse(r.message_ts) as string[],
});

const DIGEST_COLUMNS = "id, period, trigger, requested_by, gathered_at, posted_at, channel, message_ts";

export class DigestRepository implements DigestStore {
  readonly #insert;
  readonly #latest;
  readonly #latestTo;
  readonly #list;
  readonly #snapshotHead;
  readonly #snapshotHeads;
  readonly #putSnapshot;
  readonly #documents = new WeakMap<readonly AuditEntry[], string>();

  constructor(db: Database) {
    this.#insert = db.prepare<
      [
        {
          period: string;
          trigger: string;
          requested_by: string | null;
          gathered_at: string;
          posted_at: string;
          channel: string;
          message_ts: string;
        },
      ]
    >(
      `INSERT INTO digests (period, trigger, requested_by, gathered_at, posted_at, channel, message_ts)
       VALUES (@period, @trigger, @requested_by, @gathered_at, @posted_at, @channel, @message_ts)`,
    );
    this.#latest = db.prepare<[], DigestRow>(
      `SELECT ${DIGEST_COLUMNS} FROM digests ORDER BY gathered_at DESC, id DESC LIMIT 1`,
    );
    this.#latestTo = db.prepare<[string], DigestRow>(
      `SELECT ${DIGEST_COLUMNS} FROM digests WHERE channel = ? ORDER BY gathered_at DESC, id DESC LIMIT 1`,
    );
    this.#list = db.prepare<[number], DigestRow>(
      `SELECT ${DIGEST_COLUMNS} FROM digests ORDER BY gathered_at DESC, id DESC LIMIT ?`,
    );
    type Head = {
      organization_id: string;
      organization_name: string;
      taken_at: string;
      digest_id: number | null;
    };
    this.#snapshotHead = db.prepare<[string], Head & { entries: string }>(
      "SELECT organization_id, organization_name, taken_at, digest_id, entries FROM audit_snapshots WHERE organization_id = ?",
    );
    this.#snapshotHeads = db.prepare<[], Head>(
      "SELECT organization_id, organization_name, taken_at, digest_id FROM audit_snapshots ORDER BY organization_name",
    );
    this.#putSnapshot = db.prepare<[string, string, string, number | null, string]>(
      `INSERT INTO audit_snapshots (organization_id, organization_name, taken_at, digest_id, entries)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (organization_id) DO UPDATE SET organization_name = excluded.organization_name,
         taken_at = excluded.taken_at, digest_id = excluded.digest_id, entries = excluded.entries`,
    );
  }

  record(digest: NewDigest): DigestRecord {
    const result = this.#insert.run({
      period: digest.period,
      trigger: digest.trigger,
      requested_by: digest.requestedBy,
      gathered_at: iso(digest.gatheredAt),
      posted_at: iso(digest.postedAt),
      channel: digest.channel,
      message_ts: JSON.stringify(digest.messageTs),
    });
    return { id: Number(result.lastInsertRowid), ...digest, messageTs: [...digest.messageTs] };
  }

  /** The digest gathered last (to `channel` when given), if any. */
  latest(channel?: string): DigestRecord | undefined {
    const row = channel === undefined ? this.#latest.get() : this.#latestTo.get(channel);
    return row === undefined ? undefined : toDigest(row);
  }

  /** Newest first. */
  list(limit = 20): DigestRecord[] {
    return this.#list.all(limit).map(toDigest);
  }

  snapshot(organizationId: string, current?: readonly AuditEntry[]): Snapshot | undefined {
    const head = this.#snapshotHead.get(organizationId);
    if (head === undefined) return undefined;
    const same = current !== undefined && this.#document(current) === head.entries;
    return {
      organization: { id: head.organization_id, name: head.organization_name },
      takenAt: new Date(head.taken_at),
      digestId: head.digest_id,
      // Written by #document or migration 044, nothing else.
      entries: same ? current : (JSON.parse(head.entries) as StoredEntry[]).map(fromStored),
    };
  }

  /** Organizations that have a snapshot: what the bot knows exists when VB365 cannot list them. */
  snapshotOrganizations(): Array<OrganizationRef & { takenAt: Date }> {
    return this.#snapshotHeads
      .all()
      .map((h) => ({ id: h.organization_id, name: h.organization_name, takenAt: new Date(h.taken_at) }));
  }

  /** Replaces an organization's snapshot (one statement: alone, or part of the caller's transaction). */
  replaceSnapshot(
    organization: OrganizationRef,
    takenAt: Date,
    entries: readonly AuditEntry[],
    digestId: number | null,
  ): void {
    this.#putSnapshot.run(
      organization.id,
      organization.name,
      iso(takenAt),
      digestId,
      this.#document(entries),
    );
  }

  /**
   * The document a snapshot of `entries` is kept as. A digest compares VB365's list with the
   * snapshot and then stores that same list, so the document is made once per list (its callers
   * never change a list they have passed).
   */
  #document(entries: readonly AuditEntry[]): string {
    let document = this.#documents.get(entries);
    if (document === undefined) {
      // Ordered by key, the same list makes the same document, whatever order VB365 sent it in;
      // and SQLite rewrites no page of a document that did not change. The sort is stable, so of a
      // principal listed twice by VB365 the first listing is kept.
      const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const rows: StoredEntry[] = [];
      let last: string | undefined;
      for (const e of sorted) {
        if (e.key === last) continue;
        last = e.key;
        rows.push([e.key, e.type, e.id, e.name, e.displayName, e.auditItemId ?? null, e.msid ?? null]);
      }
      document = JSON.stringify(rows);
      this.#documents.set(entries, document);
    }
    return document;
  }
}

/**
 * An entry in a snapshot document: an array, a fifth smaller than an object with its field names
 * and quicker to write. Absent fields are null.
 */
type StoredEntry = [
  key: string,
  type: PrincipalType,
  id: string,
  name: string,
  displayName: string,
  auditItemId: string | null,
  msid: string | null,
];

function fromStored([key, type, id, name, displayName, auditItemId, msid]: StoredEntry): AuditEntry {
  return {
    key,
    type,
    id,
    name,
    displayName,
    ...(msid === null ? {} : { msid }),
    ...(auditItemId === null ? {} : { auditItemId }),
  };
}
