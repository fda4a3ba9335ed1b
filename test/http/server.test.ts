import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, type TestContext, test } from "node:test";
import type { Readiness } from "../../src/core/queries/health.ts";
import { signSlackRequest } from "../../src/devslack/signing.ts";
import { createHttpServer, SLACK_EVENTS_PATH } from "../../src/http/server.ts";
import { silentLogger } from "../../src/logger.ts";
import { ManualClock } from "../support/clock.ts";

const NOW = new Date("2026-03-02T09:00:00Z");
const SECRET = "http-test-signing-secret-0123456789";
const SECONDS = Math.floor(NOW.getTime() / 1000);

async function serve(t: TestContext, readiness: () => Readiness, slack = true) {
  const seen: string[] = [];
  // Bolt's receiver takes the body the server read and verified (`rawBody`), as this stand-in does.
  const events = (req: IncomingMessage, res: ServerResponse) => {
    seen.push(String((req as IncomingMessage & { rawBody?: Buffer }).rawBody));
    res.writeHead(200).end("handled");
  };
  const server = createHttpServer({
    port: 0,
    host: "127.0.0.1",
    clock: new ManualClock(NOW.toISOString()),
    logger: silentLogger,
    readiness,
    ...(slack ? { slack: { events, signingSecret: SECRET } } : {}),
  });
  const { port } = await server.start();
  t.after(() => server.stop(100));
  return { base: `http://127.0.0.1:${port}`, seen, server };
}

describe("the HTTP server", () => {
  test("health, readiness and unknown paths", async (t) => {
    let readiness: Readiness = { ready: true };
    const { base } = await serve(t, () => readiness);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    readiness = { ready: false, reason: "the last VB365 call failed: x" };
    const notReady = await fetch(`${base}/readyz`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(await notReady.json(), readiness);
    assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
  });

  test("Slack requests without a good signature or with a timestamp out of bounds never reach Bolt; good ones do", async (t) => {
    const { base, seen } = await serve(t, () => ({ ready: true }));
    const body = "command=%2Fvbo-audit";
    const signed = signSlackRequest(SECRET, body, SECONDS);
    const post = (headers: Record<string, string>) =>
      fetch(`${base}${SLACK_EVENTS_PATH}`, { method: "POST", headers, body });
    const { "x-slack-request-timestamp": _, ...noTimestamp } = signed;
    const { "x-slack-signature": __, ...unsigned } = signed;
    const refused = [
      noTimestamp,
      signSlackRequest(SECRET, body, SECONDS - 600),
      signSlackRequest(SECRET, body, SECONDS + 600),
      { ...signed, "x-slack-request-timestamp": "soon" },
      // Bolt lets an unsigned `ssl_check` through; nothing unsigned gets that far here.
      unsigned,
      { ...signed, "x-slack-signature": "sha256=abc" },
      signSlackRequest("another-signing-secret", body, SECONDS),
      signSlackRequest(SECRET, `${body}&text=forged`, SECONDS),
    ];
    for (const headers of refused) assert.equal((await post(headers)).status, 401);
    assert.deepEqual(seen, []);
    const good = await post(signed);
    assert.equal(good.status, 200);
    assert.deepEqual(seen, [body]);
  });

  test("in Socket Mode there is no /slack/events", async (t) => {
    const { base } = await serve(t, () => ({ ready: true }), false);
    assert.equal((await fetch(`${base}${SLACK_EVENTS_PATH}`, { method: "POST", body: "x" })).status, 404);
  });

  test("stop closes the server", async (t) => {
    const { base, server } = await serve(t, () => ({ ready: true }));
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    await server.stop(100);
    await assert.rejects(fetch(`${base}/healthz`));
  });
});
