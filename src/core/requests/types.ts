/**
 * Requests: what a person asks for, the states it moves through, the votes on it and the policy
 * that decides it. Plain data: no behaviour, no Slack, no SQL. Words shared with the other features
 * (organizations, actors, the log) are in ../vocabulary.ts.
 */
import type { OrganizationRef, PrincipalRef } from "../vocabulary.ts";

export type RequestKind = "add" | "remove";

/**
 * pending → approved → applied; pending → denied | expired | cancelled;
 * approved → apply_failed → applied (retried while VB365 is out of reach);
 * approved | apply_failed → failed (VB365 kept refusing it) | cancelled (before it reached VB365).
 */
export type RequestState =
  | "pending"
  | "approved"
  | "applied"
  | "denied"
  | "expired"
  | "cancelled"
  | "apply_failed"
  | "failed";

/** States in which a request is still in flight: a second request for the same principal points here. */
export const OPEN_STATES = ["pending", "approved", "apply_failed"] as const satisfies readonly RequestState[];

/** States in which an approved request waits to be applied to VB365. */
export const APPLICABLE_STATES = ["approved", "apply_failed"] as const satisfies readonly RequestState[];

export interface Request {
  id: number;
  kind: RequestKind;
  organization: OrganizationRef;
  principal: PrincipalRef;
  /** Chat user id of the person who asked. */
  requester: string;
  reason: string | null;
  state: RequestState;
  createdAt: Date;
  updatedAt: Date;
  /** When it left `pending`, and who made it leave (last approver, denier, canceller; "system" for expiry). */
  decidedAt: Date | null;
  decidedBy: string | null;
  denyReason: string | null;
  /** Time-bound adds: how long the audit lasts once applied. */
  auditForMs: number | null;
  /** Time-bound adds: when the audit ends (set when applied). */
  auditExpiresAt: Date | null;
  /** Time-bound adds: when the bot removed the audit item (or found it superseded). */
  auditExpiredAt: Date | null;
  /** Time-bound adds: failed attempts at removing the audit item after it ended. */
  expiryAttempts: number;
  appliedAt: Date | null;
  applyAttempts: number;
  /** The last apply failure, as safe to show in Slack. */
  lastError: string | null;
  nextAttemptAt: Date | null;
  /** Attempts VB365 refused for good (a definite error, not an outage); enough end the request as failed. */
  definiteFailures: number;
  /**
   * An applied add: true when its POST created the audit item, false when VB365 audited the principal
   * already (then the bot never removes it); null when not known (a remove, or applied before the
   * bot recorded it).
   */
  auditItemCreated: boolean | null;
  /** The audit item this request created, when VB365 showed its id. */
  auditItemId: string | null;
  /** A write to VB365 whose outcome is not settled yet began then: the change may have reached VB365. */
  writeStartedAt: Date | null;
}

export interface Vote {
  requestId: number;
  /** Chat user id of the approver. */
  approver: string;
  at: Date;
}

export interface Policy {
  /** Distinct approvers needed (quorum), at least 1. */
  requiredApprovals: number;
  /** Whether a requester may approve their own request. */
  allowSelfApproval: boolean;
  /** A pending request expires this long after it was created. */
  requestTtlMs: number;
}

/** What an actor asks of a pending request. */
export type Action = { kind: "approve" } | { kind: "deny"; reason: string } | { kind: "cancel" };
