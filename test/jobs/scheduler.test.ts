/**
 * The scheduler's own promises: start schedules and catches up, stop is bounded and final, a job
 * never runs twice at once, runs are recorded, and failures never escape as rejections.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import cron from "node-cron";
import { SEED } from "../../src/sim/types.ts";
import { DIGEST, ORG } from "../support/actors.ts";
import { JOBS_BY_HAND } from "../support/schedules.ts";
import { testWorld } from "../support/world.ts";

describe("the scheduler", () => {
  test("start schedules every job in the time zone, stop removes them and is final", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T08:00:00.000Z", timezone: "Pacific/Auckland" });
    const before = cron.getTasks().size;
    const jobs = w.jobs(JOBS_BY_HAND);
    jobs.start();
    const ours = [...cron.getTasks().values()].filter((task) => task.name?.startsWith("vbo-audit:"));
    // digest, its catch-up check, and the six other jobs (the watcher: ALERTS_CHANNEL_ID is set).
    assert.equal(ours.length, 8);
    assert.throws(() => jobs.start(), /already started/);
    await jobs.stop();
    assert.equal(cron.getTasks().size, before);
    const after = await jobs.runNow("expire-requests");
    assert.equal(after.outcome, "skipped");
    assert.match(after.detail, /stopping/);
    await assert.rejects(jobs.digest.postNow("U0BOSS"), /could not be posted/);
  });

  test("cron fires the jobs (here every second) and each tick is recorded as a run", async (t) => {
    const w = await testWorld(t);
    const jobs = w.jobs({ schedules: { ...JOBS_BY_HAND.schedules, "expire-requests": "* * * * * *" } });
    const runs = w.store.runs;
    jobs.start();
    for (let i = 0; i < 100 && runs.recent("expire-requests").length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await jobs.stop();
    const recorded = runs.recent("expire-requests");
    assert.ok(recorded.length >= 1, "a tick ran the job");
    assert.equal(recorded[0]?.outcome, "succeeded");
    assert.equal(recorded[0]?.detail, "0 requests expired");
  });

  test("without ALERTS_CHANNEL_ID the watcher is not scheduled", async (t) => {
    const w = await testWorld(t, { alerts: false });
    const jobs = w.jobs(JOBS_BY_HAND);
    jobs.start();
    const names = [...cron.getTasks().values()]
      .map((task) => task.name ?? "")
      .filter((n) => n.startsWith("vbo-audit:"));
    assert.ok(!names.some((n) => n.includes("watch-access")));
    assert.equal(names.length, 7);
    await jobs.stop();
  });

  test("a job asked for twice at once runs twice, one after the other; every run is recorded", async (t) => {
    const w = await testWorld(t);
    const jobs = w.jobs();
    const [a, b] = await Promise.all([jobs.runNow("sync-directory"), jobs.runNow("sync-directory")]);
    assert.equal(a.outcome, "succeeded");
    assert.equal(b.outcome, "succeeded");
    const runs = w.store.runs.recent("sync-directory");
    assert.equal(runs.length, 2);
    // One after the other: the second started when the first had finished.
    const [second, first] = runs;
    assert.ok(first?.finishedAt && second);
    assert.ok(second.startedAt.getTime() >= first.finishedAt.getTime());
    for (const run of runs) {
      assert.equal(run.period, "2026-11-25T09:00");
      assert.match(run.detail ?? "", /2 organizations synced/);
    }
  });

  test("stop waits for a running job, but only up to its bound", async (t) => {
    const w = await testWorld(t);
    const jobs = w.jobs({ stopTimeoutMs: 50 });
    // VB365 answers the organization list only after a long while.
    w.sim.faults.setLatency(3_000, { path: /Organizations$/i });
    const running = jobs.runNow("sync-directory");
    // Let the run start before stopping.
    await new Promise((resolve) => setImmediate(resolve));
    await jobs.stop();
    const runs = w.store.runs;
    assert.equal(
      runs.recent("sync-directory")[0]?.finishedAt,
      null,
      "stop returned before the slow run ended",
    );
    const result = await running;
    assert.equal(result.outcome, "succeeded");
    assert.ok(runs.recent("sync-directory")[0]?.finishedAt);
    w.sim.faults.reset();
  });

  test("a job failing in every way is recorded as failed and never rejects", async (t) => {
    const w = await testWorld(t);
    w.sim.control.addAuditItem(ORG.id, { type: "User", ...SEED.benYoung });
    const jobs = w.jobs();
    w.sim.faults.failNext(100, 503);
    w.slack.failNext("chat.postMessage", "fatal_error");
    const results = await Promise.all([
      jobs.runNow("sync-directory"),
      jobs.runNow("watch-access"),
      jobs.runNow("retry-applies"),
      jobs.runNow("digest"),
    ]);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ["failed", "failed", "succeeded", "failed"],
    );
    for (const r of results.filter((x) => x.outcome === "failed"))
      assert.doesNotMatch(r.detail, /stack|at \//);
    assert.deepEqual(w.messages(DIGEST), []);
    w.sim.faults.reset();
  });
});
