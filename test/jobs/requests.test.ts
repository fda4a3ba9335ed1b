/**
 * The jobs that keep requests moving, as stories against the VB365 simulator, the Slack side's own
 * notifier over the fake Slack, and a real SQLite file: reminders, expiry, retried applies, the end
 * of time-bound audits, the directory sync; every run recorded.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import { APPROVALS, BOSS, DEPUTY, ORG, REQUESTER } from "../support/actors.ts";
import { DAY, HOUR } from "../support/clock.ts";
import { shownText } from "../support/slack.ts";
import { eventsOf, testWorld } from "../support/world.ts";

describe("reminders", () => {
  test("approvers are reminded of a pending request at 4 h, 24 h and 48 h, each reminder once, in its thread", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    const jobs = w.jobs();
    const ben = await w.principal(SEED.benYoung.name);
    const request = await w.posted("add", ben);
    const id = request.id;
    const reminders = () => eventsOf(w.store, "reminded").filter((e) => e.requestId === id);
    const reminderPosts = () => w.messages(APPROVALS).filter((m) => m.threadTs !== undefined);

    for (const [hours, expected] of [
      [3, 0],
      [4, 1],
      [5, 1],
      [23, 1],
      [24, 2],
      [30, 2],
      [48, 3],
      [60, 3],
    ] as const) {
      w.clock.current = new Date(request.createdAt.getTime() + hours * HOUR);
      const run = await jobs.runNow("remind-approvers");
      assert.equal(run.outcome, "succeeded", run.detail);
      assert.equal(reminders().length, expected, `after ${hours} h`);
    }
    assert.deepEqual(
      reminders().map((e) => [e.detail.reminder, e.detail.afterHours, e.detail.approvers]),
      [
        [1, 4, [BOSS, DEPUTY]],
        [2, 24, [BOSS, DEPUTY]],
        [3, 48, [BOSS, DEPUTY]],
      ],
    );
    // The notifier posts each reminder in the thread of the approval message, naming the approvers.
    assert.equal(reminderPosts().length, 3);
    assert.match(shownText(reminderPosts()[0] ?? {}), new RegExp(`<@${BOSS}>`));
  });

  test("after downtime only the latest reminder due is sent, and someone who voted is not reminded", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    const ben = await w.principal(SEED.benYoung.name);
    const request = await w.posted("add", ben);
    // A vote that did not decide it (as under a quorum of two): BOSS is not reminded again.
    w.store.votes.add(request.id, BOSS, w.clock.now());
    w.clock.advance(30 * HOUR);
    await w.jobs().runNow("remind-approvers");
    const sent = eventsOf(w.store, "reminded");
    assert.deepEqual(
      sent.map((e) => [e.detail.reminder, e.detail.approvers]),
      [[2, [DEPUTY]]],
    );
    w.clock.advance(HOUR);
    await w.jobs().runNow("remind-approvers");
    assert.equal(eventsOf(w.store, "reminded").length, 1);
  });

  test("a reminder Slack refused is not counted as sent: the next run posts it", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    const ben = await w.principal(SEED.benYoung.name);
    await w.posted("add", ben);
    w.clock.advance(5 * HOUR);
    w.slack.failNext("chat.postMessage", "ratelimited", { retryAfter: 1 });
    const failed = await w.jobs().runNow("remind-approvers");
    assert.equal(failed.outcome, "failed");
    assert.equal(eventsOf(w.store, "reminded").length, 0);

    const retried = await w.jobs().runNow("remind-approvers");
    assert.equal(retried.outcome, "succeeded", retried.detail);
    assert.equal(eventsOf(w.store, "reminded").length, 1);
    assert.equal(w.messages(APPROVALS).filter((m) => m.threadTs !== undefined).length, 1);
  });
});

describe("expiry, retries and time-bound audits", () => {
  test("a pending request past its 72 hours is expired and its approval message says so", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    const ben = await w.principal(SEED.benYoung.name);
    const request = await w.posted("add", ben);
    const jobs = w.jobs();
    w.clock.advance(71 * HOUR);
    assert.match((await jobs.runNow("expire-requests")).detail, /^0 requests expired/);
    assert.equal(w.store.requests.get(request.id)?.state, "pending");
    w.clock.advance(2 * HOUR);
    const run = await jobs.runNow("expire-requests");
    assert.equal(run.outcome, "succeeded");
    assert.match(run.detail, /^1 request expired/);
    assert.equal(w.store.requests.get(request.id)?.state, "expired");
    assert.equal(eventsOf(w.store, "expired").length, 1);
    const approval = w.messages(APPROVALS)[0];
    assert.ok(approval);
    assert.deepEqual(
      approval.versions.map((v) => v.via),
      ["chat.postMessage", "chat.update"],
    );
    assert.match(shownText(approval), /expired/i);
    // The requester is told by direct message.
    const dm = w.slack.dmChannelOf(REQUESTER);
    assert.ok(dm, "a DM to the requester");
    assert.match(shownText(w.messages(dm)[0] ?? {}), /expired/i);
  });

  test("an approved request VB365 refused is retried with backoff until it applies", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    const ben = await w.principal(SEED.benYoung.name);
    w.sim.faults.failNext(2, 500, { method: "POST", path: /AuditItems$/ });
    const id = await w.approved("add", ben);
    assert.equal(w.store.requests.get(id)?.state, "apply_failed");
    const jobs = w.jobs();

    // Not due yet (the service's backoff): nothing is tried.
    const early = await jobs.runNow("retry-applies");
    assert.equal(early.outcome, "succeeded");
    assert.match(early.detail, /^0 requests applied/);

    // Due: VB365 still refuses, the run is recorded as failed.
    w.clock.advance(2 * 60_000);
    const again = await jobs.runNow("retry-applies");
    assert.equal(again.outcome, "failed");
    assert.match(again.detail, /1 failed again \(VB365 addAuditItems/);
    assert.equal(w.store.requests.get(id)?.state, "apply_failed");

    // VB365 recovered: applied, and the approval message shows it.
    w.clock.advance(5 * 60_000);
    const applied = await jobs.runNow("retry-applies");
    assert.equal(applied.outcome, "succeeded", applied.detail);
    assert.match(applied.detail, /^1 request applied/);
    assert.equal(w.store.requests.get(id)?.state, "applied");
    assert.ok(w.sim.control.auditItems(ORG.id).some((i) => i.principal.name === ben.name));
    const message = w.messages(APPROVALS).find((m) => m.threadTs === undefined);
    assert.ok(message);
    assert.doesNotMatch(shownText(message), /will retry|retrying/i);
    assert.deepEqual(
      w.store.runs.recent("retry-applies").map((r) => r.outcome),
      ["succeeded", "failed", "succeeded"],
    );
  });

  test("a request VB365 keeps refusing ends as failed and is re-rendered; one the log does not explain is reported", async (t) => {
    const w = await testWorld(t, {
      start: "2026-11-25T09:00:00.000Z",
      core: { retry: { maxDefiniteFailures: 2 } },
    });
    const ben = await w.principal(SEED.benYoung.name);
    w.sim.faults.failNext(2, 400, { method: "POST", path: /AuditItems$/ });
    const id = await w.approved("add", ben);
    assert.equal(w.store.requests.get(id)?.state, "apply_failed");
    const jobs = w.jobs();
    w.clock.advance(HOUR);
    const ended = await jobs.runNow("retry-applies");
    assert.match(ended.detail, /1 request ended as failed \(VB365 addAuditItems failed \(HTTP 400/);
    assert.equal(w.store.requests.get(id)?.state, "failed");
    const message = w.messages(APPROVALS).find((m) => m.threadTs === undefined);
    assert.ok(message);
    assert.match(shownText(message), /\*Failed\*/);

    // A pending request set to approved behind the bot's back.
    const sarah = await w.posted("add", await w.principal(SEED.sarahYoung.name));
    w.store.db
      .prepare("UPDATE requests SET state = 'approved', next_attempt_at = ? WHERE id = ?")
      .run(w.clock.now().toISOString(), sarah.id);
    const refused = await jobs.runNow("retry-applies");
    assert.equal(refused.outcome, "failed");
    assert.match(refused.detail, new RegExp(`not applied, their approval is not in the log: #${sarah.id}`));
    assert.ok(!w.sim.control.auditItems(ORG.id).some((i) => i.principal.name === SEED.sarahYoung.name));
  });

  test("a time-bound audit ends: its audit item is removed when its time is up", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    const ben = await w.principal(SEED.benYoung.name);
    const id = await w.approved("add", ben, { auditForMs: DAY });
    assert.ok(w.sim.control.auditItems(ORG.id).some((i) => i.principal.name === ben.name));
    const jobs = w.jobs();
    w.clock.advance(DAY - HOUR);
    assert.match((await jobs.runNow("end-timed-audits")).detail, /^0 time-bound audits ended/);
    w.clock.advance(2 * HOUR);
    const run = await jobs.runNow("end-timed-audits");
    assert.equal(run.outcome, "succeeded", run.detail);
    assert.match(run.detail, /^1 time-bound audit ended/);
    assert.ok(!w.sim.control.auditItems(ORG.id).some((i) => i.principal.name === ben.name));
    assert.ok(w.store.requests.get(id)?.auditExpiredAt);
    assert.equal(eventsOf(w.store, "audit_expired").length, 1);
  });
});

describe("directory sync", () => {
  test("every organization's directory is read into the cache, on demand", async (t) => {
    const w = await testWorld(t);
    assert.equal(w.store.directory.count(ORG.id), 0);
    const run = await w.jobs().runNow("sync-directory");
    assert.equal(run.outcome, "succeeded", run.detail);
    assert.match(run.detail, /^2 organizations synced/);
    assert.ok(w.store.directory.count(ORG.id) > 0);
    assert.ok(w.store.directory.count(SEED.contoso.id) > 0);
  });

  test("VB365 failing for one organization fails the run, the others are synced", async (t) => {
    const w = await testWorld(t);
    w.sim.faults.failNext(4, 503, { method: "GET", path: new RegExp(`${SEED.contoso.id}/Users`, "i") });
    const run = await w.jobs().runNow("sync-directory");
    assert.equal(run.outcome, "failed");
    assert.match(run.detail, /1 organization synced.*failed: Contoso: VB365/);
    assert.ok(w.store.directory.count(ORG.id) > 0);
  });
});
