import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { actions, button, section, textInput } from "../../src/slack/blocks/kit.ts";
import { modal } from "../../src/slack/blocks/surfaces.ts";
import { APPROVALS, BEN, BOSS, openStandIn, postJson as post } from "./helpers.ts";

const { fake, slack } = await openStandIn();

describe("what a member does: the payloads of a command, a click, a pick, a submission", () => {
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
