/**
 * The logs of the real process (`src/main.ts`) at LOG_LEVEL=debug through a whole story: every
 * stdout line is one JSON object with time, level and msg; the lines that matter carry their
 * context (request id, Slack user, VB365 operation and duration); and no secret appears anywhere in
 * stdout or stderr: not the Slack bot token, the signing secret or the VB365 password, nor the
 * VB365 access and refresh tokens the server issued (caught by a proxy between the bot and VB365).
 * Also: what the process does with errors nothing else caught.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import { createDevSlack, type DevSlack } from "../src/devslack/index.ts";
import { formBody, interactionBody } from "../src/devslack/signing.ts";
import { fatalErrorHandlers, type StopReason } from "../src/lifecycle.ts";
import { ACTION } from "../src/slack/blocks/ids.ts";
import {
  APPROVALS,
  BOSS,
  botEnvironment,
  COMMANDS_CHANNEL,
  DIGEST,
  findButton,
  RITA,
  textOf,
} from "./e2e/harness.ts";
import { VBRIDGE_MEMBERS } from "./support/actors.ts";
import { ManualClock } from "./support/clock.ts";
import { jsonLogger } from "./support/logger.ts";
import { type LogLine, postSigned, spawnBot } from "./support/process.ts";
import { startSimulator } from "./support/simulator.ts";
import { tempDir } from "./support/store.ts";

const SECRET = "log-test-signing-secret-0123456789abcdef";
const LEVELS = new Set(["debug", "info", "warn", "error"]);

/**
 * A pass-through HTTP proxy to VB365 that remembers every bearer token the bot sends and every
 * token the server hands out, so the test knows the values that must never be logged.
 */
async function tokenRecordingProxy(t: TestContext, target: string) {
  const tokens = new Set<string>();
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((req, res) => {
    void (async () => {
      const auth = req.headers.authorization;
      if (auth?.startsWith("Bearer ")) tokens.add(auth.slice("Bearer ".length));
      const body = await read(req);
      const headers: Record<string, string> = {};
      for (const name of ["accept", "authorization", "content-type"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const upstream = await fetch(`${target}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const text = await upstream.text();
      if (/\/token$/i.test(new URL(req.url ?? "/", target).pathname)) {
        try {
          const grant = JSON.parse(text) as Record<string, unknown>;
          for (const key of ["access_token", "refresh_token"]) {
            const value = grant[key];
            if (typeof value === "string") tokens.add(value);
          }
        } catch {
          // Not a grant (an error body): nothing issued.
        }
      }
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      res.end(text);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens };
}

/** What Slack's payloads carried that must not reach a log: response URLs, trigger ids, the token. */
const sentSecrets = new Set<string>();
function remember(payload: Record<string, unknown>): void {
  for (const key of ["response_url", "trigger_id", "token"]) {
    if (typeof payload[key] === "string") sentSecrets.add(payload[key] as string);
  }
}

async function ask(fake: DevSlack, url: string, userId: string, text: string) {
  const fields = fake.slashCommand({ userId, text, channelId: COMMANDS_CHANNEL });
  remember(fields);
  assert.equal((await postSigned(url, SECRET, formBody(fields))).status, 200);
  return fake.waitFor(() => fake.responses.find((r) => r.url === fields.response_url), 20_000, text);
}

/** A reason is what a requester wrote for the approvers, not for the logs. */
const REASON = "legal hold #4411 for Priya's case";

describe("the process's logs", () => {
  test("at debug, through add → approve → applied: JSON lines with context, and no secret anywhere", async (t) => {
    const dir = tempDir(t, "vbo-audit-logs-");
    const sim = await startSimulator(t);
    const proxy = await tokenRecordingProxy(t, sim.url);
    const fake = await createDevSlack({
      channels: [APPROVALS, DIGEST, COMMANDS_CHANNEL],
      users: VBRIDGE_MEMBERS,
    });
    t.after(() => fake.close());
    const bot = spawnBot(
      t,
      "main",
      {
        ...botEnvironment({
          slack: fake,
          // Through the recording proxy, which sees the tokens the bot is given.
          vbo: { url: proxy.url, username: sim.username, password: sim.password },
          secret: SECRET,
          databasePath: join(dir, "data", "vbo-audit.sqlite"),
        }),
        // Rita lists and asks for the status below: she must be a viewer.
        VIEWER_USER_IDS: RITA,
      },
      dir,
    );
    const { url } = await bot.started();

    assert.match((await ask(fake, url, RITA, `add ben.young ${REASON}`)).text ?? "", /posted for approval/);
    const message = await fake.waitFor(
      () => fake.messagesIn(APPROVALS).find((m) => findButton(m.blocks, ACTION.approve) !== undefined),
      20_000,
      "the approval message",
    );
    const id = Number(findButton(message.blocks, ACTION.approve));
    // Tokens renewed mid-story: the refresh grant (and its tokens) is exercised too.
    sim.faults.expireTokens();
    const click = fake.blockAction({
      userId: BOSS,
      actionId: ACTION.approve,
      value: String(id),
      on: { message: { channel: APPROVALS, ts: message.ts } },
    });
    remember(click);
    assert.equal((await postSigned(url, SECRET, interactionBody(click))).status, 200);
    await fake.waitFor(
      () => /Audit item added in VB365/.test(textOf(fake.message(APPROVALS, message.ts))),
      20_000,
      "the approval message showing the apply",
    );
    // A VB365 failure on the way: its error line must not carry secrets either.
    sim.faults.failNext(1, 500, { method: "GET", path: /AuditItems$/i });
    await ask(fake, url, RITA, "list");
    await ask(fake, url, RITA, "status");
    // A forged request is refused and logged without its signature mattering.
    assert.equal(
      (await postSigned(url, "not-the-signing-secret", formBody({ command: "/vbo-audit", text: "list" })))
        .status,
      401,
    );

    bot.child.kill("SIGTERM");
    assert.equal(await bot.exited(20_000), 0);

    const stdout = bot.stdout();
    const stderr = bot.stderr();
    const lines = stdout.split("\n").filter((line) => line !== "");
    for (const line of lines) {
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        assert.fail(`a stdout line is not JSON: ${line}`);
      }
      assert.equal(typeof parsed.time, "string", line);
      assert.ok(!Number.isNaN(Date.parse(parsed.time as string)), `time is a date: ${line}`);
      assert.ok(LEVELS.has(parsed.level as string), `level: ${line}`);
      assert.ok(typeof parsed.msg === "string" && parsed.msg !== "", `msg: ${line}`);
    }
    assert.ok(
      lines.some((l) => l.includes('"level":"debug"')),
      "debug lines were written",
    );

    assert.ok(proxy.tokens.size >= 2, "the bot logged in and renewed its token through the proxy");
    const secrets: Record<string, string> = {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      VBO_PASSWORD: sim.password,
    };
    for (const [i, token] of [...proxy.tokens].entries()) secrets[`VB365 token ${i + 1}`] = token;
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!stdout.includes(value), `${name} is not in stdout`);
      assert.ok(!stderr.includes(value), `${name} is not in stderr`);
    }
    // Nor what the requests carried: Slack's libraries log whole bodies at debug.
    assert.ok(sentSecrets.size >= 4, "response URLs, trigger ids and the verification token were sent");
    for (const value of [...sentSecrets, REASON]) {
      assert.ok(
        !stdout.includes(value) && !stdout.includes(JSON.stringify(value).slice(1, -1)),
        `${value} is not logged`,
      );
      assert.ok(!stderr.includes(value), `${value} is not in stderr`);
    }

    // Context where it matters.
    const logs = bot.logLines();
    const find = (msg: string, check: (l: LogLine) => boolean = () => true) =>
      logs.find((l) => l.msg === msg && check(l));
    const handled = (type: string, name: string, user: string) =>
      find("slack request handled", (l) => l.type === type && l.name === name && l.slackUser === user);
    assert.equal(
      typeof handled("command", "/vbo-audit", RITA)?.durationMs,
      "number",
      "a command: who, how long",
    );
    assert.equal(
      typeof handled("action", ACTION.approve, BOSS)?.durationMs,
      "number",
      "a click: who, how long",
    );
    assert.ok(find("request submitted", (l) => l.requestId === id && l.requester === RITA));
    assert.ok(
      find("request acted on", (l) => l.requestId === id && l.actor === BOSS && l.outcome === "approved"),
    );
    const applied = find("request applied to VB365", (l) => l.requestId === id);
    assert.equal(typeof applied?.durationMs, "number", "the apply: which request, how long");
    const post = find("vbo call", (l) => l.operation === "addAuditItems");
    assert.ok(post, "the VB365 change is logged with its operation");
    assert.equal(typeof post.durationMs, "number", "and its duration");
    assert.ok(
      find("vbo call", (l) => l.level === "warn" && l.operation === "listAuditItems" && l.status === 500),
      "a VB365 failure is a warning, not only a debug line",
    );
    const synced = find("directory synced");
    assert.ok(synced, "the directory was synced");
    assert.ok(!Number.isNaN(Date.parse(String(synced.syncedAt))), "dates are logged as dates, not {}");
  });
});

describe("errors nothing else caught", () => {
  const capture = () => {
    const { logger, lines } = jsonLogger({ level: "info", secrets: ["hunter2-secret"] });
    const stops: StopReason[] = [];
    const handlers = fatalErrorHandlers(logger, (stop) => stops.push(stop));
    return { handlers, stops, records: lines };
  };

  test("an unhandled rejection is an error line with the error, and the bot carries on", () => {
    const { handlers, stops, records } = capture();
    handlers.unhandledRejection(new TypeError("boom while posting the digest"));
    const [line] = records();
    assert.ok(line);
    assert.equal(line.level, "error");
    assert.equal(line.msg, "unhandled promise rejection");
    const error = line.error as Record<string, unknown>;
    assert.equal(error.name, "TypeError");
    assert.equal(error.message, "boom while posting the digest");
    assert.match(String(error.stack), /TypeError: boom/);
    assert.deepEqual(stops, []);
  });

  test("an uncaught exception is an error line, and asks for a shutdown with a non-zero exit", () => {
    const { handlers, stops, records } = capture();
    handlers.uncaughtException(new Error("bad state: password hunter2-secret leaked"), "uncaughtException");
    const [line] = records();
    assert.ok(line);
    assert.equal(line.level, "error");
    assert.equal(line.msg, "uncaught exception: shutting down");
    assert.equal(line.origin, "uncaughtException");
    assert.equal((line.error as Record<string, unknown>).message, "bad state: password [redacted] leaked");
    assert.deepEqual(stops, [{ reason: "uncaughtException", code: 1 }]);
  });

  test("a context field cannot forge a line's time, level or message", () => {
    const { logger, lines } = jsonLogger({
      level: "info",
      clock: new ManualClock("2026-11-25T09:00:00Z"),
    });
    logger.info("real message", { level: "error", msg: "forged", time: "yesterday", requestId: 7 });
    assert.deepEqual(lines()[0], {
      time: "2026-11-25T09:00:00.000Z",
      level: "info",
      msg: "real message",
      requestId: 7,
    });
  });
});
