/**
 * The ports of the digest: where digests and the audit snapshots they compare with are kept
 * (src/store/snapshots.ts), how a digest reaches people (the Slack side renders and posts it), and
 * the digest on demand (the jobs, which keep it from running twice at once and record the run).
 */
import type { OrganizationRef } from "../vocabulary.ts";
import type { AuditEntry, Digest } from "./build.ts";

export interface DigestRecord {
  id: number;
  period: string;
  trigger: "scheduled" | "manual";
  requestedBy: string | null;
  gatheredAt: Date;
  postedAt: Date;
  channel: string;
  messageTs: string[];
}

export type NewDigest = Omit<DigestRecord, "id" | "messageTs"> & { messageTs: readonly string[] };

export interface Snapshot {
  organization: OrganizationRef;
  takenAt: Date;
  digestId: number | null;
  entries: AuditEntry[];
}

export interface DigestStore {
  record(digest: NewDigest): DigestRecord;
  /** The digest gathered last, if any. */
  latest(): DigestRecord | undefined;
  snapshot(organizationId: string): Snapshot | undefined;
  /** Organizations that have a snapshot: what the bot knows exists when VB365 cannot list them. */
  snapshotOrganizations(): Array<OrganizationRef & { takenAt: Date }>;
  /** Replaces an organization's snapshot (its own transaction, or part of the caller's). */
  replaceSnapshot(
    organization: OrganizationRef,
    takenAt: Date,
    entries: readonly AuditEntry[],
    digestId: number | null,
  ): void;
}

/** Shows a digest to people: renders it and posts it to `destination` (a channel id). */
export interface DigestNotifier {
  /** Resolves with where it went; rejects when any part could not be posted. */
  post(digest: Digest, destination: string): Promise<{ channel: string; ts: string[] }>;
}

/** The digest, posted on demand (`/vbo-audit digest`) as well as on schedule (implemented by the jobs). */
export interface DigestPoster {
  /** Posts the digest now; resolves with where it went and in how many messages. */
  postNow(requestedBy: string): Promise<{ channel: string; messages: number }>;
}
