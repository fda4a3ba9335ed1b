/**
 * What the rest of the bot may ask of VB365. The core depends on this interface, not on the HTTP
 * client, so that its decisions can be tested against any implementation (in practice: the real
 * client talking to the simulator).
 */

import type { SkippedItems } from "./items.ts";
import type {
  ApiVersion,
  AuditEmailSettings,
  AuditItem,
  ChangeFeed,
  Group,
  GroupMember,
  Organization,
  PrincipalRef,
  RestoreSession,
  RestoreSessionEvent,
  User,
} from "./schemas.ts";

export interface UserQuery {
  /** Exact UPN / e-mail. */
  userName?: string;
  /** `*` and `?` wildcards. */
  displayName?: string;
  limit?: number;
}

export interface GroupQuery {
  displayName?: string;
  groupName?: string;
  limit?: number;
}

export interface PageOptions {
  /** Items per page, at most 10000. */
  pageSize?: number;
}

export interface TimeWindow {
  from: Date;
  to?: Date;
}

/** How an add or remove was confirmed: by the server's own answer, or by reading the list back after an ambiguous failure. */
export type Confirmation = "response" | "readback";

export interface VboHealth {
  /** null: no call has been needed yet. */
  lastCallOk: boolean | null;
  lastError?: string;
  lastSuccessAt?: Date;
  version?: ApiVersion;
}

export interface VboApi {
  /** The API version in use: configured, or probed once and remembered. */
  apiVersion(): Promise<ApiVersion>;
  health(): VboHealth;
  /** Items of display lists skipped since start because they did not fit the API, by list. */
  skippedItems(): SkippedItems;

  listOrganizations(): Promise<Organization[]>;
  getOrganization(organizationId: string): Promise<Organization>;

  searchUsers(organizationId: string, query: UserQuery): Promise<User[]>;
  searchGroups(organizationId: string, query: GroupQuery): Promise<Group[]>;
  /** Every user, a page at a time (large pages, one `setId`). */
  userPages(organizationId: string, options?: PageOptions): AsyncIterable<User[]>;
  groupPages(organizationId: string, options?: PageOptions): AsyncIterable<Group[]>;
  getUser(organizationId: string, userId: string): Promise<User>;
  getGroup(organizationId: string, groupId: string): Promise<Group>;
  groupMembers(organizationId: string, groupId: string): AsyncIterable<GroupMember[]>;

  listAuditItems(organizationId: string): Promise<AuditItem[]>;
  addAuditItems(organizationId: string, principals: PrincipalRef[]): Promise<Confirmation>;
  removeAuditItems(organizationId: string, itemIds: string[]): Promise<Confirmation>;
  getAuditEmailSettings(): Promise<AuditEmailSettings>;

  restoreSessions(window: TimeWindow): AsyncIterable<RestoreSession[]>;
  /** One restore session read again by its id; undefined when VB365 no longer has it. */
  getRestoreSession(sessionId: string): Promise<RestoreSession | undefined>;
  restoreSessionEvents(sessionId: string): AsyncIterable<RestoreSessionEvent[]>;
  /** v8 only: the change feed. Rejects on older versions. */
  changes(from: string, options?: { limit?: number; timeoutSeconds?: number }): Promise<ChangeFeed>;
}
