import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ErrorCode, type WebAPIRateLimitedError } from "@slack/web-api";
import { createFakeSlack } from "../support/fake-slack.ts";
import { APPROVALS, BEN, clientFor, openStandIn, refusal, sections } from "./helpers.ts";

const { fake, slack } = await openStandIn(createFakeSlack);

describe("the stand-in's Web API: tokens, methods, bodies, queued failures", () => {
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
});
