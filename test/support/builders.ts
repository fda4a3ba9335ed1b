/**
 * Test data builders with partial overrides: a plausible value for every field, so a test states
 * only what it is about (`aRequest({ state: "apply_failed" })`). `aRequest` is a request in memory;
 * `storedRequest` creates one in a store.
 */
import type { NewRequest } from "../../src/core/requests/ports.ts";
import type { Request } from "../../src/core/requests/types.ts";
import type { Store } from "../../src/store/index.ts";
import { BEN, ORG, REQUESTER } from "./actors.ts";

/** A pending add of Ben Young in vBridge, in memory (not stored). */
export function aRequest(over: Partial<Request> = {}): Request {
  const at = over.createdAt ?? new Date("2026-03-02T09:00:00Z");
  return {
    id: 1,
    kind: "add",
    organization: { id: ORG.id, name: ORG.name },
    principal: BEN,
    requester: REQUESTER,
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

/** A pending request created in `store`, with any field of its creation overridden. */
export function storedRequest(store: Pick<Store, "requests">, overrides: Partial<NewRequest> = {}): Request {
  return store.requests.create({
    kind: "add",
    organization: ORG,
    principal: BEN,
    requester: REQUESTER,
    reason: "legal hold #4411",
    auditForMs: null,
    at: new Date("2026-03-02T09:00:00.000Z"),
    ...overrides,
  });
}
