/**
 * Test data builders with partial overrides: a plausible value for every field, so a test states
 * only what it is about (`aRequest({ state: "apply_failed" })`).
 */
import type { Request } from "../../src/core/requests/types.ts";
import { SEED } from "../../src/sim/types.ts";

/** A pending add of Ben Young in vBridge, in memory (not stored). */
export function aRequest(over: Partial<Request> = {}): Request {
  const at = over.createdAt ?? new Date("2026-03-02T09:00:00Z");
  return {
    id: 1,
    kind: "add",
    organization: { id: SEED.organization.id, name: SEED.organization.name },
    principal: { type: "User", ...SEED.benYoung },
    requester: "U0REQUESTER",
    reason: null,
    state: "pending",
    createdAt: at,
    updatedAt: at,
    decidedAt: null,
    decidedBy: null,
    denyReason: null,
    auditForMs: null,
    auditExpiresAt: null,
    auditExpiredAt: null,
    expiryAttempts: 0,
    appliedAt: null,
    applyAttempts: 0,
    lastError: null,
    nextAttemptAt: null,
    ...over,
  };
}
