/**
 * The job run record on real SQLite with the real migrations: an exclusive period is claimed once,
 * a crashed run stops blocking when its lease passes, repeated failures give a period up, and
 * pruning keeps what stops a digest from being posted twice.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JobRunRepository } from "../../src/store/jobs.ts";
import { MINUTE } from "../support/clock.ts";
import { tempStore } from "../support/store.ts";

const t0 = new Date("2026-11-25T09:00:00.000Z");
const later = (ms: number) => new Date(t0.getTime() + ms);

function claim(runs: JobRunRepository, now: Date, owner = "a", maxAttempts?: number) {
  return runs.begin({
    job: "digest",
    period: "2026-11-25T09:00",
    owner,
    now,
    leaseMs: 15 * MINUTE,
    exclusive: true,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

describe("job runs", () => {
  test("an exclusive period is claimed once: busy while running, done once it succeeded", (t) => {
    const store = tempStore(t);
    const runs = store.runs;
    const first = claim(runs, t0);
    assert.equal(first.kind, "started");
    assert.equal(claim(runs, later(MINUTE), "b").kind, "busy");
    assert.ok(first.kind === "started");
    assert.equal(runs.finish(first.run.id, later(2 * MINUTE), "succeeded", "posted 1 message"), true);
    const again = claim(runs, later(3 * MINUTE), "b");
    assert.equal(again.kind, "done");
    assert.ok(again.kind === "done");
    assert.equal(again.run.id, first.run.id);
    assert.equal(runs.ofPeriod("digest", "2026-11-25T09:00").length, 1);
  });

  test("the database itself refuses a second success for an exclusive period", (t) => {
    const store = tempStore(t);
    const insert = store.db.prepare(
      `INSERT INTO job_runs (job, period, exclusive, owner, started_at, lease_until, finished_at, outcome)
       VALUES ('digest', 'p', 1, 'x', ?, ?, ?, 'succeeded')`,
    );
    const at = t0.toISOString();
    insert.run(at, at, at);
    assert.throws(() => insert.run(at, at, at), /UNIQUE/);
  });

  test("a run that never finished blocks until its lease passes, then is marked abandoned and taken over", (t) => {
    const store = tempStore(t);
    const runs = store.runs;
    const crashed = claim(runs, t0);
    assert.ok(crashed.kind === "started");
    assert.equal(claim(runs, later(14 * MINUTE), "b").kind, "busy");
    const next = claim(runs, later(16 * MINUTE), "b");
    assert.equal(next.kind, "started");
    assert.ok(next.kind === "started");
    assert.deepEqual(
      next.abandoned.map((r) => [r.id, r.outcome]),
      [[crashed.run.id, "abandoned"]],
    );
    // The crashed process cannot overwrite the outcome afterwards.
    assert.equal(runs.finish(crashed.run.id, later(17 * MINUTE), "succeeded"), false);
    assert.equal(runs.get(crashed.run.id)?.outcome, "abandoned");
  });

  test("a period is given up after too many failed attempts", (t) => {
    const store = tempStore(t);
    const runs = store.runs;
    for (let i = 0; i < 3; i++) {
      const r = claim(runs, later(i * MINUTE), "a", 3);
      assert.ok(r.kind === "started", `attempt ${i + 1} starts`);
      runs.finish(r.run.id, later(i * MINUTE + 1000), "failed", "Slack: channel_not_found");
    }
    const refused = claim(runs, later(10 * MINUTE), "a", 3);
    assert.deepEqual(refused, { kind: "gave_up", attempts: 3 });
  });

  test("non-exclusive runs are simply recorded, and abandonStale ends crashed ones", (t) => {
    const store = tempStore(t);
    const runs = store.runs;
    const begin = (now: Date) =>
      runs.begin({
        job: "retry-applies",
        period: "2026-11-25T09:00",
        owner: "a",
        now,
        leaseMs: MINUTE,
        exclusive: false,
      });
    const a = begin(t0);
    const b = begin(t0);
    assert.ok(a.kind === "started" && b.kind === "started");
    runs.finish(a.run.id, later(1000), "succeeded", "0 requests applied");
    const stale = runs.abandonStale(later(2 * MINUTE));
    assert.deepEqual(
      stale.map((r) => [r.id, r.outcome]),
      [[b.run.id, "abandoned"]],
    );
  });

  test("detail is kept to one bounded line", (t) => {
    const store = tempStore(t);
    const runs = store.runs;
    const r = runs.begin({ job: "x", period: "p", owner: "a", now: t0, leaseMs: MINUTE, exclusive: false });
    assert.ok(r.kind === "started");
    runs.finish(r.run.id, t0, "failed", `first\nsecond ${"x".repeat(2000)}`);
    const detail = runs.get(r.run.id)?.detail ?? "";
    assert.ok(!detail.includes("\n"));
    assert.ok(detail.length <= 500);
    assert.ok(detail.startsWith("first second"));
  });

  test("pruning forgets old finished runs but keeps successful digests", (t) => {
    const store = tempStore(t);
    const runs = store.runs;
    const digest = claim(runs, t0);
    assert.ok(digest.kind === "started");
    runs.finish(digest.run.id, t0, "succeeded");
    const other = runs.begin({
      job: "retry-applies",
      period: "p",
      owner: "a",
      now: t0,
      leaseMs: MINUTE,
      exclusive: false,
    });
    assert.ok(other.kind === "started");
    runs.finish(other.run.id, t0, "succeeded");
    assert.equal(runs.prune(later(MINUTE)), 1);
    assert.equal(runs.get(digest.run.id)?.outcome, "succeeded");
    assert.equal(runs.get(other.run.id), undefined);
  });
});

describe("job state and queued notifications", () => {
  test("named values are kept and replaced", (t) => {
    const store = tempStore(t);
    const state = store.state;
    assert.equal(state.get("cursor"), undefined);
    state.set("cursor", "a", t0);
    state.set("cursor", "b", later(1000));
    assert.equal(state.get("cursor"), "b");
  });

  test("a queued notification is counted when it fails again and gone once done", (t) => {
    const store = tempStore(t);
    const request = store.requests.create({
      kind: "add",
      organization: { id: "org", name: "Org" },
      principal: { type: "User", id: "u", name: "u@x", displayName: "U" },
      requester: "U1",
      reason: null,
      auditForMs: null,
      at: t0,
    });
    const queue = store.rerenders;
    queue.enqueue(request.id, t0, "Slack: ratelimited");
    queue.enqueue(request.id, later(1000), "Slack: ratelimited");
    queue.failed(request.id, "Slack: timeout");
    assert.deepEqual(
      queue.list().map((q) => [q.requestId, q.attempts, q.lastError]),
      [[request.id, 1, "Slack: timeout"]],
    );
    queue.done(request.id);
    assert.deepEqual(queue.list(), []);
  });
});
