/**
 * SIGTERM in the middle of an apply, against the real process (`node --import tsx src/main.ts`), the
 * VB365 simulator and the fake Slack. Nothing may be left half-done: an apply that finishes within
 * the grace period is recorded, logged and shown in Slack before the process exits; one that does
 * not is cancelled, left approved (apply_failed, to be retried), and the next process applies it
 * exactly once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { SHUTDOWN_GRACE_MS } from "../src/bot.ts";
import type { Request } from "../src/core/requests/types.ts";
import type { LogEvent } from "../src/core/vocabulary.ts";
import { createDevSlack, type DevSlack, type PostedMessage } from "../src/devslack/index.ts";
import { formBody, interactionBody } from "../src/devslack/signing.ts";
import type { RunningSimulator } from "../src/sim/server.ts";
import { ACTION } from "../src/slack/blocks/ids.ts";
import { createStore, verifyLog } from "../src/store/index.ts";
import {
  APPROVALS,
  AUDIT_POST,
  BEN,
  BOSS,
  botEnvironment,
  COMMANDS_CHANNEL,
  DIGEST,
  findButton,
  ORG,
  RITA,
  textOf,
} from "./e2e/harness.ts";
import { VBRIDGE_MEMBERS } from "./support/actors.ts";
import { type BotProcess, postSigned, spawnBot } from "./support/process.ts";
import { startSimulator } from "./support/simulator.ts";
import { tempDir } from "./support/store.ts";

const SECRET = "shutdown-test-signing-secret-0123456789";
/** The process must be gone by then: the grace, the short wait for cancelled work, and slack. */
const EXIT_WITHIN_MS = SHUTDOWN_GRACE_MS + 5_000;

interface Scene {
  sim: RunningSimulator;
  fake: DevSlack;
  dbPath: string;
  spawn(): BotProcess;
}

async function scene(t: TestContext): Promise<Scene> {
  const dir = tempDir(t, "vbo-audit-shutdown-");
  const sim = await startSimulator(t);
  const fake = await createDevSlack({
    channels: [APPROVALS, DIGEST, COMMANDS_CHANNEL],
    users: VBRIDGE_MEMBERS,
  });
  t.after(() => fake.close());
  const dbPath = join(dir, "data", "vbo-audit.sqlite");
  const env = botEnvironment({ slack: fake, vbo: sim, secret: SECRET, databasePath: dbPath });
  return { sim, fake, dbPath, spawn: () => spawnBot(t, "main", env, dir) };
}

/** `/vbo-audit add ben.young …` by Rita, then the approval message it posts. */
async function requestBen(s: Scene, url: string): Promise<{ id: number; message: PostedMessage }> {
  const fields = s.fake.slashCommand({
    userId: RITA,
    text: "add ben.young legal hold #4411",
    channelId: COMMANDS_CHANNEL,
  });
  assert.equal((await postSigned(url, SECRET, formBody(fields))).status, 200);
  const message = await s.fake.waitFor(
    () => s.fake.messagesIn(APPROVALS).find((m) => findButton(m.blocks, ACTION.approve) !== undefined),
    20_000,
    "the approval message",
  );
  return { id: Number(findButton(message.blocks, ACTION.approve)), message };
}

async function approve(s: Scene, url: string, id: number, message: PostedMessage): Promise<void> {
  const payload = s.fake.blockAction({
    userId: BOSS,
    actionId: ACTION.approve,
    value: String(id),
    on: { message: { channel: APPROVALS, ts: message.ts } },
  });
  assert.equal((await postSigned(url, SECRET, interactionBody(payload))).status, 200);
}

/** The request, its log events and whether the hash chain holds, read from the file after exit. */
function stored(dbPath: string, id: number): { request: Request; events: LogEvent[]; logOk: boolean } {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    const store = createStore(db);
    const request = store.requests.get(id);
    assert.ok(request, `request ${id} is in the database`);
    return { request, events: store.log.forRequest(id), logOk: verifyLog(db).ok };
  } finally {
    db.close();
  }
}

const bensItems = (sim: RunningSimulator) =>
  sim.control.auditItems(ORG.id).filter((i) => i.principal.name.toLowerCase() === BEN.name);
const auditPosts = (sim: RunningSimulator) => sim.stats.count("POST", AUDIT_POST);
const indexOf = (bot: BotProcess, msg: string) => bot.logLines().findIndex((l) => l.msg === msg);

describe("SIGTERM in the middle of an apply", { concurrency: 2 }, () => {
  test("an apply in flight finishes within the grace period: applied, logged, shown in Slack, exit 0", async (t) => {
    const s = await scene(t);
    const bot = s.spawn();
    const { url } = await bot.started();
    const { id, message } = await requestBen(s, url);

    s.sim.faults.setLatency(2_000, { method: "POST", path: /AuditItems$/i });
    await approve(s, url, id, message);
    await s.fake.waitFor(() => auditPosts(s.sim) === 1, 10_000, "VB365 receiving the POST");
    assert.equal(bensItems(s.sim).length, 0, "the POST is still on its way when the signal comes");
    bot.child.kill("SIGTERM");

    assert.equal(await bot.exited(EXIT_WITHIN_MS), 0);
    const shuttingDown = indexOf(bot, "shutting down");
    assert.ok(shuttingDown >= 0, "the signal was logged");
    assert.ok(indexOf(bot, "request applied to VB365") > shuttingDown, "the apply finished after the signal");
    assert.ok(indexOf(bot, "vbo-audit stopped") > indexOf(bot, "request applied to VB365"));
    assert.equal(indexOf(bot, "grace period over: cancelling VB365 calls still in flight"), -1);

    const { request, events, logOk } = stored(s.dbPath, id);
    assert.equal(request.state, "applied");
    assert.deepEqual(
      events.map((e) => e.kind),
      ["requested", "voted", "approved", "apply_attempted", "apply_succeeded"],
    );
    assert.ok(logOk, "the approval log's hash chain verifies");
    assert.equal(bensItems(s.sim).length, 1, "VB365 audits Ben exactly once");
    assert.equal(auditPosts(s.sim), 1);

    const shown = s.fake.message(APPROVALS, message.ts);
    assert.ok(shown);
    assert.ok(
      shown.versions.some((v) => v.via === "chat.update"),
      "the approval message was updated",
    );
    assert.equal(findButton(shown.blocks, ACTION.approve), undefined, "without buttons");
    assert.match(textOf(shown), /Audit item added in VB365/);
  });

  test("an apply longer than the grace period is cancelled, kept approved, and applied once by the next process", async (t) => {
    const s = await scene(t);
    const first = s.spawn();
    const { url } = await first.started();
    const { id, message } = await requestBen(s, url);

    // Far longer than the grace period: exiting in time proves the bound, not VB365, ended it.
    s.sim.faults.setLatency(SHUTDOWN_GRACE_MS * 6, { method: "POST", path: /AuditItems$/i });
    await approve(s, url, id, message);
    await s.fake.waitFor(() => auditPosts(s.sim) === 1, 10_000, "VB365 receiving the POST");
    first.child.kill("SIGTERM");

    assert.equal(await first.exited(EXIT_WITHIN_MS), 0);
    assert.ok(indexOf(first, "grace period over: cancelling VB365 calls still in flight") >= 0);
    const cut = stored(s.dbPath, id);
    assert.equal(cut.request.state, "apply_failed", "still approved, waiting for another attempt");
    assert.ok(cut.request.nextAttemptAt, "with its next attempt scheduled");
    assert.deepEqual(
      cut.events.map((e) => e.kind),
      ["requested", "voted", "approved", "apply_attempted", "apply_failed"],
    );
    assert.ok(cut.logOk);
    assert.equal(bensItems(s.sim).length, 0, "the cancelled POST changed nothing in VB365");

    // The next process, once the attempt is due, applies it: the POST answers at once now.
    s.sim.faults.reset();
    const due = cut.request.nextAttemptAt.getTime() - Date.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due + 100));
    const second = s.spawn();
    await second.started();
    await s.fake.waitFor(
      () => {
        const shown = s.fake.message(APPROVALS, message.ts);
        return shown && /Audit item added in VB365/.test(textOf(shown)) ? shown : undefined;
      },
      20_000,
      "the approval message showing the apply",
    );
    second.child.kill("SIGTERM");
    assert.equal(await second.exited(EXIT_WITHIN_MS), 0);

    const done = stored(s.dbPath, id);
    assert.equal(done.request.state, "applied");
    assert.deepEqual(
      done.events.map((e) => e.kind),
      [
        "requested",
        "voted",
        "approved",
        "apply_attempted",
        "apply_failed",
        "apply_attempted",
        "apply_succeeded",
      ],
    );
    assert.ok(done.logOk);
    assert.equal(bensItems(s.sim).length, 1, "exactly one audit item for Ben");
    assert.equal(auditPosts(s.sim), 2, "the cancelled POST and the one that applied; no duplicate");
  });
});
