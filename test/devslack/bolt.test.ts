/**
 * The fake against the library the bot is built on: a Bolt app in Socket Mode connects to it,
 * handles `/vbo-audit` from an envelope, replies with `respond()` and posts with its Web API client.
 * It also pins down a Bolt detail the wiring must get right: in Socket Mode, the Socket Mode client
 * takes its API URL from `installerOptions.clientOptions`, not from `clientOptions`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { App } from "@slack/bolt";
import { createFakeSlack, type FakeSlack } from "../support/fake-slack.ts";
import { silentSlackLogger as silent } from "./helpers.ts";

describe("a Bolt app in Socket Mode against the fake", () => {
  let fake: FakeSlack;
  let app: App;

  before(async () => {
    fake = await createFakeSlack({ channels: ["C0APPROVALS"], users: [{ id: "U0BEN", name: "ben" }] });
    const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } };
    app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      logger: silent,
      clientOptions,
      installerOptions: { clientOptions },
    });
    app.command("/vbo-audit", async ({ ack, respond, client, command }) => {
      await ack();
      await respond({ response_type: "ephemeral", text: `Looking up ${command.text}…` });
      await client.chat.postMessage({ channel: "C0APPROVALS", text: `Request from <@${command.user_id}>` });
    });
    await app.start();
  });
  after(async () => {
    await app.stop();
    await fake.close();
  });

  test("connects with auth.test and apps.connections.open", async () => {
    await fake.socket.connected;
    assert.deepEqual(
      fake.calls.map((c) => [c.method, c.token]),
      [
        ["auth.test", "bot"],
        ["apps.connections.open", "app"],
      ],
    );
  });

  test("acks a slash command envelope, responds at the response_url and posts a message", async () => {
    const payload = fake.slashCommand({ userId: "U0BEN", text: "add ben.young", channelId: "C0APPROVALS" });
    const ack = await fake.socket.send({ type: "slash_commands", payload });
    assert.ok(ack.envelope_id);
    const reply = await fake.waitFor(() => fake.responses.find((r) => r.url === payload.response_url));
    assert.equal(reply.text, "Looking up add ben.young…");
    const posted = await fake.waitFor(() => fake.messagesIn("C0APPROVALS")[0]);
    assert.equal(posted.text, "Request from <@U0BEN>");
  });
});
