/**
 * The ports of the directory feature: the persisted directory cache (src/store/directory.ts) and
 * chat members' profiles (the Slack side, over `users.info`).
 */
import type { DirectoryEntry } from "./entry.ts";

/** When an organization's directory was last read from VB365 in full. */
export interface DirectorySync {
  organizationId: string;
  syncedAt: Date;
  users: number;
  groups: number;
  durationMs: number;
}

/** Each organization's users and groups, kept so a restart does not need a full sync to answer. */
export interface DirectoryCache {
  load(organizationId: string): DirectoryEntry[];
  /** A full sync: the organization's entries become exactly `entries`, and the sync is recorded. */
  replace(
    organizationId: string,
    entries: readonly DirectoryEntry[],
    sync: { syncedAt: Date; durationMs: number },
  ): void;
  /** Entries learnt from a direct VB365 search between syncs. */
  upsert(organizationId: string, entries: readonly DirectoryEntry[], seenAt: Date): void;
  lastSync(organizationId: string): DirectorySync | undefined;
}

/** A chat member's profile e-mail, which is how a mention names a Microsoft 365 user. */
export interface MemberProfiles {
  /** Undefined when the member has none; rejects when the profile cannot be read. */
  emailOf(userId: string): Promise<string | undefined>;
}
