/**
 * A stored request as a row: its columns, and the row read back as the core's `Request`. Apart
 * from the repository (requests.ts) so that the SQL reads without the mapping around it.
 */
import type { Request, RequestKind, RequestState } from "../core/requests/types.ts";
import { principalKey as keyOf } from "../vbo/principals.ts";
import type { PrincipalRef } from "../vbo/schemas.ts";

export interface RequestRow {
  id: number;
  kind: RequestKind;
  organization_id: string;
  organization_name: string;
  server: string;
  principal_type: "User" | "Group";
  principal_id: string;
  principal_name: string;
  principal_display_name: string;
  principal_msid: string | null;
  requester: string;
  reason: string | null;
  state: RequestState;
  created_at: string;
  updated_at: string;
  decided_at: string | null;
  decided_by: string | null;
  deny_reason: string | null;
  audit_for_ms: number | null;
  audit_expires_at: string | null;
  audit_expired_at: string | null;
  expiry_attempts: number;
  applied_at: string | null;
  apply_attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  definite_failures: number;
  audit_item_created: number | null;
  audit_item_id: string | null;
  write_started_at: string | null;
}

export const COLUMNS = `id, kind, organization_id, organization_name, server, principal_type, principal_id, principal_name,
  principal_display_name, principal_msid, requester, reason, state, created_at, updated_at, decided_at,
  decided_by, deny_reason, audit_for_ms, audit_expires_at, audit_expired_at, expiry_attempts, applied_at, apply_attempts,
  last_error, next_attempt_at, definite_failures, audit_item_created, audit_item_id, write_started_at`;

const date = (s: string | null) => (s === null ? null : new Date(s));

/**
 * The stored `principal_key` (one open request per principal, enforced by the database). Whether
 * two principals are the same is decided in one place, src/vbo/principals.ts.
 */
export function principalKey(principal: Pick<PrincipalRef, "name" | "id">): string {
  return keyOf(principal);
}

export function toRequest(row: RequestRow): Request {
  return {
    id: row.id,
    kind: row.kind,
    organization: { id: row.organization_id, name: row.organization_name, server: row.server },
    principal: {
      type: row.principal_type,
      id: row.principal_id,
      name: row.principal_name,
      displayName: row.principal_display_name,
      ...(row.principal_msid === null ? {} : { msid: row.principal_msid }),
    },
    requester: row.requester,
    reason: row.reason,
    state: row.state,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    decidedAt: date(row.decided_at),
    decidedBy: row.decided_by,
    denyReason: row.deny_reason,
    auditForMs: row.audit_for_ms,
    auditExpiresAt: date(row.audit_expires_at),
    auditExpiredAt: date(row.audit_expired_at),
    expiryAttempts: row.expiry_attempts,
    appliedAt: date(row.applied_at),
    applyAttempts: row.apply_attempts,
    lastError: row.last_error,
    nextAttemptAt: date(row.next_attempt_at),
    definiteFailures: row.definite_failures,
    auditItemCreated: row.audit_item_created === null ? null : row.audit_item_created === 1,
    auditItemId: row.audit_item_id,
    writeStartedAt: date(row.write_started_at),
  };
}
