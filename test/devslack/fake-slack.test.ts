import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Logger as SlackLogger } from "@slack/logger";
import { ErrorCode, type WebAPIPlatformError, type WebAPIRateLimitedError, WebClient } from "@slack/web-api";
import {
  actions,
  button,
  context,
  fitBlocks,
  header,
  modal,
  section,
  splitIntoMessages,
  textInput,
} from "../../src/slack/blocks/kit.ts";
import { createFakeSlack, type FakeSlack } from "../support/fake-slack.ts";

const APPROVALS = "C0APPROVALS";
const BEN = { id: "U0BEN", name: "ben", realName: "Ben Young", email: "ben.young@vbridge.co.nz" };
const BOSS = { id: "U0BOSS", name: "boss", realName: "The Boss", email: "boss@vbridge.co.nz" };

const silent: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => "error" as never,
  setName: () => {},
};

function clientFor(
  fake: FakeSlack,
  token = fake.botToken,
  extra: ConstructorParameters<typeof WebClient>[1] = {},
) {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silent,
    ...extra,
  });
}

/** The Slack error name a call was refused with. */
async function refusal(call: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await call;
  } catch (err) {
    const e = err as WebAPIPlatformError;
    assert.equal(e.code, ErrorCode.PlatformError, String(err));
    const messages = (e.data.response_metadata as { messages?: string[] } | undefined)?.messages ?? [];
    return { error: e.data.error, messages };
  }
  assert.fail("the call was accepted");
}

const sections = (n: number, text = "x") =>
  Array.from({ length: n }, () => ({ type: "section", text: { type: "mrkdwn", text } }));

describe("fake Slack Web API", () => {
  let now = Date.UTC(2025, 0, 6, 9, 0, 0);
  const clock = { now: () => new Date(now) };
  let fake: FakeSlack;
  let slack: WebClient;

  before(async () => {
    fake = await createFakeSlack({
      channels: [APPROVALS],
      users: [BEN, BOSS],
      usergroups: { S0APPROVERS: [BOSS.id] },
      clock,
    });
    slack = clientFor(fake);
  });
  after(() => fake.close());

  test("apiUrl ends with /api/ and auth.test answers with the bot's identity", async () => {
    assert.match(fake.apiUrl, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const me = await slack.auth.test();
    assert.equal(me.user_id, fake.botUserId);
    assert.equal(me.bot_id, fake.botId);
    assert.equal(me.team_id, fake.teamId);
  });

  test("checks the token: missing, wrong, and of the wrong kind", async () => {
    assert.equal((await refusal(clientFor(fake, "").auth.test())).error, "not_authed");
    assert.equal((await refusal(clientFor(fake, "xoxb-stolen").auth.test())).error, "invalid_auth");
    const withAppToken = clientFor(fake, fake.appToken);
    assert.equal(
      (await refusal(withAppToken.chat.postMessage({ channel: APPROVALS, text: "hi" }))).error,
      "not_allowed_token_type",
    );
    assert.equal((await refusal(slack.apps.connections.open())).error, "not_allowed_token_type");
    const call = fake.calls.find((c) => c.token === "invalid");
    assert.ok(call);
    assert.equal(JSON.stringify(call.args).includes("xoxb-stolen"), false, "tokens are not recorded");
  });

  test("an unknown method is unknown_method", async () => {
    assert.equal(
      (await refusal(slack.apiCall("chat.delete", { channel: APPROVALS, ts: "1.2" }))).error,
      "unknown_method",
    );
  });

  test("chat.postMessage stores the message and records the call with blocks decoded", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*Request* for <@U0BEN>" } }];
    const posted = await slack.chat.postMessage({ channel: APPROVALS, text: "Request for Ben", blocks });
    assert.equal(posted.channel, APPROVALS);
    assert.match(posted.ts ?? "", /^\d+\.\d{6}$/);
    const stored = fake.message(APPROVALS, posted.ts as string);
    assert.equal(stored?.text, "Request for Ben");
    assert.deepEqual(stored?.blocks, blocks);
    const call = fake.callsTo("chat.postMessage").at(-1);
    assert.deepEqual(call?.args.blocks, blocks, "form-encoded JSON is decoded");
    assert.equal(call?.ok, true);
    assert.equal(call?.time.getTime(), now);
    assert.equal("token" in (call?.args ?? {}), false);
  });

  test("a JSON body is understood as well as a form", async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        "content-type": "application/json; charset=utf-8",
      },
      body: JSON.stringify({ channel: APPROVALS, text: "json", blocks: sections(1) }),
    });
    const body = (await res.json()) as { ok: boolean; ts: string };
    assert.equal(body.ok, true);
    assert.equal(fake.message(APPROVALS, body.ts)?.text, "json");
  });

  test("unknown channels are channel_not_found; a user id posts to the DM conversations.open returns", async () => {
    assert.equal(
      (await refusal(slack.chat.postMessage({ channel: "C0NOPE", text: "hi" }))).error,
      "channel_not_found",
    );
    const dm = await slack.chat.postMessage({ channel: BEN.id, text: "Your request was approved" });
    const opened = await slack.conversations.open({ users: BEN.id });
    assert.equal(opened.channel?.id, dm.channel);
    assert.equal(fake.dmChannelOf(BEN.id), dm.channel);
    assert.equal(fake.messagesIn(dm.channel as string).at(-1)?.text, "Your request was approved");
    assert.equal((await refusal(slack.conversations.open({ users: "U0NOBODY" }))).error, "user_not_found");
  });

  test("a message without a text fallback is no_text, even with blocks", async () => {
    assert.equal(
      (await refusal(slack.chat.postMessage({ channel: APPROVALS, blocks: sections(1) } as never))).error,
      "no_text",
    );
    assert.equal(
      (await refusal(slack.chat.postMessage({ channel: APPROVALS, text: "  ", blocks: sections(1) }))).error,
      "no_text",
    );
  });

  const badBlocks: Array<[string, unknown[], RegExp]> = [
    ["51 blocks", sections(51), /at most 50 items.*json-pointer:\/blocks\]/],
    ["section text of 3001", sections(1, "x".repeat(3001)), /less than 3001.*\/blocks\/0\/text\/text/],
    [
      "header of 151",
      [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }],
      /less than 151/,
    ],
    ["a mrkdwn header", [{ type: "header", text: { type: "mrkdwn", text: "h" } }], /must be plain_text/],
    ["11 fields", [{ type: "section", fields: sections(11).map((s) => s.text) }], /at most 10 items/],
    [
      "a field of 2001",
      [{ type: "section", fields: [{ type: "mrkdwn", text: "f".repeat(2001) }] }],
      /less than 2001/,
    ],
    [
      "11 context elements",
      [{ type: "context", elements: sections(11).map((s) => s.text) }],
      /at most 10 items/,
    ],
    [
      "26 buttons",
      [
        {
          type: "actions",
          elements: Array.from({ length: 26 }, (_, i) => ({
            type: "button",
            text: { type: "plain_text", text: "b" },
            action_id: `a${i}`,
          })),
        },
      ],
      /at most 25 items/,
    ],
    [
      "button text of 76",
      [
        {
          type: "actions",
          elements: [{ type: "button", text: { type: "plain_text", text: "b".repeat(76) }, action_id: "a" }],
        },
      ],
      /less than 76/,
    ],
    [
      "button value of 2001",
      [
        {
          type: "actions",
          elements: [
            {
              type: "button",
              text: { type: "plain_text", text: "b" },
              action_id: "a",
              value: "v".repeat(2001),
            },
          ],
        },
      ],
      /value.*less than 2001|less than 2001.*value/,
    ],
    [
      "action_id of 256",
      [
        {
          type: "actions",
          elements: [{ type: "button", text: { type: "plain_text", text: "b" }, action_id: "a".repeat(256) }],
        },
      ],
      /less than 256/,
    ],
    ["block_id of 256", [{ type: "divider", block_id: "b".repeat(256) }], /less than 256/],
    [
      "confirm text of 301",
      [
        {
          type: "actions",
          elements: [
            {
              type: "button",
              text: { type: "plain_text", text: "b" },
              action_id: "a",
              confirm: { text: { type: "plain_text", text: "c".repeat(301) } },
            },
          ],
        },
      ],
      /less than 301/,
    ],
    [
      "101 select options",
      [
        {
          type: "actions",
          elements: [
            {
              type: "static_select",
              action_id: "pick",
              placeholder: { type: "plain_text", text: "Pick" },
              options: Array.from({ length: 101 }, (_, i) => ({
                text: { type: "plain_text", text: `o${i}` },
                value: `v${i}`,
              })),
            },
          ],
        },
      ],
      /at most 100 items/,
    ],
    [
      "an option text of 76",
      [
        {
          type: "section",
          text: { type: "mrkdwn", text: "s" },
          accessory: {
            type: "static_select",
            action_id: "p",
            options: [{ text: { type: "plain_text", text: "o".repeat(76) }, value: "v" }],
          },
        },
      ],
      /less than 76/,
    ],
    [
      "duplicate block_ids",
      [
        { type: "divider", block_id: "x" },
        { type: "divider", block_id: "x" },
      ],
      /duplicate block_id/,
    ],
    [
      "duplicate action_ids in a block",
      [
        {
          type: "actions",
          elements: [0, 1].map(() => ({
            type: "button",
            text: { type: "plain_text", text: "b" },
            action_id: "same",
          })),
        },
      ],
      /duplicate action_id/,
    ],
    [
      "an unknown block type",
      [{ type: "sectoin", text: { type: "mrkdwn", text: "s" } }],
      /unknown block type/,
    ],
    [
      "a misspelt property",
      [{ type: "section", text: { type: "mrkdwn", text: "s" }, acessory: {} }],
      /invalid additional property: acessory/,
    ],
    ["empty text", sections(1, ""), /more than 0 characters/],
    ["a section with neither text nor fields", [{ type: "section" }], /must provide `text` or `fields`/],
    [
      "an input block in a message",
      [
        {
          type: "input",
          label: { type: "plain_text", text: "l" },
          element: { type: "plain_text_input", action_id: "a" },
        },
      ],
      /only allowed in views/,
    ],
    [
      "a button style that does not exist",
      [
        {
          type: "actions",
          elements: [
            { type: "button", text: { type: "plain_text", text: "b" }, action_id: "a", style: "green" },
          ],
        },
      ],
      /primary, danger/,
    ],
  ];
  for (const [name, blocks, pattern] of badBlocks) {
    test(`refuses ${name} with invalid_blocks`, async () => {
      const { error, messages } = await refusal(
        slack.chat.postMessage({ channel: APPROVALS, text: "fallback", blocks: blocks as never }),
      );
      assert.equal(error, "invalid_blocks");
      assert.match(messages.join("\n"), pattern);
    });
  }

  test("blocks that are not a JSON array are invalid_blocks_format", async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ channel: APPROVALS, text: "t", blocks: "[{not json" }).toString(),
    });
    assert.deepEqual(await res.json(), {
      ok: false,
      error: "invalid_blocks_format",
      response_metadata: { messages: ["[ERROR] blocks must be a JSON array"] },
    });
  });

  test("too much block text in total is msg_blocks_too_long, though every block is in bounds", async () => {
    const { error } = await refusal(
      slack.chat.postMessage({
        channel: APPROVALS,
        text: "t",
        blocks: sections(5, "y".repeat(3000)) as never,
      }),
    );
    assert.equal(error, "msg_blocks_too_long");
  });

  test("chat.update changes the message in place, keeps its history, and refuses an unknown ts", async () => {
    const posted = await slack.chat.postMessage({
      channel: APPROVALS,
      text: "pending",
      blocks: sections(1, "pending") as never,
    });
    const ts = posted.ts as string;
    await slack.chat.update({
      channel: APPROVALS,
      ts,
      text: "approved",
      blocks: sections(1, "approved by boss") as never,
    });
    await slack.chat.update({ channel: APPROVALS, ts, text: "approved (text only)" });
    const stored = fake.message(APPROVALS, ts);
    assert.equal(stored?.text, "approved (text only)");
    assert.deepEqual(
      stored?.blocks,
      sections(1, "approved by boss"),
      "blocks left out are kept, as Slack does",
    );
    assert.deepEqual(
      stored?.versions.map((v) => [v.via, v.text]),
      [
        ["chat.postMessage", "pending"],
        ["chat.update", "approved"],
        ["chat.update", "approved (text only)"],
      ],
    );
    assert.equal(
      (await refusal(slack.chat.update({ channel: APPROVALS, ts: "1.000001", text: "x" }))).error,
      "message_not_found",
    );
    assert.equal(
      (await refusal(slack.chat.update({ channel: "C0NOPE", ts, text: "x" }))).error,
      "channel_not_found",
    );
    assert.equal(
      (await refusal(slack.chat.update({ channel: APPROVALS, ts, blocks: sections(1) } as never))).error,
      "no_text",
    );
    assert.equal(
      (await refusal(slack.chat.update({ channel: APPROVALS, ts, text: "x", blocks: sections(51) as never })))
        .error,
      "invalid_blocks",
    );
  });

  test("chat.postEphemeral is recorded for the user it was shown to", async () => {
    const res = await slack.chat.postEphemeral({
      channel: APPROVALS,
      user: BEN.id,
      text: "Only approvers can approve",
    });
    assert.ok(res.message_ts);
    assert.deepEqual(
      fake.ephemerals.map((e) => [e.channel, e.user, e.text]),
      [[APPROVALS, BEN.id, "Only approvers can approve"]],
    );
    assert.equal(
      (await refusal(slack.chat.postEphemeral({ channel: APPROVALS, user: "U0NOBODY", text: "x" }))).error,
      "user_not_found",
    );
  });

  test("users.info carries profile.email; usergroups.users.list lists members", async () => {
    const info = await slack.users.info({ user: BEN.id });
    assert.equal(info.user?.profile?.email, BEN.email);
    assert.equal(info.user?.real_name, BEN.realName);
    assert.equal((await refusal(slack.users.info({ user: "U0NOBODY" }))).error, "user_not_found");
    assert.deepEqual((await slack.usergroups.users.list({ usergroup: "S0APPROVERS" })).users, [BOSS.id]);
    fake.setUsergroup("S0APPROVERS", [BOSS.id, BEN.id]);
    assert.deepEqual((await slack.usergroups.users.list({ usergroup: "S0APPROVERS" })).users, [
      BOSS.id,
      BEN.id,
    ]);
    assert.equal(
      (await refusal(slack.usergroups.users.list({ usergroup: "S0NOPE" }))).error,
      "no_such_subteam",
    );
  });

  const denyModal = () =>
    modal({
      title: "Deny request",
      submit: "Deny",
      close: "Cancel",
      callbackId: "deny",
      privateMetadata: "req-1",
      blocks: [
        section("Why deny it?"),
        textInput({ label: "Reason", actionId: "reason", multiline: true, blockId: "reason" }),
      ],
    });

  test("views.open takes a trigger once, within 3 seconds, and stores the modal", async () => {
    const trigger = fake.triggerId(BOSS.id);
    const opened = await slack.views.open({ trigger_id: trigger, view: denyModal() });
    const view = fake.views.modals.find((v) => v.id === opened.view?.id);
    assert.equal(view?.userId, BOSS.id);
    assert.equal(view?.view.callback_id, "deny");
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: trigger, view: denyModal() }))).error,
      "exchanged_trigger_id",
    );
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: "1.2.3", view: denyModal() }))).error,
      "invalid_trigger_id",
    );
    const late = fake.triggerId(BOSS.id);
    now += 3_001;
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: late, view: denyModal() }))).error,
      "expired_trigger_id",
    );
  });

  test("views.open refuses views Slack refuses", async () => {
    const tooMany = { ...denyModal(), blocks: sections(101) };
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: fake.triggerId(), view: tooMany as never }))).error,
      "invalid_blocks",
    );
    const longTitle = { ...denyModal(), title: { type: "plain_text", text: "t".repeat(25) } };
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: fake.triggerId(), view: longTitle as never }))).error,
      "invalid_arguments",
    );
    const { submit: _submit, ...noSubmit } = denyModal();
    const refused = await refusal(slack.views.open({ trigger_id: fake.triggerId(), view: noSubmit }));
    assert.equal(refused.error, "invalid_arguments");
    assert.match(
      refused.messages.join(),
      /required when the view has input blocks \[json-pointer:\/view\/submit\]/,
    );
  });

  test("views.update replaces a modal by id, checks the hash, refuses unknown ids", async () => {
    const opened = await slack.views.open({ trigger_id: fake.triggerId(BOSS.id), view: denyModal() });
    const id = opened.view?.id as string;
    const updated = await slack.views.update({
      view_id: id,
      hash: opened.view?.hash as string,
      view: { ...denyModal(), title: { type: "plain_text", text: "Denied" } },
    });
    assert.notEqual(updated.view?.hash, opened.view?.hash);
    assert.equal(fake.views.modals.find((v) => v.id === id)?.versions.length, 2);
    assert.equal(
      (
        await refusal(
          slack.views.update({ view_id: id, hash: opened.view?.hash as string, view: denyModal() }),
        )
      ).error,
      "hash_conflict",
    );
    assert.equal(
      (await refusal(slack.views.update({ view_id: "V0NOPE", view: denyModal() }))).error,
      "not_found",
    );
  });

  test("views.publish keeps one Home tab per user, within 100 blocks", async () => {
    await slack.views.publish({
      user_id: BEN.id,
      view: { type: "home", blocks: [header("Your requests") as never, ...(sections(99) as never[])] },
    });
    await slack.views.publish({
      user_id: BEN.id,
      view: { type: "home", blocks: sections(1, "second") as never },
    });
    const home = fake.views.homes.get(BEN.id);
    assert.equal(home?.versions.length, 2);
    assert.deepEqual(home?.view.blocks, sections(1, "second"));
    assert.equal(
      (
        await refusal(
          slack.views.publish({ user_id: BEN.id, view: { type: "home", blocks: sections(101) as never } }),
        )
      ).error,
      "invalid_blocks",
    );
    assert.equal(
      (await refusal(slack.views.publish({ user_id: BEN.id, view: denyModal() as never }))).error,
      "invalid_arguments",
    );
    assert.equal(
      (await refusal(slack.views.publish({ user_id: "U0NOBODY", view: { type: "home", blocks: [] } }))).error,
      "user_not_found",
    );
  });

  test("failNext: a queued error, then normal service", async () => {
    fake.failNext("chat.postMessage", "internal_error");
    assert.equal(
      (await refusal(slack.chat.postMessage({ channel: APPROVALS, text: "a" }))).error,
      "internal_error",
    );
    assert.ok((await slack.chat.postMessage({ channel: APPROVALS, text: "b" })).ok);
  });

  test("failNext ratelimited: HTTP 429 with Retry-After", async () => {
    fake.failNext("users.info", "ratelimited", { retryAfter: 7 });
    const strict = clientFor(fake, fake.botToken, { rejectRateLimitedCalls: true });
    await assert.rejects(strict.users.info({ user: BEN.id }), (err: WebAPIRateLimitedError) => {
      assert.equal(err.code, ErrorCode.RateLimitedError);
      assert.equal(err.retryAfter, 7);
      return true;
    });
    const call = fake.callsTo("users.info").at(-1);
    assert.equal(call?.status, 429);
    assert.equal(call?.error, "ratelimited");
    assert.ok((await slack.users.info({ user: BEN.id })).ok);
  });

  test("waitFor resolves with what the predicate finds, and times out with a reason", async () => {
    setTimeout(() => void slack.chat.postMessage({ channel: APPROVALS, text: "later" }), 20);
    const message = await fake.waitFor(() => fake.messagesIn(APPROVALS).find((m) => m.text === "later"));
    assert.equal(message.channel, APPROVALS);
    await assert.rejects(
      fake.waitFor(() => false, 30, "a miracle"),
      /timed out after 30 ms waiting for a miracle/,
    );
  });

  test("what our Block Kit builders produce for 2,000 items and 10,000-character strings is accepted", async () => {
    const items = Array.from({ length: 2000 }, (_, i) => [
      section(`*${i}* ${"é👨‍👩‍👧".repeat(2000)}`, {
        fields: Array.from({ length: 12 }, () => "f".repeat(3000)),
      }),
      actions([
        button({
          text: "Approve ".repeat(20),
          actionId: `approve-${i}`,
          value: `req-${i}`,
          style: "primary",
          confirm: {
            title: "Sure?".repeat(50),
            text: "x".repeat(500),
            confirm: "Yes".repeat(20),
            deny: "No".repeat(20),
          },
        }),
      ]),
    ]);
    const fitted = fitBlocks(items, { surface: "message", note: (n) => context([`…and ${n} more`]) });
    assert.ok(
      (await slack.chat.postMessage({ channel: APPROVALS, text: "Pending requests", blocks: fitted })).ok,
    );
    const pages = splitIntoMessages(
      Array.from({ length: 2000 }, (_, i) => section(`item ${i} ${"ü".repeat(300)}`)),
    );
    for (const blocks of pages)
      assert.ok((await slack.chat.postMessage({ channel: APPROVALS, text: "Audited", blocks })).ok);
    const bigModal = modal({
      title: "t".repeat(100),
      submit: "s".repeat(100),
      blocks: [
        textInput({
          label: "l".repeat(5000),
          actionId: "r",
          hint: "h".repeat(5000),
          placeholder: "p".repeat(500),
        }),
        ...Array.from({ length: 300 }, () => section("x")),
      ],
    });
    assert.ok((await slack.views.open({ trigger_id: fake.triggerId(), view: bigModal })).ok);
  });
});

describe("fake Slack response URLs and user payloads", () => {
  let now = Date.UTC(2025, 0, 6, 9, 0, 0);
  const clock = { now: () => new Date(now) };
  let fake: FakeSlack;
  let slack: WebClient;
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  before(async () => {
    fake = await createFakeSlack({ channels: [APPROVALS], users: [BEN, BOSS], clock });
    slack = clientFor(fake);
  });
  after(() => fake.close());

  test("a response_url takes 5 replies, then used_url", async () => {
    const url = fake.responseUrl({ channel: APPROVALS, userId: BEN.id });
    for (let i = 1; i <= 5; i++) assert.equal((await post(url, { text: `reply ${i}` })).status, 200);
    const sixth = await post(url, { text: "reply 6" });
    assert.equal(sixth.status, 404);
    assert.deepEqual(await sixth.json(), { ok: false, error: "used_url" });
    assert.deepEqual(
      fake.responses.filter((r) => r.url === url).map((r) => [r.text, r.responseType, r.context.userId]),
      [1, 2, 3, 4, 5].map((i) => [`reply ${i}`, "ephemeral", BEN.id]),
    );
    assert.equal(fake.responseFailures.at(-1)?.error, "used_url");
  });

  test("a response_url expires after 30 minutes", async () => {
    const url = fake.responseUrl();
    now += 30 * 60_000 + 1;
    const res = await post(url, { text: "too late" });
    assert.equal(res.status, 404);
    assert.equal(fake.responseFailures.at(-1)?.error, "expired_url");
  });

  test("a response_url refuses what chat.postMessage refuses", async () => {
    assert.equal((await post(fake.responseUrl(), { blocks: sections(1) })).status, 400);
    assert.equal(fake.responseFailures.at(-1)?.error, "no_text");
    assert.equal((await post(fake.responseUrl(), { text: "t", blocks: sections(51) })).status, 400);
    assert.equal(fake.responseFailures.at(-1)?.error, "invalid_blocks");
    assert.equal((await post(`${fake.url}/response/nope`, { text: "t" })).status, 404);
  });

  test("a slash command payload carries fresh, working response_url and trigger_id", async () => {
    const payload = fake.slashCommand({ userId: BEN.id, text: "add ben.young", channelId: APPROVALS });
    assert.equal(payload.command, "/vbo-audit");
    assert.equal(payload.user_name, BEN.name);
    assert.equal(payload.team_id, fake.teamId);
    assert.equal((await post(payload.response_url as string, { text: "Working on it" })).status, 200);
    const opened = await slack.views.open({
      trigger_id: payload.trigger_id as string,
      view: { type: "modal", title: { type: "plain_text", text: "Hi" }, blocks: [] },
    });
    assert.equal(fake.views.modals.find((v) => v.id === opened.view?.id)?.userId, BEN.id);
  });

  test("a click is built from the button on the message, and replace_original updates that message", async () => {
    const blocks = [
      section("Request 7"),
      actions([
        button({ text: "Approve", actionId: "approve", value: "7", style: "primary" }),
        button({ text: "Deny", actionId: "deny", value: "7", style: "danger" }),
      ]),
    ];
    const posted = await slack.chat.postMessage({ channel: APPROVALS, text: "Request 7", blocks });
    const click = fake.blockAction({
      userId: BOSS.id,
      actionId: "approve",
      value: "7",
      on: { message: { channel: APPROVALS, ts: posted.ts as string } },
    });
    const action = (click.actions as Array<Record<string, unknown>>)[0];
    assert.equal(click.type, "block_actions");
    assert.equal(action?.value, "7");
    assert.equal((click.user as { id: string }).id, BOSS.id);
    assert.deepEqual(click.container, {
      type: "message",
      message_ts: posted.ts,
      channel_id: APPROVALS,
      is_ephemeral: false,
    });
    assert.throws(
      () =>
        fake.blockAction({
          userId: BOSS.id,
          actionId: "approve",
          value: "8",
          on: { message: { channel: APPROVALS, ts: posted.ts as string } },
        }),
      /no element with action_id approve and value 8 on screen; there are: approve=7, deny=7/,
    );
    assert.equal(
      (await post(click.response_url as string, { replace_original: true, text: "Approved" })).status,
      200,
    );
    const replaced = fake.message(APPROVALS, posted.ts as string);
    assert.equal(replaced?.text, "Approved");
    assert.equal(replaced?.blocks, undefined, "replace_original replaces the whole message");
    assert.throws(
      () =>
        fake.blockAction({
          userId: BOSS.id,
          actionId: "approve",
          on: { message: { channel: APPROVALS, ts: posted.ts as string } },
        }),
      /there are: none/,
    );
  });

  test("a pick in an ephemeral reply and a modal submission", async () => {
    const url = fake.responseUrl({ channel: APPROVALS, userId: BEN.id });
    const candidates = {
      type: "section",
      text: { type: "mrkdwn", text: "Which Ben?" },
      accessory: {
        type: "static_select",
        action_id: "pick",
        options: ["a", "b"].map((v) => ({ text: { type: "plain_text", text: `Ben ${v}` }, value: v })),
      },
    };
    await post(url, { text: "Which Ben?", blocks: [candidates] });
    const reply = fake.responses.at(-1);
    assert.ok(reply);
    const pick = fake.blockAction({
      userId: BEN.id,
      actionId: "pick",
      selectedValue: "b",
      on: { response: reply },
    });
    const action = (pick.actions as Array<Record<string, unknown>>)[0];
    assert.deepEqual(action?.selected_option, { text: { type: "plain_text", text: "Ben b" }, value: "b" });
    assert.equal((pick.container as { is_ephemeral: boolean }).is_ephemeral, true);

    const opened = await slack.views.open({
      trigger_id: pick.trigger_id as string,
      view: modal({
        title: "Deny",
        submit: "Deny",
        privateMetadata: "req-7",
        callbackId: "deny",
        blocks: [textInput({ label: "Reason", actionId: "reason", blockId: "why" })],
      }),
    });
    const submission = fake.viewSubmission({
      userId: BEN.id,
      viewId: opened.view?.id as string,
      values: { reason: "Not justified" },
    });
    const view = submission.view as {
      state: { values: unknown };
      private_metadata: string;
      callback_id: string;
    };
    assert.equal(submission.type, "view_submission");
    assert.equal(view.private_metadata, "req-7");
    assert.equal(view.callback_id, "deny");
    assert.deepEqual(view.state.values, {
      why: { reason: { type: "plain_text_input", value: "Not justified" } },
    });
    assert.throws(
      () => fake.viewSubmission({ userId: BEN.id, viewId: opened.view?.id as string, values: { nope: "x" } }),
      /no input with action_id nope/,
    );
  });

  test("app_home_opened comes from the user's DM with the app", () => {
    const event = fake.appHomeOpened(BEN.id);
    assert.equal(event.type, "event_callback");
    assert.deepEqual(
      { ...(event.event as object), event_ts: "" },
      { type: "app_home_opened", user: BEN.id, channel: fake.dmChannelOf(BEN.id), tab: "home", event_ts: "" },
    );
  });
});
