/**
 * The vocabulary of the approval workflow, shared by the store, the core and the Slack side.
 * Plain data: no behaviour, no Slack, no SQL.
 */
import type { PrincipalRef } from "../../vbo/schemas.ts";

export type RequestKind = "add" | "remove";

/**
 * pending → approved → applied; pending → denied | expired | cancelled;
 * approved → apply_failed → applied (retried until it applies).
 */
export type RequestState =
  | "pending"
  | "approved"
  | "applied"
  | "denied"
  | "expired"
  | "cancelled"
  | "apply_failed";

/** States in which a request is still in flight: a second request for the same principal points here. */
export const OPEN_STATES: readonly RequestState[] = ["pending", "approved", "apply_failed"];

export interface OrganizationRef {
  id: string;
  name: string;
}

export interface Request {
  id: number;
  kind: RequestKind;
  organization: OrganizationRef;
  principal: PrincipalRef;
  /** Slack user id of the person who asked. */
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
}

export interface Vote {
  requestId: number;
  /** Slack user id of the approver. */
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

/** Who is acting, as the Slack side knows them. */
export interface Actor {
  slackUserId: string;
  isApprover: boolean;
}

/** What an actor asks of a pending request. */
export type Action = { kind: "approve" } | { kind: "deny"; reason: string } | { kind: "cancel" };

/**
 * Kinds of event in the approval log. The database accepts any kind (no migration needed for new
 * ones): add a kind here when a new part of the bot starts logging it.
 */
export const EVENT_KINDS = [
  "requested",
  "voted",
  "approved",
  "denied",
  "expired",
  "cancelled",
  "apply_attempted",
  "apply_succeeded",
  "apply_failed",
  "drift_seen",
  "audit_expired",
  "audit_expiry_failed",
  "reminded",
  "digest_posted",
  "access_seen",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Actors that are not people: the bot itself, and changes seen in VB365 made outside the bot. */
export const SYSTEM_ACTOR = "system";
export const VB365_ACTOR = "vb365";

export interface LogEvent {
  id: number;
  at: Date;
  kind: EventKind;
  /** A Slack user id, "system" or "vb365". */
  actor: string;
  requestId: number | null;
  organization: OrganizationRef | null;
  principal: Pick<PrincipalRef, "type" | "id" | "name" | "displayName"> | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
