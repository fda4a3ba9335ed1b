import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SocketModeClient } from "@slack/socket-mode";
import { WebSocket } from "ws";
import { createFakeSlack, type FakeSlack } from "../support/fake-slack.ts";
import { silentSlackLogger as silent } from "./helpers.ts";

describe("fake Slack Socket Mode", () => {
  let fake: FakeSlack;
  let client: SocketModeClient;

  before(async () => {
    fake = await createFakeSlack({ channels: ["C0APPROVALS"], users: [{ id: "U0BEN", name: "ben" }] });
    client = new SocketModeClient({
      appToken: fake.appToken,
      logger: silent,
      autoReconnectEnabled: false,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    client.on(
      "slash_commands",
      async ({ ack, body }: { ack: (r?: unknown) => Promise<void>; body: Record<string, string> }) => {
        await ack({ response_type: "ephemeral", text: `You typed: ${body.text}` });
      },
    );
    client.on("interactive", async ({ ack }: { ack: () => Promise<void> }) => {
      await ack();
    });
  });
  after(async () => {
    await client.disconnect();
    await fake.close();
  });

  test("the client connects through apps.connections.open with the app token and gets hello", async () => {
    await client.start();
    await fake.socket.connected;
    assert.equal(fake.socket.connections, 1);
    const open = fake.callsTo("apps.connections.open");
    assert.equal(open.length, 1);
    assert.equal(open[0]?.token, "app");
  });

  test("a slash command envelope is delivered and its ack comes back with the payload", async () => {
    const ack = await fake.socket.send({
      type: "slash_commands",
      envelope_id: "env-1",
      payload: fake.slashCommand({ userId: "U0BEN", text: "pending", channelId: "C0APPROVALS" }),
    });
    assert.deepEqual(ack, {
      envelope_id: "env-1",
      payload: { response_type: "ephemeral", text: "You typed: pending" },
    });
    assert.deepEqual(fake.socket.acks.at(-1), ack);
  });

  test("an interactive envelope is acknowledged with an empty payload", async () => {
    const ack = await fake.socket.send({
      type: "interactive",
      payload: { type: "block_actions", actions: [] },
    });
    assert.match(ack.envelope_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(ack.payload ?? {}, {});
  });

  test("an envelope nobody acknowledges times out with a reason", async () => {
    await assert.rejects(
      fake.socket.send(
        { type: "events_api", payload: { event: { type: "nobody_listens" } } },
        { timeoutMs: 50 },
      ),
      /was not acknowledged within 50 ms/,
    );
  });

  test("a connection URL works once; other paths and tickets are refused", async () => {
    const refused = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on("open", () => {
          ws.terminate();
          resolve(101);
        });
        ws.on("error", () => {});
      });
    const used = fake.calls.length;
    const res = await fetch(`${fake.apiUrl}apps.connections.open`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.appToken}` },
    });
    const { url } = (await res.json()) as { url: string };
    assert.equal(fake.calls.length, used + 1);
    assert.equal(await refused(url), 101);
    assert.equal(await refused(url), 401, "the ticket was used");
    assert.equal(await refused(url.replace("/link/", "/other/")), 401);
  });
});

describe("fake Slack Socket Mode without a client", () => {
  test("send says no client is connected", async (t) => {
    const fake = await createFakeSlack();
    t.after(() => fake.close());
    await assert.rejects(
      fake.socket.send({ type: "slash_commands", payload: {} }),
      /no Socket Mode client is connected/,
    );
  });
});
