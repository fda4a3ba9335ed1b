/**
 * Ports every feature of the core shares, implemented by src/store: the approval log and the
 * transaction that makes a state change and its log rows one. Each feature declares its own other
 * ports next to it (requests/ports.ts, directory/ports.ts, digest/ports.ts, access/ports.ts).
 */
import type { EventKind, LogEvent, LogHead, OrganizationRef, PrincipalRef } from "./vocabulary.ts";

export interface NewEvent {
  kind: EventKind;
  /** A chat user id, `SYSTEM_ACTOR` or `VB365_ACTOR`. */
  actor: string;
  at: Date;
  requestId?: number | null;
  organization?: OrganizationRef | null;
  principal?: Pick<PrincipalRef, "type" | "id" | "name" | "displayName"> | null;
  detail?: Record<string, unknown>;
}

export interface LogQuery {
  /** Only events about this principal: UPN/name (any case) or id. */
  principal?: string;
  organizationId?: string;
  /** Only events of the requests this chat user made (what a non-viewer may see). */
  requester?: string;
  /**
   * With `requester`: also the events about these organizations (those the person views on some
   * route, when they do not view every route).
   */
  alsoOrganizationIds?: readonly string[];
  /** Only events older than this id (for paging back). */
  beforeId?: number;
  /** At most this many; default 50. */
  limit?: number;
}

/** The approval log: append-only and hash-chained. */
export interface EventLog {
  /** Appends one event, chained to the last one. */
  append(event: NewEvent): LogEvent;
  /** Newest first. */
  list(query?: LogQuery): LogEvent[];
  /** Every event at or after `since`, oldest first. */
  since(since: Date): LogEvent[];
  /** Every event of one request, oldest first. */
  forRequest(requestId: number): LogEvent[];
  /** The newest entry's sequence number and hash; undefined while the log is empty. */
  head(): LogHead | undefined;
}

export interface Transactions {
  /**
   * Runs `fn` in one transaction (nested: a savepoint): every write inside commits together or not
   * at all, and no other writer comes in between.
   */
  transaction<T>(fn: () => T): T;
  /** Whether the database is open, for readiness. */
  isOpen(): boolean;
}
