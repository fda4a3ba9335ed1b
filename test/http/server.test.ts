import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, type TestContext, test } from "node:test";
import type { Readiness } from "../../src/core/queries/queries.ts";
import { checkSlackTimestamp, createHttpServer, SLACK_EVENTS_PATH } from "../../src/http/server.ts";
import { silentLogger } from "../../src/logger.ts";

const NOW = new Date("2026-03-02T09:00:00Z");
const SECONDS = Math.floor(NOW.getTime() / 1000);

describe("checkSlackTimestamp", () => {
  test("accepts up to five minutes either way", () => {
    for (const skew of [0, -300, 300, -1, 1]) {
      assert.deepEqual(checkSlackTimestamp(String(SECONDS + skew), NOW), { ok: true }, `skew ${skew}`);
    }
  });
  test("refuses missing, malformed, stale and future timestamps", () => {
    assert.deepEqual(checkSlackTimestamp(undefined, NOW), { ok: false, reason: "missing" });
    assert.deepEqual(checkSlackTimestamp(" ", NOW), { ok: false, reason: "missing" });
    assert.deepEqual(checkSlackTimestamp("12ab", NOW), { ok: false, reason: "malformed" });
    assert.deepEqual(checkSlackTimestamp(String(SECONDS - 301), NOW), { ok: false, reason: "stale" });
    assert.deepEqual(checkSlackTimestamp(String(SECONDS + 301), NOW), { ok: false, reason: "future" });
  });
});

async function serve(t: TestContext, readiness: () => Readiness, slack = true) {
  const seen: string[] = [];
  const slackEvents = (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push(body);
      res.writeHead(200).end("handled");
    });
  };
  const server = createHttpServer({
    port: 0,
    host: "127.0.0.1",
    clock: { now: () => NOW },
    logger: silentLogger,
    readiness,
    ...(slack ? { slackEvents } : {}),
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

  test("Slack requests without a signature or with a timestamp out of bounds never reach Bolt; good ones do", async (t) => {
    const { base, seen } = await serve(t, () => ({ ready: true }));
    const post = (timestamp?: string, signature: string | null = "v0=abc") =>
      fetch(`${base}${SLACK_EVENTS_PATH}`, {
        method: "POST",
        headers: {
          ...(timestamp === undefined ? {} : { "x-slack-request-timestamp": timestamp }),
          ...(signature === null ? {} : { "x-slack-signature": signature }),
        },
        body: "command=%2Fvbo-audit",
      });
    for (const bad of [undefined, String(SECONDS - 600), String(SECONDS + 600), "soon"]) {
      assert.equal((await post(bad)).status, 401);
    }
    // Bolt lets an unsigned `ssl_check` through; nothing unsigned gets that far here.
    assert.equal((await post(String(SECONDS), null)).status, 401);
    assert.equal((await post(String(SECONDS), "sha256=abc")).status, 401);
    assert.deepEqual(seen, []);
    // Bolt checks the signature itself; this server only lets a signed, timely request through.
    const good = await post(String(SECONDS));
    assert.equal(good.status, 200);
    assert.deepEqual(seen, ["command=%2Fvbo-audit"]);
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
