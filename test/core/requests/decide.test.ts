import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Decision,
  decide,
  isPastTtl,
  pendingDeadline,
  policyFromConfig,
} from "../../../src/core/requests/decide.ts";
import type { Action, Policy, RequestState } from "../../../src/core/requests/types.ts";
import type { Actor } from "../../../src/core/vocabulary.ts";
import { HOUR } from "../../support/clock.ts";

const created = new Date("2026-03-02T09:00:00.000Z");
const REQUESTER = "UREQUESTER";
const OTHER_APPROVER = "UAPPROVER";
const EARLIER_APPROVER = "UEARLIER";
const STRANGER = "USTRANGER";

const aPolicy = (over: Partial<Policy> = {}): Policy => ({
  requiredApprovals: 1,
  allowSelfApproval: false,
  requestTtlMs: 72 * HOUR,
  ...over,
});
const aRequest = (state: RequestState = "pending") => ({ state, requester: REQUESTER, createdAt: created });
const before = (policy: Policy) => new Date(created.getTime() + policy.requestTtlMs - 1);
const after = (policy: Policy) => new Date(created.getTime() + policy.requestTtlMs);

describe("decide: stories", () => {
  test("an approver approves a pending request with a quorum of one", () => {
    const policy = aPolicy();
    const d = decide(
      aRequest(),
      [],
      { userId: OTHER_APPROVER, isApprover: true },
      { kind: "approve" },
      policy,
      before(policy),
    );
    assert.deepEqual(d, { kind: "approved", approvers: [OTHER_APPROVER], discounted: [] });
  });

  test("with a quorum of two the first approval is recorded and one more is needed; the second approves", () => {
    const policy = aPolicy({ requiredApprovals: 2 });
    const first = decide(
      aRequest(),
      [],
      { userId: EARLIER_APPROVER, isApprover: true },
      { kind: "approve" },
      policy,
      before(policy),
    );
    assert.deepEqual(first, {
      kind: "vote_recorded",
      remaining: 1,
      approvers: [EARLIER_APPROVER],
      discounted: [],
    });
    const second = decide(
      aRequest(),
      [{ approver: EARLIER_APPROVER }],
      { userId: OTHER_APPROVER, isApprover: true },
      { kind: "approve" },
      policy,
      before(policy),
    );
    assert.deepEqual(second, {
      kind: "approved",
      approvers: [EARLIER_APPROVER, OTHER_APPROVER],
      discounted: [],
    });
  });

  test("the same approver clicking twice does not make a quorum of two", () => {
    const policy = aPolicy({ requiredApprovals: 2 });
    const d = decide(
      aRequest(),
      [{ approver: OTHER_APPROVER }],
      { userId: OTHER_APPROVER, isApprover: true },
      { kind: "approve" },
      policy,
      before(policy),
    );
    assert.deepEqual(d, { kind: "refused", reason: "already_voted" });
  });

  test("a requester who is an approver cannot approve their own request unless self-approval is on", () => {
    const self: Actor = { userId: REQUESTER, isApprover: true };
    const off = aPolicy();
    assert.deepEqual(decide(aRequest(), [], self, { kind: "approve" }, off, before(off)), {
      kind: "refused",
      reason: "own_request",
    });
    const on = aPolicy({ allowSelfApproval: true });
    assert.deepEqual(decide(aRequest(), [], self, { kind: "approve" }, on, before(on)), {
      kind: "approved",
      approvers: [REQUESTER],
      discounted: [],
    });
  });

  test("at the quorum, an earlier approval that no longer counts is discounted, and one more is needed", () => {
    const policy = aPolicy({ requiredApprovals: 2 });
    const approver: Actor = { userId: OTHER_APPROVER, isApprover: true };
    const left = new Map([[EARLIER_APPROVER, "not_approver" as const]]);
    assert.deepEqual(
      decide(
        aRequest(),
        [{ approver: EARLIER_APPROVER }],
        approver,
        { kind: "approve" },
        policy,
        before(policy),
        {
          discounted: left,
        },
      ),
      {
        kind: "vote_recorded",
        remaining: 1,
        approvers: [OTHER_APPROVER],
        discounted: [{ approver: EARLIER_APPROVER, reason: "not_approver" }],
      },
    );
  });

  test("an approver cannot approve a request about their own account, even one someone else filed", () => {
    const policy = aPolicy();
    const subject: Actor = { userId: OTHER_APPROVER, isApprover: true };
    assert.deepEqual(
      decide(aRequest(), [], subject, { kind: "approve" }, policy, before(policy), { actorIsSubject: true }),
      { kind: "refused", reason: "own_account" },
    );
    assert.deepEqual(
      decide(aRequest(), [], subject, { kind: "deny", reason: "no" }, policy, before(policy), {
        actorIsSubject: true,
      }),
      { kind: "denied", reason: "no" },
      "stopping it is still theirs to do",
    );
  });

  test("a denial needs a reason that is not blank, and keeps it trimmed", () => {
    const policy = aPolicy();
    const approver: Actor = { userId: OTHER_APPROVER, isApprover: true };
    assert.deepEqual(
      decide(aRequest(), [], approver, { kind: "deny", reason: "  \n " }, policy, before(policy)),
      {
        kind: "refused",
        reason: "reason_required",
      },
    );
    assert.deepEqual(
      decide(aRequest(), [], approver, { kind: "deny", reason: "  not needed " }, policy, before(policy)),
      { kind: "denied", reason: "not needed" },
    );
  });

  test("the time-to-live ends exactly at created + ttl", () => {
    const policy = aPolicy({ requestTtlMs: 2 * HOUR });
    assert.equal(pendingDeadline(aRequest(), policy).toISOString(), "2026-03-02T11:00:00.000Z");
    assert.equal(isPastTtl(aRequest(), policy, new Date("2026-03-02T10:59:59.999Z")), false);
    assert.equal(isPastTtl(aRequest(), policy, new Date("2026-03-02T11:00:00.000Z")), true);
    const approver: Actor = { userId: OTHER_APPROVER, isApprover: true };
    assert.deepEqual(decide(aRequest(), [], approver, { kind: "approve" }, policy, after(policy)), {
      kind: "refused",
      reason: "expired",
    });
  });

  test("policy from configuration turns hours into milliseconds", () => {
    assert.deepEqual(
      policyFromConfig({ requiredApprovals: 2, allowSelfApproval: true, requestTtlHours: 1.5 }),
      {
        requiredApprovals: 2,
        allowSelfApproval: true,
        requestTtlMs: 5_400_000,
      },
    );
  });
});

/*
 * The whole table: every state × action × kind of actor × self-approval on/off × quorum 1/2 ×
 * within/after the time-to-live × no earlier vote/one earlier vote. The expected outcome comes from
 * the rules as the product states them (CONTRACT.md and issue 3), written as a list in the order
 * they apply, independently of how decide() is written.
 */
const STATES: RequestState[] = [
  "pending",
  "approved",
  "applied",
  "denied",
  "expired",
  "cancelled",
  "apply_failed",
  "failed",
];
const ACTIONS: Array<{ label: string; action: Action }> = [
  { label: "approve", action: { kind: "approve" } },
  { label: "deny with a reason", action: { kind: "deny", reason: "no ticket" } },
  { label: "deny without a reason", action: { kind: "deny", reason: "" } },
  { label: "cancel", action: { kind: "cancel" } },
];
type ActorKind =
  | "requester (approver)"
  | "requester (not approver)"
  | "approver"
  | "approver who voted"
  | "stranger";
const ACTORS: Record<ActorKind, Actor> = {
  "requester (approver)": { userId: REQUESTER, isApprover: true },
  "requester (not approver)": { userId: REQUESTER, isApprover: false },
  approver: { userId: OTHER_APPROVER, isApprover: true },
  "approver who voted": { userId: EARLIER_APPROVER, isApprover: true },
  stranger: { userId: STRANGER, isApprover: false },
};

interface Case {
  state: RequestState;
  action: Action;
  actor: ActorKind;
  selfApproval: boolean;
  quorum: 1 | 2;
  pastTtl: boolean;
  earlierVote: boolean;
}

function expected(c: Case): Decision {
  const actor = ACTORS[c.actor];
  const isRequester = actor.userId === REQUESTER;
  const votes = c.earlierVote || c.actor === "approver who voted" ? [EARLIER_APPROVER] : [];
  const rules: Array<[boolean, () => Decision]> = [
    // Who may act at all.
    [c.action.kind === "cancel" && !isRequester && !actor.isApprover, () => refused("not_requester")],
    [c.action.kind !== "cancel" && !actor.isApprover, () => refused("not_approver")],
    // Only pending requests can change (and approved ones not yet applied be cancelled); an
    // expired one says so.
    [c.state === "expired", () => refused("expired")],
    [
      c.action.kind === "cancel" && (c.state === "approved" || c.state === "apply_failed"),
      () => ({ kind: "cancelled" }),
    ],
    [c.state !== "pending", () => refused("already_decided")],
    [c.pastTtl, () => refused("expired")],
    // The action itself.
    [c.action.kind === "cancel", () => ({ kind: "cancelled" })],
    [c.action.kind === "deny" && c.action.reason === "", () => refused("reason_required")],
    [c.action.kind === "deny", () => ({ kind: "denied", reason: "no ticket" })],
    [isRequester && !c.selfApproval, () => refused("own_request")],
    [votes.includes(actor.userId), () => refused("already_voted")],
    [
      votes.length + 1 >= c.quorum,
      () => ({ kind: "approved", approvers: [...votes, actor.userId], discounted: [] }),
    ],
    [
      true,
      () => ({
        kind: "vote_recorded",
        remaining: c.quorum - votes.length - 1,
        approvers: [...votes, actor.userId],
        discounted: [],
      }),
    ],
  ];
  const rule = rules.find(([applies]) => applies);
  assert.ok(rule);
  return rule[1]();
}

function refused(reason: Extract<Decision, { kind: "refused" }>["reason"]): Decision {
  return { kind: "refused", reason };
}

describe("decide: the whole table", () => {
  let count = 0;
  const outcomes = new Set<string>();
  for (const state of STATES) {
    // One test per state, so a failure names the state and the assertion names the rest.
    test(`a request in state ${state}: every action, actor, self-approval, quorum, ttl and earlier vote`, () => {
      for (const { label, action } of ACTIONS)
        for (const actor of Object.keys(ACTORS) as ActorKind[])
          for (const selfApproval of [false, true])
            for (const quorum of [1, 2] as const)
              for (const pastTtl of [false, true])
                for (const earlierVote of [false, true]) {
                  const c: Case = { state, action, actor, selfApproval, quorum, pastTtl, earlierVote };
                  const policy = aPolicy({ requiredApprovals: quorum, allowSelfApproval: selfApproval });
                  const votes =
                    earlierVote || actor === "approver who voted" ? [{ approver: EARLIER_APPROVER }] : [];
                  const now = pastTtl ? after(policy) : before(policy);
                  const got = decide(aRequest(state), votes, ACTORS[actor], action, policy, now);
                  const name = `${state} · ${label} · ${actor} · self-approval ${selfApproval ? "on" : "off"} · quorum ${quorum} · ${pastTtl ? "past" : "within"} ttl · ${earlierVote ? "one earlier vote" : "no earlier vote"}`;
                  assert.deepEqual(got, expected(c), name);
                  outcomes.add(got.kind === "refused" ? `refused:${got.reason}` : got.kind);
                  count++;
                }
    });
  }

  test("the table covers every combination and reaches every outcome of the union", () => {
    assert.equal(count, 8 * 4 * 5 * 2 * 2 * 2 * 2);
    assert.deepEqual(
      [...outcomes].sort(),
      [
        "approved",
        "cancelled",
        "denied",
        "refused:already_decided",
        "refused:already_voted",
        "refused:expired",
        "refused:not_approver",
        "refused:not_requester",
        "refused:own_request",
        "refused:reason_required",
        "vote_recorded",
      ].sort(),
    );
  });
});
