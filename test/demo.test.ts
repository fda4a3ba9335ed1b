/**
 * `npm run demo` as a process (`node --import tsx src/demo.ts`): given only the Slack settings, it
 * runs the bot with the VB365 simulator inside, in its own database, answers /readyz, answers a
 * signed `/vbo-audit list` at the response URL with the simulator's seeded audited group, and
 * stops both on SIGTERM. Without them, it serves the playground: one URL, a page, and a command
 * typed there answered by the bot, with nothing listening beyond loopback.
 */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SHUTDOWN_GRACE_MS } from "../src/bot.ts";
import { createDevSlack } from "../src/devslack/index.ts";
import type { Snapshot } from "../src/devslack/playground/protocol.ts";
import { formBody } from "../src/devslack/signing.ts";
import { SEED } from "../src/sim/types.ts";
import { textOf } from "./e2e/harness.ts";
import { postSigned, spawnBot } from "./support/process.ts";
import { tempDir } from "./support/store.ts";

const SECRET = "demo-test-signing-secret-0123456789";

test("the demo needs only Slack settings: ready, answers `list` from its simulator, stops on SIGTERM", async (t) => {
  const cwd = tempDir(t, "vbo-audit-demo-");
  // A .env written for a real server: the demo must not follow it to VB365 or its database.
  writeFileSync(
    join(cwd, ".env"),
    [
      "VBO_URL=https://vbo.corp.invalid:4443",
      "VBO_USERNAME=CORP\\svc-vbo-audit",
      "VBO_PASSWORD=the-real-servers-password",
      "DATABASE_PATH=./data/production.sqlite",
      "",
    ].join("\n"),
  );
  const fake = await createDevSlack({ channels: ["C0APPROVALS", "C0DIGEST", "C0GENERAL"] });
  t.after(() => fake.close());
  const bot = spawnBot(
    t,
    "demo",
    {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: "0",
      APPROVALS_CHANNEL_ID: "C0APPROVALS",
      DIGEST_CHANNEL_ID: "C0DIGEST",
      APPROVER_USER_IDS: "U0BOSS",
      // Rita lists who is audited: she must be a viewer.
      VIEWER_USER_IDS: "U0RITA",
    },
    cwd,
  );
  const { url } = await bot.started(30_000);
  const simLine = await bot.waitForLine(
    (l) => l.msg === "demo: VB365 simulator running in this process",
    "the simulator line",
  );
  assert.match(String(simLine.vboUrl), /^http:\/\/127\.0\.0\.1:\d+$/);
  // The person at the terminal is told where it is (stderr: stdout holds JSON log lines only).
  await fake.waitFor(
    () => bot.stderr().includes(`VB365 simulator at ${String(simLine.vboUrl)}`),
    5_000,
    "the demo banner",
  );

  const ready = await fetch(`${url}/readyz`);
  assert.equal(ready.status, 200, await ready.text());

  const fields = fake.slashCommand({ userId: "U0RITA", text: "list", channelId: "C0GENERAL" });
  assert.equal((await postSigned(url, SECRET, formBody(fields))).status, 200);
  const answer = await fake.waitFor(
    () => fake.responses.find((r) => r.url === fields.response_url),
    20_000,
    "the answer to list",
  );
  assert.equal(answer.responseType, "ephemeral");
  assert.match(textOf(answer), new RegExp(SEED.groups.executiveTeam.displayName));
  assert.match(textOf(answer), new RegExp(SEED.organization.name));

  bot.child.kill("SIGTERM");
  assert.equal(await bot.exited(SHUTDOWN_GRACE_MS + 5_000), 0);
  assert.ok(existsSync(join(cwd, "data", "demo.sqlite")), "the demo kept to its own database");
  assert.ok(!existsSync(join(cwd, "data", "production.sqlite")), "and left the .env's alone");
  assert.ok(!bot.stdout().includes("vbo.corp.invalid"), "the .env's VB365 server was never used");
});

/** Polls `check` until it returns something; fails after `timeoutMs` naming `what`. */
async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

test("without Slack settings the demo serves the playground: one URL, the page, a command answered", async (t) => {
  const cwd = tempDir(t, "vbo-audit-playground-");
  const bot = spawnBot(t, "demo", { PORT: "0", LOG_LEVEL: "info" }, cwd);
  const { port: botPort } = await bot.started(30_000);
  const url = await eventually(
    () => /Open (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(bot.stderr())?.[1],
    "playground URL on stderr",
  );
  assert.equal(bot.stderr().match(/https?:\/\//g)?.length, 1, `one URL for the person:\n${bot.stderr()}`);

  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script src="\/app.js">/);

  // The viewer types `/vbo-audit list` in #general; the bot's answer is shown to them alone.
  const typed = await fetch(`${url}act`, {
    method: "POST",
    body: JSON.stringify({ kind: "command", as: "U0TOM", channel: "C0GENERAL", text: "/vbo-audit list" }),
  });
  assert.deepEqual(await typed.json(), { ok: true });
  const answer = await eventually(async () => {
    const seen = (await (await fetch(`${url}state?as=U0TOM`)).json()) as Snapshot;
    return seen.items.C0GENERAL?.find((item) => item.kind === "ephemeral");
  }, "answer to list");
  assert.match(textOf(answer), new RegExp(SEED.groups.executiveTeam.displayName));
  const other = (await (await fetch(`${url}state?as=U0PRIYA`)).json()) as Snapshot;
  assert.deepEqual(other.items.C0GENERAL, [], "nobody else sees the answer");

  // Loopback only: the page and the bot refuse the machine's other addresses.
  const pagePort = Number(new URL(url).port);
  const elsewhere = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === "IPv4" && !a.internal)
    .map((a) => a?.address as string);
  for (const host of ["127.0.0.2", ...elsewhere]) {
    for (const port of [pagePort, botPort]) assert.equal(await accepts(host, port), false, `${host}:${port}`);
  }
  assert.equal(await accepts("127.0.0.1", pagePort), true);

  bot.child.kill("SIGTERM");
  assert.equal(await bot.exited(SHUTDOWN_GRACE_MS + 5_000), 0);
  assert.ok(!existsSync(join(cwd, "data")), "the playground's database was temporary");
});
