import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NewRequest } from "../../src/core/requests/ports.ts";
import { StoreError } from "../../src/errors.ts";
import { tempStore } from "../support/store.ts";

const t0 = new Date("2026-03-02T09:00:00.000Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
/** An attempt that failed without reaching VB365 (an outage), retried at `next`. */
const failure = (error: string, next: Date) => ({
  error,
  nextAttemptAt: next,
  definite: false,
  writeSettled: false,
});
/** A time-bound add applied, ending at `end`. */
const expiring = (end: Date) => ({ auditExpiresAt: end, auditItemCreated: true, auditItemId: null });
const org = { id: "6f144e6f-7f59-475f-8e1d-1bfa0b6bb020", name: "vBridge" };

const aNewRequest = (over: Partial<NewRequest> = {}): NewRequest => ({
  kind: "add",
  organization: org,
  principal: { type: "User", id: "ben-id", name: "ben.young@vbridge.co.nz", displayName: "Ben Young" },
  requester: "UREQ",
  reason: "legal hold",
  auditForMs: null,
  at: t0,
  ...over,
});

describe("requests", () => {
  test("a created request reads back as it was given, pending", (t) => {
    const { requests } = tempStore(t);
    const created = requests.create(aNewRequest({ auditForMs: 86_400_000 }));
    assert.deepEqual(requests.get(created.id), created);
    assert.equal(created.state, "pending");
    assert.equal(created.kind, "add");
    // Given without its server, an organization is on the simple case's one server.
    assert.deepEqual(created.organization, { ...org, server: "default" });
    assert.equal(created.principal.name, "ben.young@vbridge.co.nz");
    assert.equal(created.auditForMs, 86_400_000);
    assert.equal(created.createdAt.toISOString(), t0.toISOString());
    assert.equal(created.applyAttempts, 0);
    assert.equal(requests.get(9999), undefined);
  });

  test("the open request for a principal is found by UPN in any case or by msid, per kind", (t) => {
    const { requests } = tempStore(t);
    const created = requests.create(
      aNewRequest({
        principal: { type: "User", id: "a", name: "Ben.Young@vbridge.co.nz", displayName: "B", msid: "M1" },
      }),
    );
    const byName = {
      type: "User" as const,
      id: "other-id-form",
      name: "BEN.YOUNG@VBRIDGE.CO.NZ",
      displayName: "",
    };
    assert.equal(requests.findOpen(org.id, byName, "add")?.id, created.id);
    const byMsid = {
      type: "User" as const,
      id: "x",
      name: "renamed@vbridge.co.nz",
      displayName: "",
      msid: "m1",
    };
    assert.equal(requests.findOpen(org.id, byMsid, "add")?.id, created.id);
    assert.equal(requests.findOpen(org.id, byName, "remove"), undefined);
    assert.equal(requests.findOpen("another-org", byName, "add"), undefined);
  });

  test("a group without mail is found by its id in another form, and two such groups stay apart", (t) => {
    const { requests } = tempStore(t);
    const id = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d00000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAA";
    // The resolver names a mail-less group by its display name; the name is not an identity.
    const legal = { type: "Group" as const, id, name: "Legal", displayName: "Legal" };
    const created = requests.create(aNewRequest({ principal: legal }));
    assert.equal(
      requests.findOpen(org.id, { ...legal, id: id.toUpperCase(), name: "" }, "add")?.id,
      created.id,
    );
    const otherLegal = {
      ...legal,
      id: "0b0b0b0b-1c1c-4d4d-8e8e-9f9f9f9f9f9f00000000-0000-0000-0000-000000000000",
    };
    assert.equal(requests.findOpen(org.id, otherLegal, "add"), undefined);
    assert.notEqual(requests.create(aNewRequest({ principal: otherLegal })).id, created.id);
  });

  test("the database refuses a second open request for the same principal and kind, not a closed one", (t) => {
    const { requests } = tempStore(t);
    const first = requests.create(aNewRequest());
    assert.throws(
      () =>
        requests.create(aNewRequest({ principal: { ...first.principal, name: "BEN.YOUNG@vbridge.co.nz" } })),
      (err: unknown) => err instanceof StoreError && err.kind === "conflict",
    );
    assert.ok(requests.close(first.id, { to: "denied", by: "UBOSS", reason: "no" }, at(1)));
    const second = requests.create(aNewRequest());
    assert.notEqual(second.id, first.id);
    requests.create(aNewRequest({ kind: "remove" }));
  });

  test("closing is a compare-and-swap on pending: only the first close wins", (t) => {
    const { requests } = tempStore(t);
    const r = requests.create(aNewRequest());
    assert.equal(requests.close(r.id, { to: "approved", by: "UA" }, at(5)), true);
    assert.equal(requests.close(r.id, { to: "denied", by: "UB", reason: "late" }, at(6)), false);
    assert.equal(requests.close(r.id, { to: "cancelled", by: "UREQ" }, at(6)), false);
    assert.equal(requests.touchPending(r.id, at(7)), false);
    const got = requests.get(r.id);
    assert.equal(got?.state, "approved");
    assert.equal(got?.decidedBy, "UA");
    assert.equal(got?.decidedAt?.toISOString(), at(5).toISOString());
    assert.equal(got?.denyReason, null);
    // Approved requests are due for applying at once.
    assert.equal(got?.nextAttemptAt?.toISOString(), at(5).toISOString());
  });

  test("a denial keeps its reason", (t) => {
    const { requests } = tempStore(t);
    const r = requests.create(aNewRequest());
    assert.ok(requests.close(r.id, { to: "denied", by: "UB", reason: "no ticket" }, at(1)));
    assert.equal(requests.get(r.id)?.denyReason, "no ticket");
  });

  test("one lease at a time: a second claim fails until the first lease runs out", (t) => {
    const { requests } = tempStore(t);
    const r = requests.create(aNewRequest());
    assert.equal(requests.claimApply(r.id, "A", at(0), at(5)), false, "pending is not applicable");
    requests.close(r.id, { to: "approved", by: "UA" }, at(0));
    assert.equal(requests.claimApply(r.id, "A", at(1), at(6)), true);
    assert.equal(requests.claimApply(r.id, "B", at(2), at(7)), false);
    assert.deepEqual(requests.listDueForApply(at(3)), [], "a leased request is not due");
    assert.equal(requests.claimApply(r.id, "B", at(6), at(11)), true, "an expired lease can be taken over");
    assert.equal(
      requests.markApplied(r.id, "A", at(7), {
        auditExpiresAt: null,
        auditItemCreated: null,
        auditItemId: null,
      }),
      false,
      "the old holder cannot record",
    );
    assert.equal(requests.markApplyFailed(r.id, "B", at(7), failure("VB365 down", at(9))), true);
    const failed = requests.get(r.id);
    assert.equal(failed?.state, "apply_failed");
    assert.equal(failed?.applyAttempts, 2);
    assert.equal(failed?.lastError, "VB365 down");
    assert.deepEqual(requests.listDueForApply(at(8)), []);
    assert.deepEqual(
      requests.listDueForApply(at(9)).map((x) => x.id),
      [r.id],
    );
    assert.equal(requests.claimApply(r.id, "C", at(9), at(14)), true);
    assert.equal(
      requests.markApplied(r.id, "C", at(10), { ...expiring(at(60)), auditItemCreated: true }),
      true,
    );
    const applied = requests.get(r.id);
    assert.equal(applied?.state, "applied");
    assert.equal(applied?.lastError, null);
    assert.equal(applied?.nextAttemptAt, null);
    assert.equal(applied?.auditExpiresAt?.toISOString(), at(60).toISOString());
    assert.equal(requests.claimApply(r.id, "D", at(20), at(25)), false, "applied is final");
  });

  test("time-bound audits are due once their expiry passes, and end once", (t) => {
    const { requests } = tempStore(t);
    const r = requests.create(aNewRequest({ auditForMs: 60 * 60_000 }));
    requests.close(r.id, { to: "approved", by: "UA" }, at(0));
    requests.claimApply(r.id, "A", at(0), at(5));
    requests.markApplied(r.id, "A", at(1), expiring(at(61)));
    assert.deepEqual(requests.listAuditExpiriesDue(at(60)), []);
    assert.deepEqual(
      requests.listAuditExpiriesDue(at(61)).map((x) => x.id),
      [r.id],
    );
    assert.equal(requests.claimAuditExpiry(r.id, "E", at(61), at(66)), true);
    assert.equal(requests.claimAuditExpiry(r.id, "F", at(62), at(67)), false);
    assert.equal(requests.markAuditExpiryFailed(r.id, "E", at(62), failure("down", at(70))), true);
    assert.equal(requests.get(r.id)?.expiryAttempts, 1);
    assert.deepEqual(requests.listAuditExpiriesDue(at(69)), []);
    assert.equal(requests.claimAuditExpiry(r.id, "G", at(70), at(75)), true);
    assert.equal(requests.markAuditExpired(r.id, "G", at(71)), true);
    assert.equal(requests.get(r.id)?.auditExpiredAt?.toISOString(), at(71).toISOString());
    assert.deepEqual(requests.listAuditExpiriesDue(at(1000)), []);
    assert.equal(requests.claimAuditExpiry(r.id, "H", at(1000), at(1005)), false);
  });

  test("listings: open, pending, by requester, stale, updated since, later applied", (t) => {
    const { requests } = tempStore(t);
    const user = (n: number) => ({
      type: "User" as const,
      id: `u${n}`,
      name: `u${n}@x`,
      displayName: `U ${n}`,
    });
    const a = requests.create(aNewRequest({ principal: user(1), at: at(0) }));
    const b = requests.create(aNewRequest({ principal: user(2), at: at(10), requester: "UOTHER" }));
    const c = requests.create(aNewRequest({ principal: user(3), at: at(20) }));
    requests.close(b.id, { to: "approved", by: "UA" }, at(30));
    requests.close(c.id, { to: "cancelled", by: "UREQ" }, at(31));
    assert.deepEqual(
      requests.listOpen().map((r) => r.id),
      [a.id, b.id],
    );
    assert.deepEqual(
      requests.listPending().map((r) => r.id),
      [a.id],
    );
    assert.deepEqual(
      requests.listByRequester("UREQ").map((r) => r.id),
      [c.id, a.id],
    );
    assert.deepEqual(
      requests.listStalePending(at(0)).map((r) => r.id),
      [a.id],
    );
    assert.deepEqual(requests.listStalePending(at(-1)), []);
    assert.deepEqual(
      requests.listUpdatedSince(at(30)).map((r) => r.id),
      [b.id, c.id],
    );

    const removal = requests.create(aNewRequest({ kind: "remove", principal: user(2), at: at(40) }));
    assert.equal(requests.findLaterApplied(b), undefined);
    requests.close(removal.id, { to: "approved", by: "UA" }, at(41));
    requests.claimApply(removal.id, "A", at(41), at(46));
    requests.markApplied(removal.id, "A", at(42), {
      auditExpiresAt: null,
      auditItemCreated: null,
      auditItemId: null,
    });
    assert.equal(requests.findLaterApplied(b)?.id, removal.id);
  });
});

describe("votes and messages", () => {
  test("one vote per approver per request", (t) => {
    const { requests, votes } = tempStore(t);
    const r = requests.create(aNewRequest());
    assert.equal(votes.add(r.id, "UA", at(1)), true);
    assert.equal(votes.add(r.id, "UA", at(2)), false);
    assert.equal(votes.add(r.id, "UB", at(3)), true);
    assert.deepEqual(votes.list(r.id), [
      { requestId: r.id, approver: "UA", at: at(1) },
      { requestId: r.id, approver: "UB", at: at(3) },
    ]);
    assert.throws(
      () => votes.add(424242, "UA", at(1)),
      (err: unknown) => err instanceof StoreError && err.code === "SQLITE_CONSTRAINT_FOREIGNKEY",
    );
  });

  test("every message showing a request is kept once, and found by channel and ts", (t) => {
    const { requests, messages } = tempStore(t);
    const r = requests.create(aNewRequest());
    messages.add(r.id, "C1", "1700000000.000100", "approval", at(0));
    messages.add(r.id, "C1", "1700000000.000100", "approval", at(1));
    messages.add(r.id, "D9", "1700000001.000200", "dm", at(2));
    assert.deepEqual(
      messages.list(r.id).map((m) => [m.channel, m.ts, m.purpose]),
      [
        ["C1", "1700000000.000100", "approval"],
        ["D9", "1700000001.000200", "dm"],
      ],
    );
    assert.equal(messages.find("D9", "1700000001.000200")?.requestId, r.id);
    assert.equal(messages.find("C1", "nope"), undefined);
  });
});
