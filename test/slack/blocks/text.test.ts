/**
 * Text from people and from VB365 cannot imitate the bot's own lines: a hostile reason and a hostile
 * display name through every renderer that shows them, read back the way Slack draws mrkdwn (the
 * playground's renderer), and the rules of text.ts on their own.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LogEvent } from "../../../src/core/vocabulary.ts";
import { renderMrkdwn, renderPlain } from "../../../src/devslack/playground/page/mrkdwn.ts";
import { checkMessage, checkView } from "../../../src/devslack/validate/index.ts";
import { SEED } from "../../../src/sim/types.ts";
import { renderAccessAlert } from "../../../src/slack/blocks/alert.ts";
import { denyModal } from "../../../src/slack/blocks/deny.ts";
import { renderHome } from "../../../src/slack/blocks/home.ts";
import { findReply } from "../../../src/slack/blocks/replies/find.ts";
import { listReply } from "../../../src/slack/blocks/replies/list.ts";
import { logReply } from "../../../src/slack/blocks/replies/log.ts";
import { pendingReply } from "../../../src/slack/blocks/replies/pending.ts";
import { renderOutcomeMessage, renderRequestMessage } from "../../../src/slack/blocks/request.ts";
import { label, literal, oneLine, quoted } from "../../../src/slack/blocks/text.ts";
import type { PrincipalRef } from "../../../src/vbo/schemas.ts";
import { aRequest } from "../../support/builders.ts";

const BOSS = "U0BOSS";
/** Whom the outside text tries to mention. */
const MALLORY = "U0MALLORY";
/** A reason that draws a fake approval: new lines, an emoji code, bold, a mention, a direction override. */
const REASON = `case 12\n\n:white_check_mark: *Approved* by <@${MALLORY}> _now_ ~x~ \`y\`\u202E\u0007 <!channel>`;
/** A display name from VB365 that tries the same. */
const NAME = `Ben Young\n:white_check_mark: *Approved* by <@${MALLORY}>\u202Eevil`;
const BEN: PrincipalRef = { type: "User", id: "u-1", name: "ben.young@vbridge.co.nz", displayName: NAME };
const POLICY = { requiredApprovals: 1, requestTtlMs: 72 * 3_600_000 };
const ORG = { id: SEED.organization.id, name: `vBridge *Ltd*\n:x: <@${MALLORY}>` };

/** Every text object of a surface: mrkdwn as Slack would draw it (HTML), plain text too. */
function drawn(surface: { text?: string; blocks?: unknown }): {
  html: string[];
  raw: string[];
  mrkdwn: string[];
} {
  const html: string[] = [];
  const raw: string[] = [];
  /** What Slack parses for mentions and links: mrkdwn, and a message's `text`. */
  const mrkdwn: string[] = [];
  const names = { users: { [BOSS]: "boss", [MALLORY]: "mallory", U0REQUESTER: "rita" }, channels: {} };
  if (surface.text !== undefined) {
    // Slack reads a message's `text` as mrkdwn too.
    raw.push(surface.text);
    mrkdwn.push(surface.text);
    html.push(renderMrkdwn(surface.text, names));
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if ((o.type === "mrkdwn" || o.type === "plain_text") && typeof o.text === "string") {
        raw.push(o.text);
        if (o.type === "mrkdwn") mrkdwn.push(o.text);
        html.push(o.type === "mrkdwn" ? renderMrkdwn(o.text, names) : renderPlain(o.text, o.emoji !== false));
      } else for (const x of Object.values(o)) walk(x);
    }
  };
  walk(surface.blocks);
  return { html, raw, mrkdwn };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u202e]/;

/** Nothing in `surface` looks like the bot's approval line, mentions the boss, or hides a control. */
function assertInert(what: string, surface: { text?: string; blocks?: unknown }): void {
  const { html, raw, mrkdwn } = drawn(surface);
  for (const [i, h] of html.entries()) {
    assert.ok(!h.includes("✅"), `${what}: no check mark drawn in ${raw[i]}`);
    assert.ok(!h.includes("❌"), `${what}: no cross drawn in ${raw[i]}`);
    assert.ok(!/<b>\s*Approved\b/.test(h), `${what}: no bold Approved in ${raw[i]}`);
    assert.ok(!h.includes("@mallory"), `${what}: nobody mentioned by outside text in ${raw[i]}`);
    assert.ok(
      !/<(i|s|code|blockquote)>(now|x|y|Ltd)/.test(h),
      `${what}: no formatting from outside text: ${h}`,
    );
    assert.ok(!h.includes("@channel"), `${what}: <!channel> stays text in ${raw[i]}`);
  }
  for (const r of raw)
    assert.ok(!CONTROLS.test(r), `${what}: no control or override in ${JSON.stringify(r)}`);
  for (const m of mrkdwn) assert.ok(!m.includes(`<@${MALLORY}>`), `${what}: the mention is escaped in ${m}`);
}

describe("a hostile reason and display name", () => {
  const request = aRequest({ reason: REASON, principal: BEN, organization: ORG });

  test("cannot draw a line of the approval message, its DM, or the deny modal", () => {
    const message = renderRequestMessage({ request, votes: [], policy: POLICY });
    assert.ok(checkMessage(message).ok);
    assertInert("approval message", message);
    const fields = drawn(message).raw.filter((t) => t.startsWith("*Reason*") || t.startsWith("*Who*"));
    assert.equal(fields.length, 2);
    for (const field of fields)
      assert.equal(field.split("\n").length, 2, `one line of outside text: ${field}`);
    assert.ok(
      drawn(message).raw.some((t) =>
        t.startsWith("*Reason*\n“case 12 ∶white_check_mark: ∗Approved∗ by &lt;@U0MALLORY&gt;"),
      ),
      "the reason reads as a quotation, word for word",
    );

    const denied = aRequest({
      ...request,
      state: "denied",
      decidedBy: BOSS,
      denyReason: REASON,
      decidedAt: new Date(),
    });
    const dm = renderOutcomeMessage({ request: denied, votes: [], policy: POLICY }, "denied");
    assertInert("denial DM", dm);
    assert.ok(!dm.text.includes("\n"), "the notification text is one line");
    assertInert("deny modal", denyModal(request));
    assert.ok(checkView(denyModal(request), "modal").ok);
  });

  test("cannot draw a line in pending, the log, list, find or the Home tab", () => {
    assertInert(
      "pending",
      pendingReply({ kind: "open", requests: [{ request, votes: [] }], onlyOwn: false }, () => POLICY),
    );
    const event: LogEvent = {
      id: 1,
      at: new Date("2026-03-02T09:00:00Z"),
      kind: "requested",
      actor: "U0REQUESTER",
      requestId: 1,
      organization: ORG,
      principal: BEN,
      detail: { requestKind: "add", reason: REASON },
      prevHash: "",
      hash: "",
    };
    assertInert(
      "log",
      logReply({
        kind: "log",
        events: [event, { ...event, kind: "denied", detail: { reason: REASON } }],
        more: false,
        onlyOwn: false,
      }),
    );
    assertInert("list", listReply({ kind: "audited", organization: ORG, users: [BEN], groups: [] }));
    assertInert(
      "find",
      findReply({
        kind: "found",
        organization: ORG,
        query: NAME,
        matches: [{ principal: BEN, match: "tokens", audited: true }],
        total: 1,
        marked: true,
      }),
    );
    const home = renderHome(
      {
        userId: BOSS,
        isApprover: true,
        pending: [{ request, votes: [] }],
        mine: [request],
        audited: [{ organization: ORG, users: [BEN], groups: [] }],
        organizationsOmitted: 0,
        auditHidden: false,
      },
      { policyOf: () => POLICY },
    );
    assert.ok(checkView(home, "home").ok);
    assertInert("home", home);
  });
});

describe("hostile text from VB365's restore sessions", () => {
  test("cannot draw a line of the access alert", () => {
    const alert = renderAccessAlert(
      {
        sessionId: "s-1",
        sessionName: NAME,
        sessionType: "Vex",
        state: "Stopped",
        organization: ORG,
        initiator: { account: "CORP\\mallory", displayName: NAME },
        clientHost: `host\n:white_check_mark: *Approved*`,
        reason: REASON,
        actions: ["Export"],
        itemCount: 1,
        items: [REASON],
        targets: [NAME],
        from: "2026-03-02T09:00:00Z",
        to: "2026-03-02T09:05:00Z",
        principals: [{ type: "User", name: BEN.name, displayName: NAME }],
        matchedBy: "ids",
      },
      { timeZone: "UTC" },
    );
    assert.ok(checkMessage(alert).ok);
    assertInert("alert", alert);
  });
});

describe("text.ts", () => {
  test("oneLine: line breaks and tabs become single spaces; controls and direction overrides go", () => {
    assert.equal(oneLine("  a\r\n\tb\u2028c\u0007d\u202Ee\u2066f\u200Fg\ufeff  "), "a b cdefg");
    assert.equal(oneLine("Zoë 👩‍👩‍👧 café"), "Zoë 👩‍👩‍👧 café", "letters and emoji sequences stay whole");
  });

  test("literal: escaped, one line, and no mark can format", () => {
    assert.equal(literal("<@U1> & <!here>"), "&lt;@U1&gt; &amp; &lt;!here&gt;");
    assert.equal(literal("*b* _i_ ~s~ `c`"), "∗b∗ ˍiˍ ∼s∼ ˋcˋ");
    assert.equal(literal("svc_backup_01"), "svc_backup_01", "an underscore inside a word is text");
    assert.equal(
      literal(":tada: Case: 12 at 09:30:00"),
      "∶tada: Case: 12 at 09:30:00",
      "only emoji codes change",
    );
    assert.equal(literal("> quoted"), "› quoted", "no quote at the start of a line");
    assert.equal(quoted("hi\nthere"), "“hi there”");
    assert.equal(label(":tada: *x*"), "∶tada: *x*", "plain text: emoji codes inert, nothing else to format");
  });
});
