/**
 * The digest as Slack messages, checked by the fake Slack's own Block Kit validator (written apart
 * from kit.ts): inside the limits with 2,000 audited principals, and with 50 organizations of 500;
 * the notifications warning first; a text fallback on every message.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AccessSummary } from "../../../src/core/access/match.ts";
import {
  type AuditEntry,
  auditKey,
  buildDigest,
  type Digest,
  type OrganizationInput,
} from "../../../src/core/digest/build.ts";
import type { Request } from "../../../src/core/requests/types.ts";
import { checkMessage } from "../../../src/devslack/validate/index.ts";
import { joinWithin, renderDigest } from "../../../src/slack/blocks/digest.ts";
import { aRequest } from "../../support/builders.ts";

const t0 = new Date("2026-11-25T09:00:00.000Z");

function people(org: string, n: number): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const p = {
      type: (i % 10 === 9 ? "Group" : "User") as "User" | "Group",
      id: `${org}-id-${i}`,
      name: `person.number.${String(i).padStart(4, "0")}@${org}.example.com`,
      displayName: `Person Number ${String(i).padStart(4, "0")} of ${org}`,
    };
    return { key: auditKey(p), ...p, auditItemId: `${org}-item-${i}` };
  });
}

function orgInput(name: string, n: number, over: Partial<OrganizationInput> = {}): OrganizationInput {
  const entries = people(name, n);
  return {
    organization: { id: `${name}-id`, name },
    current: { ok: true, entries },
    snapshot: entries.slice(0, Math.max(0, n - 3)),
    changesSinceSnapshot: [],
    changes: [],
    openRequests: [],
    expired: [],
    access: [],
    ...over,
  };
}

function digestOf(
  organizations: OrganizationInput[],
  notifications: Digest["notifications"] = { kind: "on" },
) {
  return buildDigest({
    generatedAt: t0,
    since: new Date("2026-11-24T09:00:00.000Z"),
    trigger: { kind: "scheduled", period: "2026-11-25T09:00" },
    notifications,
    organizations,
  });
}

function assertSlackAccepts(messages: Array<{ text: string; blocks?: unknown[] }>) {
  assert.ok(messages.length > 0);
  for (const [i, m] of messages.entries()) {
    const verdict = checkMessage({ text: m.text, blocks: m.blocks });
    assert.deepEqual(verdict, { ok: true }, `message ${i + 1} is refused: ${JSON.stringify(verdict)}`);
  }
}

const allText = (messages: Array<{ text: string; blocks?: unknown[] }>) =>
  messages.map((m) => `${m.text}\n${JSON.stringify(m.blocks)}`).join("\n");

describe("rendering the digest", () => {
  test("2,000 audited principals in one organization stay within Block Kit's limits, cut with a count", () => {
    const messages = renderDigest(digestOf([orgInput("vbridge", 2000)]), { timeZone: "UTC" });
    assertSlackAccepts(messages);
    assert.equal(messages.length, 1);
    const text = allText(messages);
    assert.match(text, /Users \(1800\):/);
    assert.match(text, /Groups \(200\):/);
    assert.match(text, /…and \d+ more/);
    assert.match(text, /Changed outside the bot \(3\)/);
  });

  test("50 organizations of 500 are split over several messages, each accepted and each with a fallback", () => {
    const orgs = Array.from({ length: 50 }, (_, i) => orgInput(`tenant${String(i).padStart(3, "0")}`, 500));
    const messages = renderDigest(digestOf(orgs), { timeZone: "Pacific/Auckland" });
    assertSlackAccepts(messages);
    assert.ok(messages.length > 1);
    for (const [i, m] of messages.entries()) {
      assert.match(m.text, new RegExp(`part ${i + 1} of ${messages.length}`));
    }
    // Every organization appears, in order, exactly once.
    const names = [...allText(messages).matchAll(/\*(tenant\d{3})\*: /g)].map((m) => m[1]);
    assert.deepEqual(
      names,
      orgs.map((o) => o.organization.name),
    );
  });

  test("notifications off: a warning first, in the blocks and in the fallback", () => {
    const messages = renderDigest(digestOf([orgInput("vbridge", 3)], { kind: "off" }), { timeZone: "UTC" });
    assertSlackAccepts(messages);
    const first = messages[0];
    assert.ok(first);
    assert.match(first.text, /^WARNING: audit e-mail notifications are OFF/);
    const firstSection = (first.blocks ?? []).find((b) => (b as { type: string }).type === "section") as {
      text: { text: string };
    };
    assert.match(firstSection.text.text, /notifications are OFF.*alerts nobody/);
  });

  test("long request lists, errors and access lines are cut, and user text is escaped", () => {
    const request = (id: number, state: Request["state"]): Request =>
      aRequest({
        id,
        organization: { id: "vbridge-id", name: "vbridge" },
        principal: {
          type: "User",
          id: `u${id}`,
          name: `u${id}@x.example`,
          displayName: `<script> & ${"long name ".repeat(20)}`,
        },
        state,
        createdAt: new Date(t0.getTime() - id * 60_000),
        updatedAt: t0,
        applyAttempts: 3,
        lastError: `VB365 addAuditItems failed (HTTP 500): ${"boom ".repeat(200)}`,
        nextAttemptAt: t0,
      });
    const access: AccessSummary = {
      sessionId: "s",
      sessionName: "s",
      sessionType: "Vex",
      state: "Stopped",
      organization: { id: "vbridge-id", name: "vbridge" },
      initiator: { account: "D\\x", displayName: "x <y>" },
      clientHost: "H",
      reason: null,
      actions: ["View"],
      itemCount: 1,
      items: ["i"],
      targets: [],
      from: t0.toISOString(),
      to: t0.toISOString(),
      principals: [{ type: "User", name: "a@b", displayName: "A" }],
      matchedBy: "names",
    };
    const input = orgInput("vbridge", 10, {
      openRequests: [
        ...Array.from({ length: 60 }, (_, i) => request(i + 1, "pending")),
        ...Array.from({ length: 60 }, (_, i) => request(100 + i, "apply_failed")),
      ],
      expired: Array.from({ length: 60 }, (_, i) => request(200 + i, "expired")),
      access: Array.from({ length: 200 }, () => access),
    });
    const messages = renderDigest(digestOf([input]), { timeZone: "UTC" });
    assertSlackAccepts(messages);
    const text = allText(messages);
    assert.ok(!text.includes("<script>"));
    assert.match(text, /&lt;script&gt; &amp;/);
    assert.match(text, /Pending approval \(60\)/);
    assert.match(text, /x &lt;y&gt; viewed 1 item from A's mailbox/);
  });

  test("an unavailable organization says so; no organizations at all says so too", () => {
    const messages = renderDigest(
      digestOf([
        orgInput("contoso", 2, { current: { ok: false, error: "VB365 listAuditItems failed (HTTP 503)" } }),
      ]),
      { timeZone: "UTC" },
    );
    assertSlackAccepts(messages);
    assert.match(allText(messages), /\*contoso\*: VB365 could not be read.*HTTP 503/s);
    assert.match(allText(renderDigest(digestOf([]), { timeZone: "UTC" })), /VB365 listed no organizations/);
  });
});

describe("joinWithin", () => {
  test("keeps whole items within the budget and counts the rest", () => {
    assert.equal(joinWithin(["a", "b", "c"], 100), "a, b, c");
    assert.equal(joinWithin(["alpha", "beta", "gamma", "delta"], 23), "alpha, beta …and 2 more");
    assert.equal(joinWithin(["alpha", "beta", "gamma", "delta"], 22), "alpha …and 3 more");
    assert.ok(
      joinWithin(
        Array.from({ length: 1000 }, (_, i) => `name-${i}`),
        300,
      ).length <= 300,
    );
  });
});
