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

/** Options of a call that changes VB365, or reads what a change depends on. */
export interface CallOptions {
  /**
   * Aborts the call, its retries and its waits (a `Retry-After`, a token being fetched) as soon as it
   * fires: the call then rejects with a `VboError` of kind `timeout`.
   */
  signal?: AbortSignal | undefined;
}

/**
 * The longest the client can take, every retry, wait and token renewal included, so that work
 * holding a lease can be given one that outlasts it.
 */
export interface WorstCase {
  /** `listAuditItems`: a GET with its retries, after a token (a refused refresh, then a login), twice if a 401 comes. */
  readMs: number;
  /** `addAuditItems` / `removeAuditItems`: the POST (never repeated blindly), and the read-back after an ambiguous answer. */
  writeMs: number;
  /** How long a request the client gave up on may still take on the server: one request's timeout. */
  settleMs: number;
}

/** A group's member, with the id VB365 gives only inside the member's link (undefined without one). */
export type Member = GroupMember & { id: string | undefined };

export interface VboHealth {
  /** null: no call has been needed yet. */
  lastCallOk: boolean | null;
  lastError?: string;
  lastSuccessAt?: Date;
  version?: ApiVersion;
}

/**
 * What applying a request does in VB365: read the audit items, then change them; plus the version
 * (settled before a lease starts) and the worst case that sizes the lease.
 */
export type AuditChanges = Pick<
  VboApi,
  "apiVersion" | "worstCase" | "listAuditItems" | "addAuditItems" | "removeAuditItems"
>;

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
  groupMembers(organizationId: string, groupId: string): AsyncIterable<Member[]>;

  listAuditItems(organizationId: string, options?: CallOptions): Promise<AuditItem[]>;
  addAuditItems(
    organizationId: string,
    principals: PrincipalRef[],
    options?: CallOptions,
  ): Promise<Confirmation>;
  removeAuditItems(organizationId: string, itemIds: string[], options?: CallOptions): Promise<Confirmation>;
  /** The client's worst-case times, from its timeouts, retries and `Retry-After` cap. */
  worstCase(): WorstCase;
  getAuditEmailSettings(): Promise<AuditEmailSettings>;
  /**
   * The same reads and changes of audit items over connections of their own: applies take
   * precedence, so a burst of display reads cannot delay an approved change.
   */
  forApplies(): AuditChanges;

  restoreSessions(window: TimeWindow): AsyncIterable<RestoreSession[]>;
  /** One restore session read again by its id; undefined when VB365 no longer has it. */
  getRestoreSession(sessionId: string): Promise<RestoreSession | undefined>;
  restoreSessionEvents(sessionId: string): AsyncIterable<RestoreSessionEvent[]>;
  /** v8 only: the change feed. Rejects on older versions. */
  changes(from: string, options?: { limit?: number; timeoutSeconds?: number }): Promise<ChangeFeed>;
}
