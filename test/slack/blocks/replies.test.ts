/**
 * The renderers at their limits, checked by the fake Slack's validator (written from Slack's
 * reference, independently of our builders): long lists, long names and reasons, many candidates,
 * hostile text. Every message keeps a text fallback.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Candidate } from "../../../src/core/directory/resolver.ts";
import type { HomeData, OpenRequest } from "../../../src/core/queries/queries.ts";
import type { ChangeOutcome } from "../../../src/core/requests/flows.ts";
import type { PendingChoice } from "../../../src/core/requests/ports.ts";
import type { Request } from "../../../src/core/requests/types.ts";
import { EVENT_KINDS, type LogEvent } from "../../../src/core/vocabulary.ts";
import { checkMessage, checkView } from "../../../src/devslack/validate/index.ts";
import { SEED } from "../../../src/sim/types.ts";
import { denyModal } from "../../../src/slack/blocks/deny.ts";
import { renderHome } from "../../../src/slack/blocks/home.ts";
import { ACTION, pickFrom } from "../../../src/slack/blocks/ids.ts";
import { changeReply } from "../../../src/slack/blocks/replies/change.ts";
import { simpleReply } from "../../../src/slack/blocks/replies/common.ts";
import { findReply } from "../../../src/slack/blocks/replies/find.ts";
import { listReply } from "../../../src/slack/blocks/replies/list.ts";
import { eventLine, logReply } from "../../../src/slack/blocks/replies/log.ts";
import { pendingReply } from "../../../src/slack/blocks/replies/pending.ts";
import { candidatesReply, MAX_CANDIDATE_BUTTONS } from "../../../src/slack/blocks/replies/pick.ts";
import { statusReply } from "../../../src/slack/blocks/replies/status.ts";
import { renderOutcomeMessage, renderRequestMessage } from "../../../src/slack/blocks/request.ts";
import type { PrincipalRef } from "../../../src/vbo/schemas.ts";
import { aRequest as aRequestWith } from "../../support/builders.ts";
import { buttonsIn, shownText } from "../../support/slack.ts";

const ORG = SEED.organization;
const LONG = "Ŝ".repeat(300);
const HOSTILE = "<!channel> *bold* <https://evil.example|click> & `tick`";

function principal(i: number, displayName = `User ${i}`): PrincipalRef {
  return {
    type: i % 7 === 0 ? "Group" : "User",
    id: `id-${i}`,
    name: `user.${i}@vbridge.co.nz`,
    displayName,
  };
}

function aRequest(over: Partial<Request> = {}): Request {
  return aRequestWith({
    id: 42,
    organization: ORG,
    principal: principal(1, LONG),
    requester: "U0RITA",
    reason: "r".repeat(500),
    ...over,
  });
}

/** The fallback and every mrkdwn text object: what Slack parses for mentions and links (plain_text it shows as is). */
function parsedText(message: { text: string; blocks?: unknown[] }): string {
  const parts = [message.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") {
      const r = v as Record<string, unknown>;
      if (r.type === "mrkdwn" && typeof r.text === "string") parts.push(r.text);
      for (const x of Object.values(r)) walk(x);
    }
  };
  walk(message.blocks);
  return parts.join("\n");
}

function assertFits(message: { text: string; blocks?: unknown[] }) {
  const verdict = checkMessage(message);
  assert.ok(verdict.ok, verdict.ok ? "" : verdict.messages.join("\n"));
  assert.ok(message.text.trim().length > 0, "a text fallback");
}

function candidates(n: number): Candidate[] {
  return Array.from({ length: n }, (_, i) => ({ principal: principal(i, `${LONG} ${i}`), match: "tokens" }));
}

function choice(n: number): PendingChoice {
  return {
    id: "Abcdefghijklmnop",
    requester: "U0RITA",
    kind: "add",
    organization: ORG,
    candidates: candidates(n),
    total: n + 10,
    reason: null,
    auditForMs: null,
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 900_000),
  };
}

describe("request messages", () => {
  test("a request with the longest name and reason fits, in every state", () => {
    const states: Array<Partial<Request>> = [
      {},
      { state: "approved", decidedAt: new Date(), decidedBy: "U0BOSS" },
      {
        state: "applied",
        decidedAt: new Date(),
        decidedBy: "U0BOSS",
        appliedAt: new Date(),
        auditForMs: 86_400_000,
        auditExpiresAt: new Date(),
      },
      { state: "apply_failed", lastError: LONG, nextAttemptAt: new Date(), applyAttempts: 3 },
      { state: "denied", decidedBy: "U0BOSS", decidedAt: new Date(), denyReason: "d".repeat(500) },
      { state: "expired", decidedAt: new Date(), decidedBy: "system" },
      { state: "cancelled", decidedAt: new Date(), decidedBy: "U0RITA" },
      { state: "failed", decidedAt: new Date(), decidedBy: "U0BOSS", lastError: LONG, applyAttempts: 5 },
    ];
    const votes = Array.from({ length: 20 }, (_, i) => ({
      requestId: 42,
      approver: `U0APPROVER${i}`,
      at: new Date(),
    }));
    for (const over of states) {
      const input = {
        request: aRequest(over),
        votes,
        policy: { requiredApprovals: 20, requestTtlMs: 3_600_000 },
      };
      assertFits(renderRequestMessage(input));
      assertFits(renderRequestMessage({ ...input, remind: votes.map((v) => v.approver) }));
      assertFits(renderOutcomeMessage(input, "applied"));
    }
  });

  test("an add --for of someone already audited says the time limit does not apply, and no end", () => {
    const request = aRequest({
      state: "applied",
      decidedAt: new Date(),
      decidedBy: "U0BOSS",
      appliedAt: new Date(),
      auditForMs: 30 * 86_400_000,
      auditItemCreated: false,
    });
    const card = renderRequestMessage({
      request,
      votes: [],
      policy: { requiredApprovals: 1, requestTtlMs: 1 },
    });
    assert.match(
      parsedText(card),
      /VB365 already audited them .*so nothing was added; the time limit does not apply/,
    );
    assert.doesNotMatch(parsedText(card), /the audit ends/);
    assert.match(card.text, /VB365 already audited them, so the time limit does not apply/);
  });

  test("hostile text is escaped everywhere it is shown", () => {
    const request = aRequest({ reason: HOSTILE, principal: principal(1, HOSTILE) });
    const shown = parsedText(
      renderRequestMessage({ request, votes: [], policy: { requiredApprovals: 1, requestTtlMs: 1 } }),
    );
    assert.ok(shown.includes("&lt;!channel&gt;"));
    assert.ok(!shown.includes("<!channel>"));
    assert.ok(!shown.includes("<https://evil.example"));
    const found = parsedText(
      findReply({
        kind: "found",
        organization: ORG,
        query: HOSTILE,
        matches: [{ principal: principal(2, HOSTILE), match: "tokens", audited: false }],
        total: 1,
        marked: true,
      }),
    );
    assert.ok(!found.includes("<!channel>"));
  });

  test("the deny modal fits a modal's limits", () => {
    const verdict = checkView(denyModal(aRequest({ id: 123456789 })), "modal");
    assert.ok(verdict.ok, verdict.ok ? "" : verdict.messages.join("\n"));
  });
});

describe("replies", () => {
  test("up to five candidates get a Pick button each; more go in one menu; every value names the choice", () => {
    const few = candidatesReply(choice(MAX_CANDIDATE_BUTTONS));
    assertFits(few);
    const buttons = buttonsIn(few.blocks);
    assert.equal(buttons.length, MAX_CANDIDATE_BUTTONS);
    assert.ok(buttons.every((b, i) => b.actionId === ACTION.pick && pickFrom(b.value)?.index === i));

    const many = candidatesReply(choice(150));
    assertFits(many);
    assert.equal(buttonsIn(many.blocks).length, 0);
    const select = (
      many.blocks as Array<{ type: string; elements?: Array<{ action_id: string; options: unknown[] }> }>
    ).find((b) => b.type === "actions")?.elements?.[0];
    assert.equal(select?.action_id, ACTION.pickSelect);
    assert.equal(select?.options.length, 100);
    assert.match(shownText(many), /10 more match/);
  });

  test("long lists stay inside a message, saying how many were left out", () => {
    const principals = Array.from({ length: 2_000 }, (_, i) => principal(i, `${LONG.slice(0, 60)} ${i}`));
    const list = listReply({
      kind: "audited",
      organization: ORG,
      users: principals,
      groups: principals.slice(0, 50),
    });
    assertFits(list);
    assert.match(shownText(list), /…and \d+ more not shown/);

    const open: OpenRequest[] = Array.from({ length: 300 }, (_, i) => ({
      request: aRequest({ id: i }),
      votes: [],
    }));
    const pending = pendingReply({ kind: "open", requests: open, onlyOwn: false }, () => ({
      requiredApprovals: 2,
      requestTtlMs: 3_600_000,
    }));
    assertFits(pending);
    assert.match(shownText(pending), /300 open requests/);

    const events: LogEvent[] = Array.from({ length: 25 }, (_, i) => ({
      id: i,
      at: new Date(),
      kind: "requested",
      actor: "U0RITA",
      requestId: i,
      organization: ORG,
      principal: principal(i, LONG),
      detail: { requestKind: "add", reason: "x".repeat(500) },
      prevHash: "",
      hash: "",
    }));
    assertFits(logReply({ kind: "log", events, more: true, onlyOwn: false }));
  });

  test("outcomes of a change each render a message", () => {
    const request = aRequest();
    const outcomes: ChangeOutcome[] = [
      { kind: "created", request, announced: true },
      { kind: "created", request, announced: false },
      { kind: "duplicate", request },
      { kind: "already_audited", organization: ORG, principal: principal(1) },
      { kind: "not_audited", organization: ORG, principal: principal(1) },
      { kind: "invalid", problem: HOSTILE },
      { kind: "no_match", organization: ORG, query: HOSTILE, suggestions: candidates(5) },
      { kind: "choice_gone", reason: "expired" },
      { kind: "choice_not_yours", requester: "U0RITA" },
      {
        kind: "vbo_unavailable",
        error: "VB365 listAuditItems: VB365 did not answer in time",
        suggestions: candidates(3),
      },
      { kind: "choose_organization", organizations: [{ id: ORG.id, name: ORG.name }] },
      { kind: "unknown_organization", wanted: HOSTILE, fromConfig: true, organizations: [] },
      { kind: "no_organizations" },
      { kind: "member_without_email", userId: "U0X" },
      { kind: "profile_unavailable", userId: "U0X" },
    ];
    for (const outcome of outcomes) assertFits(changeReply(outcome, () => "C0APPROVALS"));

    const capped = changeReply(
      {
        kind: "too_many_open",
        open: [aRequest({ id: 7 }), aRequest({ id: 8, state: "apply_failed" })],
        max: 2,
      },
      () => "C0APPROVALS",
    );
    assertFits(capped);
    assert.match(shownText(capped), /one person may have 2 open requests at once, and you have 2/);
    assert.match(shownText(capped), /#7\*.*pending/);
    assert.match(shownText(capped), /#8\*.*approved and waiting to be applied/);
  });

  test("the log shows what someone learned by asking for a change that was not needed", () => {
    const line = eventLine({
      id: 1,
      at: new Date("2026-03-02T09:00:00Z"),
      kind: "audit_state_answered",
      actor: "U0RITA",
      requestId: null,
      organization: ORG,
      principal: principal(1, "Ben Young"),
      detail: { requestKind: "add", audited: true },
      prevHash: "",
      hash: "",
    });
    assert.match(
      line,
      /<@U0RITA> asked to start auditing \*Ben Young\*.* in vBridge and was told it is already audited/,
    );
  });

  test("every kind of log entry reads in words, never as its raw kind", () => {
    for (const kind of EVENT_KINDS) {
      const line = eventLine({
        id: 1,
        at: new Date("2026-03-02T09:00:00Z"),
        kind,
        actor: "system",
        requestId: 7,
        organization: ORG,
        principal: principal(1, "Ben Young"),
        detail: { requestKind: "add", reason: "legal hold", error: "VB365 said no", approver: "U0BOSS" },
        prevHash: "",
        hash: "",
      });
      const words = line.replace(/<!date\^[^>]*>/g, "");
      assert.doesNotMatch(words, /\w_\w/, `${kind}: ${line}`);
      assert.doesNotMatch(line, /undefined|null|\[object Object\]/, `${kind}: ${line}`);
      assert.ok(!line.includes(kind.replace(/_/g, " ")) || !kind.includes("_"), `${kind}: ${line}`);
    }
  });

  test("status shouts when audit notifications are off", () => {
    const report = {
      vbo: { url: "https://vbo.example:4443", setting: "auto", reachable: true, apiVersion: "v8" },
      notifications: { kind: "off" },
      servers: [],
      database: { ok: true },
      requests: { pending: 0, waitingToApply: 0 },
      log: { head: { seq: 42, hash: "3f2a9c0d1e2b4a5f".repeat(4) } },
      readiness: { ready: true },
    } as const;
    const off = statusReply({ kind: "full", report });
    assertFits(off);
    assert.match(shownText(off), /notifications are OFF/);
    assert.match(off.text, /notifications OFF/);
    assert.match(shownText(off), /log head `42:3f2a9c0d1e2b4a5f`/);
    assert.match(off.text, /log head 42:3f2a9c0d1e2b4a5f/);
  });
});

describe("what someone who is not a viewer is told", () => {
  test("one line that only viewers may, and nothing of what viewers see", () => {
    const list = listReply({ kind: "viewers_only" });
    assertFits(list);
    assert.match(shownText(list), /Only viewers may see who is audited/);
    assert.equal(list.blocks?.length, 1, "one line");

    const found = findReply({
      kind: "found",
      organization: ORG,
      query: "young",
      matches: [{ principal: principal(2, "Ben Young"), match: "tokens", audited: undefined }],
      total: 1,
      marked: false,
    });
    assert.ok(shownText(found).includes("Ben Young"));
    assert.doesNotMatch(shownText(found), /audited|audit state/, "no marks, not even 'unknown'");

    const mine = pendingReply(
      { kind: "open", requests: [{ request: aRequest(), votes: [] }], onlyOwn: true },
      () => ({ requiredApprovals: 1, requestTtlMs: 3_600_000 }),
    );
    assert.match(shownText(mine), /1 open request\* of yours/);
    assert.match(shownText(mine), /Only viewers may see other people's requests/);
    const none = pendingReply({ kind: "open", requests: [], onlyOwn: true }, () => ({
      requiredApprovals: 1,
      requestTtlMs: 1,
    }));
    assertFits(none);
    assert.match(shownText(none), /No open requests of yours/);

    const log = logReply({ kind: "log", events: [], more: false, onlyOwn: true });
    assertFits(log);
    assert.match(shownText(log), /approval log of your requests has no entries/);
    assert.match(shownText(log), /Only viewers may see other people's requests in the log/);

    const status = statusReply({ kind: "reachable_only", reachable: false });
    assertFits(status);
    assert.match(shownText(status), /VB365 is \*not reachable\*/);
    assert.match(shownText(status), /Only viewers may see VB365's details/);
    assert.doesNotMatch(shownText(status), /https?:|API|notifications/i, "no URL, version or settings");

    const home = renderHome(
      {
        userId: "U0RITA",
        isApprover: false,
        pending: [],
        mine: [aRequest()],
        audited: [],
        organizationsOmitted: 0,
        auditHidden: true,
      },
      { policyOf: () => ({ requiredApprovals: 1, requestTtlMs: 3_600_000 }) },
    );
    assert.ok(checkView(home, "home").ok);
    assert.match(shownText(home), /Your requests/);
    assert.match(shownText(home), /Only viewers may see who is audited/);
    assert.doesNotMatch(shownText(home), /Audited now/);
  });
});

describe("the Home tab", () => {
  test("60 pending requests and 12 organizations of 2,000 principals stay inside 100 blocks", () => {
    const principals = Array.from({ length: 2_000 }, (_, i) => principal(i));
    const data: HomeData = {
      userId: "U0BOSS",
      isApprover: true,
      pending: Array.from({ length: 60 }, (_, i) => ({ request: aRequest({ id: i + 1 }), votes: [] })),
      mine: Array.from({ length: 20 }, (_, i) => aRequest({ id: 100 + i })),
      audited: Array.from({ length: 10 }, (_, i) => ({
        organization: { id: `org-${i}`, name: `Org ${i}` },
        users: principals,
        groups: [],
      })),
      organizationsOmitted: 2,
      auditHidden: false,
    };
    const view = renderHome(data, { policyOf: () => ({ requiredApprovals: 2, requestTtlMs: 3_600_000 }) });
    const verdict = checkView(view, "home");
    assert.ok(verdict.ok, verdict.ok ? "" : verdict.messages.join("\n"));
    assert.ok(view.blocks.length <= 100);
    assert.match(shownText(view), /more waiting|not shown/);
  });
});

describe("text fallbacks", () => {
  test("a one-section reply's fallback reads as plain text: no emphasis marks, escapes and mentions kept", () => {
    const reply = simpleReply(
      ":mag: *Ben Young* `ben.young@vbridge.co.nz` is _already_ audited in *vBridge* (asked by <@U0RITA>, A &lt; B).",
    );
    assert.equal(
      reply.text,
      ":mag: Ben Young ben.young@vbridge.co.nz is already audited in vBridge (asked by <@U0RITA>, A &lt; B).",
    );
    assert.equal(simpleReply("2 * 3 = 6, snake_case_name").text, "2 * 3 = 6, snake_case_name");
  });
});
