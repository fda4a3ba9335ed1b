/**
 * What the contract promises when things go wrong: VB365 down at approval (retried until it
 * applies, and the message says so), VB365 slow or down while a command runs (acked at once,
 * answered later, nothing lost), and a restart between posting and clicking.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import { HOUR } from "../support/clock.ts";
import {
  BEN,
  BOSS,
  clickOnRequest,
  findButton,
  JOBS_BY_HAND,
  ORG,
  RITA,
  requestIdOfLatest,
  startWorld,
  textOf,
  VIEWER,
} from "./harness.ts";

describe("VB365 failing", () => {
  test("down at approval: the request stays approved, the message says it retries; recovered, it applies and updates", async (t) => {
    const world = await startWorld(t);
    await world.ask(RITA, "add ben.young legal hold");
    const id = requestIdOfLatest(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);

    world.sim.faults.failNext(1_000, 503);
    await clickOnRequest(world, BOSS, ACTION.approve, id);
    const failed = await world.waitForApprovalMessage(id, (text) =>
      text.includes("applying to VB365 failed"),
    );
    assert.ok(textOf(failed).includes("Retrying at"));
    assert.equal(findButton(failed.blocks, ACTION.approve), undefined, "decided: no buttons");
    assert.equal(world.bot.store.requests.get(id)?.state, "apply_failed");
    const dm = await world.fake.waitFor(() => world.dms(RITA)[0], 5_000, "the requester's DM");
    assert.match(dm.text, /applying it to VB365 failed/);

    const notReady = await fetch(`${world.url}/readyz`);
    assert.equal(notReady.status, 503);
    // A generic reason for anyone who can reach it; what VB365 said goes to the log.
    assert.deepEqual(await notReady.json(), { ready: false, reason: "vb365_unreachable" });
    const logged = world.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === "not ready");
    assert.equal(logged?.reason, "vb365_unreachable");
    assert.match(String(logged?.detail), /VB365 .*503|Service Unavailable/);

    // VB365 is back; the retry job (played by the test) applies it and re-renders the request.
    world.sim.faults.reset();
    const [result] = await world.bot.core.applier.retryDue(new Date(Date.now() + 2 * HOUR));
    assert.equal(result?.kind, "applied");
    await world.bot.core.views.refresh([id]);
    const applied = world.approvalMessage(id);
    assert.ok(textOf(applied).includes("Audit item added in VB365"));
    assert.ok(world.sim.control.auditItems(ORG.id).some((i) => i.principal.name.toLowerCase() === BEN.name));
    assert.equal(world.dms(RITA).length, 2, "told of the failure, then of the success");
    assert.equal((await fetch(`${world.url}/readyz`)).status, 200);
  });

  test("down while a command runs: the answer says VB365 is unreachable and nothing was recorded", async (t) => {
    const world = await startWorld(t);
    world.sim.faults.failNext(1_000, 503);
    const { http, responseUrl } = await world.command(RITA, "add ben.young");
    assert.equal(http.status, 200);
    const answer = await world.answer(responseUrl);
    assert.match(textOf(answer), /VB365 could not be reached/);
    assert.match(textOf(answer), /Nothing was recorded and nothing was lost/);
    assert.equal(world.bot.store.requests.listOpen().length, 0);
    assert.equal((await fetch(`${world.url}/readyz`)).status, 503);
  });

  test("slow: the command is acked while VB365 is still answering, and the answer follows at the response URL", async (t) => {
    const world = await startWorld(t);
    // Log in and learn the API version and organizations first, so only the audit items are slow.
    await world.ask(VIEWER, "status");
    const before = world.sim.stats.count("GET", /AuditItems$/i);
    world.sim.faults.setLatency(10_000, { path: /AuditItems$/i });

    const { http, responseUrl } = await world.command(VIEWER, "list");
    assert.equal(http.status, 200);
    assert.equal(await http.text(), "", "an empty ack");
    // The ack is in while the VB365 call it started is still in flight.
    await world.fake.waitFor(
      () => world.sim.stats.count("GET", /AuditItems$/i) > before,
      5_000,
      "the VB365 call",
    );
    assert.equal(world.fake.responses.filter((r) => r.url === responseUrl).length, 0, "no answer yet");

    const answer = await world.answer(responseUrl);
    assert.ok(textOf(answer).includes("Executive Team"));
    world.sim.faults.reset();
  });
});

describe("Slack failing", () => {
  test("an update refused after an approval click is queued, and the next retry-applies run re-renders it", async (t) => {
    const world = await startWorld(t, { bot: { jobs: JOBS_BY_HAND } });
    await world.ask(RITA, "add ben.young legal hold");
    const id = requestIdOfLatest(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    const queue = world.bot.store.rerenders;

    world.fake.failNext("chat.update", "ratelimited");
    await clickOnRequest(world, BOSS, ACTION.approve, id);
    const queued = await world.fake.waitFor(() => queue.list()[0], 10_000, "the re-render queued");
    await world.bot.idle();
    assert.equal(queued.requestId, id);
    assert.match(queued.lastError ?? "", /Slack/);
    assert.equal(queue.list().length, 1);
    assert.equal(world.bot.store.requests.get(id)?.state, "applied");
    assert.ok(findButton(world.approvalMessage(id)?.blocks, ACTION.approve), "the update was refused");

    assert.ok(world.bot.jobs);
    await world.bot.jobs.runNow("retry-applies");
    const updated = world.approvalMessage(id);
    assert.equal(findButton(updated?.blocks, ACTION.approve), undefined, "no buttons once decided");
    assert.ok(textOf(updated).includes("Audit item added in VB365"));
    assert.deepEqual(queue.list(), [], "the queue is empty");
    assert.equal(world.dms(RITA).length, 1, "the requester is told once");
  });
});

describe("shutting down", () => {
  test("stop() lets a command in flight finish and answer before closing", async (t) => {
    const world = await startWorld(t);
    await world.ask(VIEWER, "status");
    world.sim.faults.setLatency(1_000, { path: /AuditItems$/i });
    const before = world.sim.stats.count("GET", /AuditItems$/i);
    const { http, responseUrl } = await world.command(VIEWER, "list");
    assert.equal(http.status, 200);
    await world.fake.waitFor(
      () => world.sim.stats.count("GET", /AuditItems$/i) > before,
      5_000,
      "the VB365 call",
    );

    await world.bot.stop();
    const answered = world.fake.responses.find((r) => r.url === responseUrl);
    assert.ok(answered, "answered before stop() returned");
    assert.ok(textOf(answered).includes("Executive Team"));
    assert.equal(world.bot.store.db.open, false, "the database is closed at the end");
    await assert.rejects(fetch(`${world.url}/healthz`), "no longer listening");
  });
});

describe("a restart", () => {
  test("a click on a message posted before the restart still works", async (t) => {
    const world = await startWorld(t);
    await world.ask(RITA, "add ben.young");
    const id = requestIdOfLatest(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);

    await world.restart();
    await clickOnRequest(world, BOSS, ACTION.approve, id);
    const applied = await world.waitForApprovalMessage(id, (text) =>
      text.includes("Audit item added in VB365"),
    );
    assert.equal(applied.ts, posted.ts, "the same message, updated in place");
    assert.ok(world.sim.control.auditItems(ORG.id).some((i) => i.principal.name.toLowerCase() === BEN.name));
  });
});
