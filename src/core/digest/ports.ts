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
  entries: readonly AuditEntry[];
}

export interface DigestStore {
  record(digest: NewDigest): DigestRecord;
  /** The digest gathered last (to `channel` when given), if any. */
  latest(channel?: string): DigestRecord | undefined;
  /**
   * The organization's snapshot. Given `current` (VB365's list now), a snapshot that lists exactly
   * the same entries comes back with `current` itself as its entries, without reading its own copy.
   */
  snapshot(organizationId: string, current?: readonly AuditEntry[]): Snapshot | undefined;
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
  /** Posts the digest now; resolves with where it went (each digest channel) and in how many messages. */
  postNow(requestedBy: string): Promise<{ channels: string[]; messages: number }>;
}
