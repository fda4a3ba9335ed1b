import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { APPROVALS, BEN, openStandIn, refusal, sections } from "./helpers.ts";

const { fake, slack, clock } = await openStandIn();

describe("chat.postMessage, chat.update, chat.postEphemeral and DMs", () => {
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
    assert.equal(call?.time.getTime(), clock.now().getTime());
    assert.equal("token" in (call?.args ?? {}), false);
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
});
