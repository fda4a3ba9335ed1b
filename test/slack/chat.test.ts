import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SlackCallError } from "../../src/errors.ts";
import { section } from "../../src/slack/blocks/kit.ts";
import { createChatOut } from "../../src/slack/chat.ts";
import { APPROVALS } from "../support/actors.ts";
import { recordingLogger } from "../support/logger.ts";
import { startFakeSlack, webClientFor } from "../support/slack.ts";

describe("ChatOut over the Web API", () => {
  test("posts a message with its text fallback and blocks, then updates it in place", async (t) => {
    const fake = await startFakeSlack(t);
    const chat = createChatOut(webClientFor(fake), recordingLogger());

    const posted = await chat.post(APPROVALS, { text: "first", blocks: [section("*first*")] });
    assert.equal(posted.channel, APPROVALS);
    const message = fake.message(APPROVALS, posted.ts);
    assert.ok(message);
    assert.equal(message.text, "first");
    assert.deepEqual(message.blocks, [section("*first*")]);

    await chat.update(posted.channel, posted.ts, { text: "second", blocks: [section("*second*")] });
    assert.equal(message.text, "second");
    assert.deepEqual(message.blocks, [section("*second*")]);
    assert.deepEqual(
      message.versions.map((v) => v.via),
      ["chat.postMessage", "chat.update"],
    );
  });

  test("an update without blocks removes the old ones, so no stale button survives", async (t) => {
    const fake = await startFakeSlack(t);
    const chat = createChatOut(webClientFor(fake), recordingLogger());
    const posted = await chat.post(APPROVALS, { text: "with blocks", blocks: [section("old")] });
    await chat.update(posted.channel, posted.ts, { text: "just text" });
    assert.equal(fake.message(APPROVALS, posted.ts)?.blocks?.length ?? 0, 0);
  });

  test("replies in a thread when asked", async (t) => {
    const fake = await startFakeSlack(t);
    const chat = createChatOut(webClientFor(fake), recordingLogger());
    const parent = await chat.post(APPROVALS, { text: "parent" });
    const reply = await chat.post(APPROVALS, { text: "reply" }, { threadTs: parent.ts });
    assert.equal(fake.message(APPROVALS, reply.ts)?.threadTs, parent.ts);
  });

  test("Slack's refusals become SlackCallErrors naming the method and Slack's code, left to the caller to log", async (t) => {
    const fake = await startFakeSlack(t);
    const logs = recordingLogger();
    const chat = createChatOut(webClientFor(fake), logs);

    await assert.rejects(chat.post("C0NOWHERE", { text: "hello" }), (err: unknown) => {
      assert.ok(err instanceof SlackCallError);
      assert.equal(err.method, "chat.postMessage");
      assert.equal(err.slackError, "channel_not_found");
      return true;
    });
    await assert.rejects(chat.update(APPROVALS, "1.000001", { text: "x" }), (err: unknown) => {
      assert.ok(err instanceof SlackCallError);
      assert.equal(err.slackError, "message_not_found");
      return true;
    });
    fake.failNext("chat.postMessage", "ratelimited", { retryAfter: 1 });
    await assert.rejects(chat.post(APPROVALS, { text: "busy" }), (err: unknown) => {
      assert.ok(err instanceof SlackCallError);
      assert.equal(err.slackError, "ratelimited");
      return true;
    });
    // The caller decides whether a refusal matters and logs it once; a second line here would repeat it.
    assert.deepEqual(
      logs.lines.filter((l) => l.level !== "debug"),
      [],
    );
    assert.ok(
      logs.lines.every((l) => !JSON.stringify(l).includes(fake.botToken)),
      "the bot token never reaches a log line",
    );
  });
});
