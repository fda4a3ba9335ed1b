/**
 * Test data builders with partial overrides: a plausible value for every field, so a test states
 * only what it is about (`aRequest({ state: "apply_failed" })`). `aRequest` is a request in memory;
 * `storedRequest` creates one in a store.
 */
import type { AccessSummary } from "../../src/core/access/match.ts";
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
    definiteFailures: 0,
    auditItemCreated: null,
    auditItemId: null,
    writeStartedAt: null,
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

/** The seeded story's alert: simon service exported five of Ben Young's messages to C:\\export. */
export function anAccessSummary(over: Partial<AccessSummary> = {}): AccessSummary {
  return {
    sessionId: "7d1c3a2e-5b4f-4e8a-9c0d-1e2f3a4b5c6d",
    sessionName: "Exchange restore session: Ben Young",
    sessionType: "Vex",
    state: "Stopped",
    organization: { id: ORG.id, name: ORG.name },
    initiator: { account: "VBRIDGE\\simon.service", displayName: "simon service" },
    clientHost: "VBO-PROXY01",
    reason: "Legal hold request LH-2025-014",
    actions: ["Export"],
    itemCount: 5,
    items: [
      "FW: Board pack March 2025",
      "RE: Contoso contract renewal",
      "Salary review 2025",
      "Offsite planning",
      "Customer list",
    ],
    targets: ["C:\\export"],
    from: "2025-03-11T09:42:05Z",
    to: "2025-03-11T09:44:10Z",
    principals: [{ type: "User", name: BEN.name, displayName: BEN.displayName }],
    matchedBy: "ids",
    ...over,
  };
}
