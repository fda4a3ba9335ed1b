/** The pure digest: drift from a snapshot and the bot's own changes, and each organization's picture. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AccessSummary } from "../../../src/core/access/match.ts";
import {
  type AuditEntry,
  accessFromLog,
  auditEntries,
  auditKey,
  type BotChange,
  botChangesFrom,
  buildDigest,
  computeDrift,
  type OrganizationInput,
} from "../../../src/core/digest/build.ts";
import { formatAge, ZonedTime } from "../../../src/core/digest/time.ts";
import type { Request } from "../../../src/core/requests/types.ts";
import type { LogEvent } from "../../../src/core/vocabulary.ts";
import type { AuditItem } from "../../../src/vbo/schemas.ts";
import { anAccessSummary, aRequest as aRequestWith } from "../../support/builders.ts";

const org = { id: "org-1", name: "vBridge" };
const t0 = new Date("2026-11-25T09:00:00.000Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const user = (local: string, display: string) => ({
  type: "User" as const,
  id: `id-${local}`,
  name: `${local}@vbridge.co.nz`,
  displayName: display,
});
const ben = user("ben.young", "Ben Young");
const sarah = user("sarah.young", "Sarah Young");
const aroha = user("aroha.ngata", "Aroha Ngata");
const entry = (p: typeof ben): AuditEntry => ({ key: auditKey(p), ...p, auditItemId: `item-${p.id}` });
const change = (c: "added" | "removed", p: typeof ben, minutes: number): BotChange => ({
  at: at(minutes),
  change: c,
  principal: p,
  requestId: 1,
  cause: "request",
  requester: "U1",
  approvers: ["U2"],
});

function logEvent(partial: Partial<LogEvent> & Pick<LogEvent, "kind">): LogEvent {
  return {
    id: 1,
    at: t0,
    actor: "system",
    requestId: 7,
    organization: org,
    principal: ben,
    detail: {},
    prevHash: "",
    hash: "",
    ...partial,
  };
}

function aRequest(over: Partial<Request>): Request {
  return aRequestWith({
    organization: org,
    principal: ben,
    requester: "U1",
    createdAt: t0,
    updatedAt: t0,
    ...over,
  });
}

describe("audit keys and entries", () => {
  test("a principal is the same across id forms and case, by UPN; a nameless group by its id", () => {
    assert.equal(
      auditKey({ type: "User", name: "Ben.Young@VBRIDGE.co.nz", id: "A" }),
      auditKey({ type: "User", name: "ben.young@vbridge.co.nz", id: "b" }),
    );
    assert.equal(
      auditKey({ type: "Group", name: null, id: "ABC-def" }),
      auditKey({ type: "Group", id: "abc-DEF" }),
    );
    assert.notEqual(
      auditKey({ type: "User", name: "x@y", id: "1" }),
      auditKey({ type: "Group", name: "x@y", id: "1" }),
    );
  });

  test("VB365 audit items become entries; an item without its user or group is skipped", () => {
    const items: AuditItem[] = [
      {
        id: "i1",
        type: "User",
        user: { id: "U-1", name: "ben.young@vbridge.co.nz", displayName: "Ben Young", msid: "m1" },
      },
      { id: "i2", type: "Group", group: { id: "G-1", name: null, displayName: "Executive Team" } },
      { id: "i3", type: "User" },
    ];
    assert.deepEqual(auditEntries(items), [
      {
        key: "User:ben.young@vbridge.co.nz",
        type: "User",
        id: "U-1",
        name: "ben.young@vbridge.co.nz",
        displayName: "Ben Young",
        msid: "m1",
        auditItemId: "i1",
      },
      {
        key: "Group:id:g-1",
        type: "Group",
        id: "G-1",
        name: "",
        displayName: "Executive Team",
        auditItemId: "i2",
      },
    ]);
  });
});

describe("drift", () => {
  test("no snapshot yet: nothing to compare with, no drift", () => {
    assert.deepEqual(computeDrift(null, [], [entry(ben)]), []);
  });

  test("what the bot changed is not drift; what else changed is, in both directions", () => {
    const snapshot = [entry(ben), entry(sarah)];
    const current = [entry(ben), entry(aroha)];
    // The bot removed nobody: Sarah's removal and Aroha's add happened outside it.
    assert.deepEqual(
      computeDrift(snapshot, [], current).map((d) => [d.change, d.entry.displayName]),
      [
        ["added", "Aroha Ngata"],
        ["removed", "Sarah Young"],
      ],
    );
    // The bot removed Sarah and added Aroha: no drift at all.
    assert.deepEqual(
      computeDrift(snapshot, [change("removed", sarah, 1), change("added", aroha, 2)], current),
      [],
    );
  });

  test("changes are replayed in time order: a bot removal then a console re-add is drift", () => {
    const snapshot = [entry(ben)];
    const botRemovedBen = [change("removed", ben, 5)];
    assert.deepEqual(
      computeDrift(snapshot, botRemovedBen, [entry(ben)]).map((d) => [d.change, d.entry.name]),
      [["added", ben.name]],
    );
    // Added by the bot, then removed in the console.
    assert.deepEqual(
      computeDrift([], [change("added", aroha, 1)], []).map((d) => [d.change, d.entry.name]),
      [["removed", aroha.name]],
    );
    // Removed then re-added by the bot, given out of order: replayed by time.
    assert.deepEqual(
      computeDrift([entry(ben)], [change("added", ben, 9), change("removed", ben, 3)], [entry(ben)]),
      [],
    );
  });
});

describe("the bot's changes from the log", () => {
  test("applied adds and removes, and ended time-bound audits unless superseded", () => {
    const events = [
      logEvent({ kind: "apply_succeeded", detail: { requestKind: "add" }, at: at(1) }),
      logEvent({ kind: "apply_failed", detail: { requestKind: "add" }, at: at(2) }),
      logEvent({ kind: "apply_succeeded", detail: { requestKind: "remove" }, principal: sarah, at: at(3) }),
      logEvent({ kind: "audit_expired", detail: { alreadyGone: false }, principal: aroha, at: at(4) }),
      logEvent({ kind: "audit_expired", detail: { supersededBy: 9 }, at: at(5) }),
      logEvent({
        kind: "apply_succeeded",
        detail: { requestKind: "add" },
        organization: { id: "other", name: "x" },
      }),
    ];
    const people = (id: number) => (id === 7 ? { requester: "U1", approvers: ["U2", "U3"] } : undefined);
    assert.deepEqual(
      botChangesFrom(events, org.id, people).map((c) => [
        c.change,
        c.principal.displayName,
        c.cause,
        c.approvers,
      ]),
      [
        ["added", "Ben Young", "request", ["U2", "U3"]],
        ["removed", "Sarah Young", "request", ["U2", "U3"]],
        ["removed", "Aroha Ngata", "audit_ended", ["U2", "U3"]],
      ],
    );
  });
});

const summary = (sessionId: string, itemCount: number, from: string): AccessSummary =>
  anAccessSummary({ sessionId, itemCount, from, to: from, organization: org });

describe("access from the log", () => {
  test("the latest alert per session, by organization, in time order; malformed details ignored", () => {
    const events = [
      logEvent({ kind: "access_seen", detail: { summary: summary("s2", 1, "2025-03-11T10:00:00Z") } }),
      logEvent({ kind: "access_seen", detail: { summary: summary("s1", 5, "2025-03-11T09:42:00Z") } }),
      logEvent({
        kind: "access_seen",
        detail: { summary: summary("s1", 6, "2025-03-11T09:42:00Z"), update: true },
      }),
      logEvent({ kind: "access_seen", detail: { summary: { nonsense: true } } }),
      logEvent({ kind: "drift_seen", detail: { summary: summary("s3", 1, "2025-03-11T11:00:00Z") } }),
    ];
    const byOrg = accessFromLog(events);
    assert.deepEqual(
      byOrg.get(org.id)?.map((s) => [s.sessionId, s.itemCount]),
      [
        ["s1", 6],
        ["s2", 1],
      ],
    );
  });
});

describe("buildDigest", () => {
  const base = (over: Partial<OrganizationInput> = {}): OrganizationInput => ({
    organization: org,
    current: { ok: true, entries: [entry(sarah), entry(ben)] },
    snapshot: [entry(ben)],
    changesSinceSnapshot: [],
    changes: [],
    openRequests: [],
    expired: [],
    access: [],
    ...over,
  });

  test("one organization: audited users and groups sorted, drift, waiting requests with their age", () => {
    const group = {
      type: "Group" as const,
      id: "g",
      name: "exec@vbridge.co.nz",
      displayName: "Executive Team",
    };
    const digest = buildDigest({
      generatedAt: at(60 * 5),
      since: at(-24 * 60),
      trigger: { kind: "scheduled", period: "2026-11-25T14:00" },
      notifications: { kind: "off" },
      organizations: [
        base({
          current: {
            ok: true,
            entries: [entry(sarah), { ...entry(ben) }, { key: auditKey(group), ...group }],
          },
          openRequests: [
            aRequest({ id: 3, state: "pending", createdAt: at(60) }),
            aRequest({
              id: 2,
              state: "apply_failed",
              lastError: "VB365 addAuditItems: VB365 is unreachable",
            }),
            aRequest({ id: 4, state: "approved" }),
          ],
          expired: [aRequest({ id: 9, state: "expired" })],
        }),
      ],
    });
    const o = digest.organizations[0];
    assert.ok(o);
    assert.deepEqual(
      o.users.map((u) => u.displayName),
      ["Ben Young", "Sarah Young"],
    );
    assert.deepEqual(
      o.groups.map((g) => g.displayName),
      ["Executive Team"],
    );
    assert.deepEqual(
      o.drift.map((d) => [d.change, d.entry.displayName]),
      [
        ["added", "Executive Team"],
        ["added", "Sarah Young"],
      ],
    );
    assert.deepEqual(
      o.awaitingApply.map((r) => r.id),
      [2, 4],
    );
    assert.deepEqual(
      o.pending.map((p) => [p.request.id, formatAge(p.ageMs)]),
      [[3, "4 h"]],
    );
    assert.deepEqual(
      o.expired.map((r) => r.id),
      [9],
    );
    assert.equal(digest.notifications.kind, "off");
    assert.deepEqual(digest.totals, {
      organizations: 1,
      unavailable: 0,
      audited: 3,
      changes: 0,
      drift: 2,
      awaitingApply: 2,
      pending: 1,
      expired: 1,
      access: 0,
    });
  });

  test("an organization VB365 cannot read is unavailable, with no drift, while the others are whole", () => {
    const digest = buildDigest({
      generatedAt: t0,
      since: null,
      trigger: { kind: "manual", requestedBy: "U1" },
      notifications: { kind: "on" },
      organizations: [
        base({
          organization: { id: "b", name: "Contoso" },
          current: { ok: false, error: "VB365 listAuditItems failed (HTTP 500)" },
        }),
        base({ snapshot: null }),
      ],
    });
    assert.deepEqual(
      digest.organizations.map((o) => [o.organization.name, o.available, o.baseline, o.drift.length]),
      [
        ["Contoso", false, false, 0],
        ["vBridge", true, true, 0],
      ],
    );
    assert.equal(digest.organizations[0]?.error, "VB365 listAuditItems failed (HTTP 500)");
    assert.equal(digest.totals.unavailable, 1);
  });
});

describe("time in a zone", () => {
  test("keys and ranges read as the zone's clocks show them", () => {
    const auckland = new ZonedTime("Pacific/Auckland");
    const d = new Date("2026-11-24T20:00:00.000Z"); // 09:00 NZDT on the 25th
    assert.equal(auckland.minuteKey(d), "2026-11-25T09:00");
    assert.equal(auckland.dateKey(d), "2026-11-25");
    const utc = new ZonedTime("UTC");
    assert.equal(
      utc.range(new Date("2025-03-11T09:42:05Z"), new Date("2025-03-11T09:44:10Z")),
      "11 Mar 2025 09:42–09:44 UTC",
    );
    assert.equal(
      utc.range(new Date("2025-03-11T23:50:00Z"), new Date("2025-03-12T00:10:00Z")),
      "11 Mar 2025 23:50–12 Mar 2025 00:10 UTC",
    );
    assert.equal(formatAge(25 * 60_000), "25 min");
    assert.equal(formatAge(52 * 3_600_000), "2 d 4 h");
  });
});
