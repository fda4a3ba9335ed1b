/**
 * The HTTP endpoints of the contract against the running bot: signatures (missing, wrong, stale,
 * future: 401 and no effect at all), a body too large (413), `/healthz`, `/readyz`, unknown paths.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formBody, interactionBody, signSlackRequest } from "../../src/devslack/signing.ts";
import { COMMANDS_CHANNEL, RITA, SIGNING_SECRET, startWorld, type World } from "./harness.ts";

function addBody(world: World): { body: string; responseUrl: string } {
  const fields = world.fake.slashCommand({
    userId: RITA,
    text: "add ben.young",
    channelId: COMMANDS_CHANNEL,
  });
  return { body: formBody(fields), responseUrl: fields.response_url as string };
}

async function assertNothingHappened(world: World, responseUrl: string): Promise<void> {
  // A correctly signed command sent afterwards is answered: by then a forged one would have been too.
  const control = await world.ask(RITA, "help");
  assert.ok(control);
  await world.bot.idle();
  assert.equal(world.fake.responses.filter((r) => r.url === responseUrl).length, 0, "no answer");
  assert.equal(world.bot.store.requests.listOpen().length, 0, "no request");
  assert.equal(world.bot.store.log.list().length, 0, "nothing in the log");
  assert.equal(world.fake.callsTo("chat.postMessage").length, 0, "nothing posted");
}

describe("request signatures", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, (body: string) => Record<string, string>]> = [
    [
      "missing signature",
      (body) => {
        const { "x-slack-signature": _, ...rest } = signSlackRequest(SIGNING_SECRET, body, now());
        return rest;
      },
    ],
    [
      "missing timestamp",
      (body) => {
        const { "x-slack-request-timestamp": _, ...rest } = signSlackRequest(SIGNING_SECRET, body, now());
        return rest;
      },
    ],
    [
      "wrong signature (another secret)",
      (body) => signSlackRequest("not-the-signing-secret-at-all", body, now()),
    ],
    [
      "wrong signature (body changed after signing)",
      (body) => signSlackRequest(SIGNING_SECRET, `${body}&x=1`, now()),
    ],
    [
      "stale timestamp (6 minutes old, correctly signed)",
      (body) => signSlackRequest(SIGNING_SECRET, body, now() - 360),
    ],
    [
      "future timestamp (6 minutes ahead, correctly signed)",
      (body) => signSlackRequest(SIGNING_SECRET, body, now() + 360),
    ],
  ];
  for (const [name, headers] of cases) {
    test(`${name}: 401 and nothing recorded`, async (t) => {
      const world = await startWorld(t);
      const { body, responseUrl } = addBody(world);
      const answer = await fetch(`${world.url}/slack/events`, {
        method: "POST",
        headers: headers(body),
        body,
      });
      assert.equal(answer.status, 401);
      await assertNothingHappened(world, responseUrl);
    });
  }

  test("a correctly signed body over 64 KiB: 413 and nothing recorded", async (t) => {
    const world = await startWorld(t);
    const fields = world.fake.slashCommand({
      userId: RITA,
      text: `add ben.young ${"x".repeat(64 * 1024)}`,
      channelId: COMMANDS_CHANNEL,
    });
    const answer = await world.post(formBody(fields));
    assert.equal(answer.status, 413);
    await assertNothingHappened(world, fields.response_url as string);
  });

  test("a timestamp 4 minutes off either way is still accepted", async (t) => {
    const world = await startWorld(t);
    for (const skew of [-240, 240]) {
      const { body, responseUrl } = addBody(world);
      const headers = signSlackRequest(SIGNING_SECRET, body, now() + skew);
      const answer = await fetch(`${world.url}/slack/events`, { method: "POST", headers, body });
      assert.equal(answer.status, 200);
      await world.answer(responseUrl);
    }
  });
});

describe("health endpoints", () => {
  test("/healthz is 200; /readyz is 200 before any VB365 call and after a good one; unknown paths 404", async (t) => {
    const world = await startWorld(t);
    const health = await fetch(`${world.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true });
    assert.equal((await fetch(`${world.url}/readyz`)).status, 200);
    await world.ask(RITA, "list");
    assert.equal((await fetch(`${world.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${world.url}/nope`)).status, 404);
    assert.equal((await fetch(`${world.url}/slack/events`)).status, 405);
  });

  test("an options request is answered at once with no options (the bot's menus are static)", async (t) => {
    const world = await startWorld(t);
    const payload = {
      type: "block_suggestion",
      action_id: "some_external_select",
      block_id: "b1",
      value: "ben",
      team: { id: "T0FAKE", domain: "fake" },
      user: { id: RITA, name: "rita", team_id: "T0FAKE" },
      api_app_id: "A0FAKE",
      token: "verification-token",
      container: { type: "message", message_ts: "1.1", channel_id: COMMANDS_CHANNEL, is_ephemeral: false },
      channel: { id: COMMANDS_CHANNEL, name: "general" },
    };
    const answer = await world.post(interactionBody(payload));
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { options: [] });
  });

  test("/readyz is 503 with a reason once the database is closed", async (t) => {
    const world = await startWorld(t);
    world.bot.store.db.close();
    const answer = await fetch(`${world.url}/readyz`);
    assert.equal(answer.status, 503);
    assert.deepEqual(await answer.json(), { ready: false, reason: "database_unavailable" });
  });
});
