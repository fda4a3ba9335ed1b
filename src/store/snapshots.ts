/**
 * The digests posted and, per organization, the audit items VB365 listed when the last digest was
 * gathered (`audit_snapshots`), which the next digest compares with VB365's list and the log of the
 * bot's own changes to find drift. A snapshot is replaced as a whole, in one transaction.
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
  readonly #db: Database;
  readonly #insert;
  readonly #latest;
  readonly #list;
  readonly #snapshotHead;
  readonly #snapshotHeads;
  readonly #snapshotItems;
  readonly #deleteSnapshot;
  readonly #insertHead;
  readonly #insertItem;

  constructor(db: Database) {
    this.#db = db;
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
    this.#list = db.prepare<[number], DigestRow>(
      `SELECT ${DIGEST_COLUMNS} FROM digests ORDER BY gathered_at DESC, id DESC LIMIT ?`,
    );
    type Head = {
      organization_id: string;
      organization_name: string;
      taken_at: string;
      digest_id: number | null;
    };
    this.#snapshotHead = db.prepare<[string], Head>(
      "SELECT organization_id, organization_name, taken_at, digest_id FROM audit_snapshots WHERE organization_id = ?",
    );
    this.#snapshotHeads = db.prepare<[], Head>(
      "SELECT organization_id, organization_name, taken_at, digest_id FROM audit_snapshots ORDER BY organization_name",
    );
    this.#snapshotItems = db.prepare<
      [string],
      {
        principal_key: string;
        principal_type: PrincipalType;
        principal_id: string;
        principal_name: string;
        principal_display_name: string;
        principal_msid: string | null;
        audit_item_id: string;
      }
    >(
      `SELECT principal_key, principal_type, principal_id, principal_name, principal_display_name, principal_msid,
         audit_item_id
       FROM audit_snapshot_items WHERE organization_id = ? ORDER BY principal_key`,
    );
    this.#deleteSnapshot = db.prepare<[string]>("DELETE FROM audit_snapshots WHERE organization_id = ?");
    this.#insertHead = db.prepare<[string, string, string, number | null]>(
      "INSERT INTO audit_snapshots (organization_id, organization_name, taken_at, digest_id) VALUES (?, ?, ?, ?)",
    );
    // A principal listed twice by VB365 is one principal here.
    this.#insertItem = db.prepare<[string, string, string, string, string, string, string | null, string]>(
      `INSERT OR IGNORE INTO audit_snapshot_items (organization_id, principal_key, principal_type, principal_id,
         principal_name, principal_display_name, principal_msid, audit_item_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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

  /** The digest gathered last, if any. */
  latest(): DigestRecord | undefined {
    const row = this.#latest.get();
    return row === undefined ? undefined : toDigest(row);
  }

  /** Newest first. */
  list(limit = 20): DigestRecord[] {
    return this.#list.all(limit).map(toDigest);
  }

  snapshot(organizationId: string): Snapshot | undefined {
    const head = this.#snapshotHead.get(organizationId);
    if (head === undefined) return undefined;
    return {
      organization: { id: head.organization_id, name: head.organization_name },
      takenAt: new Date(head.taken_at),
      digestId: head.digest_id,
      entries: this.#snapshotItems.all(organizationId).map((r) => ({
        key: r.principal_key,
        type: r.principal_type,
        id: r.principal_id,
        name: r.principal_name,
        displayName: r.principal_display_name,
        ...(r.principal_msid === null ? {} : { msid: r.principal_msid }),
        auditItemId: r.audit_item_id,
      })),
    };
  }

  /** Organizations that have a snapshot: what the bot knows exists when VB365 cannot list them. */
  snapshotOrganizations(): Array<OrganizationRef & { takenAt: Date }> {
    return this.#snapshotHeads
      .all()
      .map((h) => ({ id: h.organization_id, name: h.organization_name, takenAt: new Date(h.taken_at) }));
  }

  /** Replaces an organization's snapshot (its own transaction, or part of the caller's). */
  replaceSnapshot(
    organization: OrganizationRef,
    takenAt: Date,
    entries: readonly AuditEntry[],
    digestId: number | null,
  ): void {
    const tx = this.#db.transaction(() => {
      this.#deleteSnapshot.run(organization.id);
      this.#insertHead.run(organization.id, organization.name, iso(takenAt), digestId);
      for (const e of entries) {
        this.#insertItem.run(
          organization.id,
          e.key,
          e.type,
          e.id,
          e.name,
          e.displayName,
          e.msid ?? null,
          e.auditItemId ?? "",
        );
      }
    });
    if (this.#db.inTransaction) tx();
    else tx.immediate();
  }
}
