import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { connect } from "node:net";
import { describe, type TestContext, test } from "node:test";
import type { Readiness } from "../../src/core/queries/health.ts";
import { signSlackRequest } from "../../src/devslack/signing.ts";
import { createHttpServer, HTTP_LIMITS, type HttpLimits, SLACK_EVENTS_PATH } from "../../src/http/server.ts";
import { silentLogger } from "../../src/logger.ts";
import { ManualClock } from "../support/clock.ts";

const NOW = new Date("2026-03-02T09:00:00Z");
const SECRET = "http-test-signing-secret-0123456789";
const SECONDS = Math.floor(NOW.getTime() / 1000);

async function serve(
  t: TestContext,
  readiness: () => Readiness,
  slack = true,
  limits: Partial<HttpLimits> = {},
) {
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
    limits,
  });
  const { port } = await server.start();
  t.after(() => server.stop(100));
  return { base: `http://127.0.0.1:${port}`, port, seen, server };
}

/**
 * Writes `head` (and `body`, when given) on a raw connection and resolves with what the server
 * sent back once it closed the connection or answered. Raw, so a test controls what is sent and when.
 */
function exchange(port: number, head: string, body?: Buffer | string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const done = () => {
      socket.destroy();
      resolve(received);
    };
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (/^HTTP\/1\.1 \d{3}/.test(received) && received.includes("\r\n\r\n")) done();
    });
    // A server that answers early may close while the rest is still being written.
    socket.on("error", done);
    socket.on("close", done);
    socket.write(head);
    if (body !== undefined) socket.write(body);
  });
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);

describe("the HTTP server", () => {
  test("health, readiness and unknown paths", async (t) => {
    let readiness: Readiness = { ready: true };
    const { base } = await serve(t, () => readiness);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    readiness = { ready: false, reason: "vb365_unreachable" };
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

  test("a body over 64 KiB gets 413 at once: by its declared length before anything is read or checked", async (t) => {
    const { port, seen } = await serve(t, () => ({ ready: true }));
    assert.equal(HTTP_LIMITS.maxBodyBytes, 64 * 1024);
    // Not even signed, and no byte of the body sent: the length alone decides.
    const declared = await exchange(
      port,
      `POST ${SLACK_EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${64 * 1024 + 1}\r\n\r\n`,
    );
    assert.equal(statusOf(declared), 413);
    assert.deepEqual(seen, []);
  });

  test("a body sent without a length gets 413 the moment it passes 64 KiB; one at the limit is handled", async (t) => {
    const { port, seen } = await serve(t, () => ({ ready: true }));
    const chunked = (body: string) => {
      const headers = signSlackRequest(SECRET, body, SECONDS);
      const head =
        `POST ${SLACK_EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n` +
        `X-Slack-Signature: ${headers["x-slack-signature"]}\r\n` +
        `X-Slack-Request-Timestamp: ${headers["x-slack-request-timestamp"]}\r\n\r\n`;
      const chunks: string[] = [];
      for (let at = 0; at < body.length; at += 8_192) {
        const part = body.slice(at, at + 8_192);
        chunks.push(`${part.length.toString(16)}\r\n${part}\r\n`);
      }
      return exchange(port, head, `${chunks.join("")}0\r\n\r\n`);
    };
    // Correctly signed, so only the size can refuse it.
    const over = `command=%2Fvbo-audit&text=${"x".repeat(64 * 1024)}`;
    assert.equal(statusOf(await chunked(over)), 413);
    assert.deepEqual(seen, []);
    const atLimit = `command=%2Fvbo-audit&text=${"y".repeat(64 * 1024 - 26)}`;
    assert.equal(Buffer.byteLength(atLimit), 64 * 1024);
    assert.equal(statusOf(await chunked(atLimit)), 200);
    assert.deepEqual(seen, [atLimit]);
  });

  test("connections are capped, and a client that never finishes its headers is cut off", async (t) => {
    const { port, base } = await serve(t, () => ({ ready: true }), true, {
      maxConnections: 2,
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
    });
    // Half a request: the server answers 408 once the headers are overdue, and closes.
    const stalled = await exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    assert.equal(statusOf(stalled), 408);

    const idle = [connect(port, "127.0.0.1"), connect(port, "127.0.0.1")];
    t.after(() => {
      for (const socket of idle) socket.destroy();
    });
    await Promise.all(idle.map((s) => new Promise((resolve) => s.once("connect", resolve))));
    const third = await exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.equal(third, "", "a third connection is closed without an answer");
    for (const socket of idle) socket.destroy();
    // Once the two are gone, connections are served again.
    let answered = 0;
    while (answered !== 200)
      answered = statusOf(await exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
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
