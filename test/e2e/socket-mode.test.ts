/**
 * Socket Mode end to end: the bot connects through `apps.connections.open` to the fake's WebSocket
 * server, handles a slash command envelope (ack, then the answer at the response URL) and a click,
 * and serves /healthz and /readyz on its own port while /slack/events does not exist.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import { APPROVALS, BOSS, COMMANDS_CHANNEL, RITA, requestIdOfLatest, startWorld, textOf } from "./harness.ts";

test("Socket Mode: connects, answers a slash command envelope and a button click", async (t) => {
  const world = await startWorld(t, {
    env: (fake) => ({ SLACK_APP_TOKEN: fake.appToken, SLACK_SIGNING_SECRET: "" }),
  });
  assert.equal(world.config.slack.mode, "socket");
  await world.fake.socket.connected;
  const opened = world.fake.callsTo("apps.connections.open");
  assert.equal(opened.length, 1);
  assert.equal(opened[0]?.token, "app");

  const payload = world.fake.slashCommand({
    userId: RITA,
    text: "add ben.young case #77 via socket",
    channelId: COMMANDS_CHANNEL,
  });
  const ack = await world.fake.socket.send({ type: "slash_commands", payload });
  assert.ok(ack.envelope_id);
  const answer = await world.answer(payload.response_url as string);
  assert.match(answer.text ?? "", /posted for approval/, textOf(answer));

  const id = requestIdOfLatest(world);
  const posted = world.approvalMessage(id);
  assert.ok(posted);
  const click = world.fake.blockAction({
    userId: BOSS,
    actionId: ACTION.approve,
    value: String(id),
    on: { message: { channel: APPROVALS, ts: posted.ts } },
  });
  await world.fake.socket.send({ type: "interactive", payload: click });
  await world.waitForApprovalMessage(id, (text) => text.includes("Audit item added in VB365"));

  assert.equal((await fetch(`${world.url}/healthz`)).status, 200);
  const ready = await fetch(`${world.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { ready: true });
  assert.equal((await fetch(`${world.url}/slack/events`, { method: "POST", body: "x" })).status, 404);

  // The bot logs at debug here, and the Socket Mode client would log every envelope whole.
  const logged = world.logs.join("\n");
  assert.ok(
    world.logs.some((l) => l.includes('"level":"debug"')),
    "debug lines were written",
  );
  for (const secret of [
    payload.response_url,
    payload.trigger_id,
    payload.token,
    click.response_url,
    "case #77",
  ]) {
    assert.equal(typeof secret, "string");
    assert.ok(!logged.includes(secret as string), `${String(secret)} is not logged`);
  }
});
