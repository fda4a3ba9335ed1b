/**
 * The digest job as stories, against the VB365 simulator, the fake Slack (which refuses anything
 * over Block Kit's limits) and a real SQLite file, on a clock the test moves.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { logHeadText, parseLogHead } from "../../src/core/vocabulary.ts";
import { SEED } from "../../src/sim/types.ts";
import { verifyLog } from "../../src/store/index.ts";
import { BOSS, DIGEST, ORG, REQUESTER } from "../support/actors.ts";
import { DAY } from "../support/clock.ts";
import { ONLY_DIGEST_CRON } from "../support/schedules.ts";
import { shownText } from "../support/slack.ts";
import { channelText, eventsOf, testWorld } from "../support/world.ts";

const SARAH = SEED.sarahYoung;

describe("the digest", () => {
  test("the seeded organization: who is audited, bot changes, drift made on VB365, notifications off, waiting requests", async (t) => {
    const w = await testWorld(t, { start: "2026-11-20T09:00:00.000Z" });
    const jobs = w.jobs();

    // Friday: a request nobody will answer, then the first digest, which sets the baseline.
    const expiring = await w.core.requests.submit({
      kind: "add",
      organization: ORG,
      principal: await w.principal("tom.baker@vbridge.co.nz"),
      requester: REQUESTER,
    });
    assert.ok(expiring.kind === "created");
    const first = await jobs.runNow("digest");
    assert.equal(first.outcome, "succeeded", first.detail);
    const baseline = channelText(w, DIGEST);
    assert.match(baseline, /\*vBridge\*: 0 users, 1 group audited/);
    assert.match(baseline, /Executive Team/);
    assert.match(baseline, /\*Contoso\*: 0 users, 0 groups audited/);
    assert.match(baseline, /First digest for this organization/);
    assert.match(baseline, /Pending approval \(1\)/);
    assert.doesNotMatch(baseline, /notifications are OFF/);

    // Monday, past the request's 72 hours: it expires. Ben is added through the bot; Sarah added
    // and the Executive Team removed in the VB365 console; notifications switched off; an approved
    // add that VB365 refuses; a new pending request.
    w.clock.current = new Date("2026-11-23T10:00:00.000Z");
    assert.equal(w.core.requests.expireStale().length, 1);
    const ben = await w.principal(SEED.benYoung.name);
    await w.approved("add", ben);
    w.sim.control.addAuditItem(ORG.id, { type: "User", ...SARAH });
    w.sim.control.removeAuditItem(ORG.id, SEED.auditItems.executiveTeam);
    w.sim.control.setNotifications(false);
    const liam = await w.principal("liam.chen@vbridge.co.nz");
    w.sim.faults.failNext(1, 500, { method: "POST", path: /AuditItems$/ });
    const failing = await w.approved("add", liam);
    assert.equal(w.store.requests.get(failing)?.state, "apply_failed");
    w.clock.current = new Date("2026-11-23T14:00:00.000Z");
    const pending = await w.core.requests.submit({
      kind: "add",
      organization: ORG,
      principal: await w.principal("aroha.ngata@vbridge.co.nz"),
      requester: REQUESTER,
    });
    assert.ok(pending.kind === "created");

    // Tuesday 09:00.
    w.clock.current = new Date("2026-11-24T09:00:00.000Z");
    const second = await jobs.runNow("digest");
    assert.equal(second.outcome, "succeeded", second.detail);
    const [, ...today] = w.messages(DIGEST);
    const text = today.map((m) => `${m.text}\n${JSON.stringify(m.blocks)}`).join("\n");
    assert.ok(today[0]?.text.startsWith("WARNING: audit e-mail notifications are OFF"), today[0]?.text);
    assert.match(text, /auditing currently alerts nobody/);
    assert.match(text, /\*vBridge\*: 2 users, 0 groups audited/);
    assert.match(text, /Changed outside the bot \(2\)/);
    assert.match(text, /➕ Added \*Sarah Young\* \(sarah.young@vbridge.co.nz\) directly in VB365/);
    assert.match(
      text,
      /➖ Removed \*Executive Team\* \(executive.team@vbridge.co.nz\) \[group\] directly in VB365/,
    );
    assert.match(text, /Changed through the bot \(1\)/);
    assert.match(
      text,
      new RegExp(
        `➕ Added \\*Ben Young\\* \\(ben.young@vbridge.co.nz\\) \\(request #\\d+\\): asked by <@${REQUESTER}>, approved by <@${BOSS}>`,
      ),
    );
    assert.match(text, /Approved, not yet applied \(1\)/);
    assert.match(text, /Liam Chen.*last error: VB365 addAuditItems/);
    assert.match(text, /Pending approval \(1\)/);
    assert.match(text, /Aroha Ngata.*19 h old/);
    assert.match(text, /Expired unanswered since the last digest \(1\)/);
    assert.match(text, /Tom Baker/);

    // Each drift is logged once, with the digest.
    const drift = eventsOf(w.store, "drift_seen");
    assert.deepEqual(drift.map((e) => [e.detail.change, e.principal?.name]).sort(), [
      ["added", SARAH.name],
      ["removed", SEED.groups.executiveTeam.name],
    ]);
    assert.equal(eventsOf(w.store, "digest_posted").length, 2);

    // Wednesday: nothing changed outside the bot since, so no drift is reported or logged again.
    w.clock.advance(DAY);
    assert.equal((await jobs.runNow("digest")).outcome, "succeeded");
    const thursday = w.messages(DIGEST).at(-1);
    assert.ok(thursday);
    assert.doesNotMatch(JSON.stringify(thursday.blocks), /Changed outside the bot/);
    assert.equal(eventsOf(w.store, "drift_seen").length, 2);
  });

  test("every digest shows the log head; status shows it too; verify-log --expect catches a log cut back before it", async (t) => {
    const w = await testWorld(t);
    const jobs = w.jobs();
    await w.approved("add", await w.principal(SEED.benYoung.name));
    const head = w.store.log.head();
    assert.ok(head);
    assert.equal((await jobs.runNow("digest")).outcome, "succeeded");
    const [digest] = w.messages(DIGEST);
    assert.ok(digest);
    const shown = /log head `(\d+):([0-9a-f]{16})`/.exec(shownText(digest));
    assert.ok(shown, "the digest shows the log head");
    assert.deepEqual(parseLogHead(`${shown[1]}:${shown[2]}`), {
      seq: head.seq,
      hash: head.hash.slice(0, 16),
    });
    assert.match(digest.text, new RegExp(`log head ${logHeadText(head)}`), "and its fallback text");
    const status = await w.core.queries.status({ asker: BOSS });
    assert.equal(status.kind, "full", "an approver sees the full status");
    assert.deepEqual(
      status.kind === "full" ? status.report.log.head : undefined,
      w.store.log.head(),
      "status: the head now (the digest logged itself)",
    );

    const published = parseLogHead(`${shown[1]}:${shown[2]}`);
    assert.ok(verifyLog(w.store.db, { expect: published }).ok);
    w.store.db.exec("DROP TRIGGER events_no_delete");
    w.store.db.exec(`DELETE FROM events WHERE id >= ${head.seq}`);
    w.store.db.exec(`UPDATE sqlite_sequence SET seq = ${head.seq - 1} WHERE name = 'events'`);
    assert.ok(verifyLog(w.store.db).ok, "the chain alone cannot tell");
    const cut = verifyLog(w.store.db, { expect: published });
    assert.ok(!cut.ok);
    assert.match(cut.reason, /was published, but the log ends at \d+: it was cut back/);
  });

  test("VB365 failing for one organization shows it as unavailable; the others are whole", async (t) => {
    const w = await testWorld(t);
    w.sim.faults.failNext(2, 500, { method: "GET", path: new RegExp(`${SEED.contoso.id}/AuditItems$`, "i") });
    const result = await w.jobs().runNow("digest");
    assert.equal(result.outcome, "succeeded", result.detail);
    assert.match(result.detail, /1 unavailable/);
    const text = channelText(w, DIGEST);
    assert.match(text, /\*Contoso\*: VB365 could not be read/);
    assert.match(text, /\*vBridge\*: 0 users, 1 group audited/);
    // Contoso's missing snapshot is not replaced by nothing: it is simply not taken.
    const digests = w.store.digests;
    assert.equal(digests.snapshot(SEED.contoso.id), undefined);
    assert.ok(digests.snapshot(ORG.id));
  });

  test("VB365 down altogether: the digest still goes out, naming what it could not read", async (t) => {
    const w = await testWorld(t, { start: "2026-11-24T09:00:00.000Z" });
    const jobs = w.jobs();
    assert.equal((await jobs.runNow("digest")).outcome, "succeeded");
    w.clock.advance(DAY);
    w.sim.faults.failNext(100, 503);
    const result = await jobs.runNow("digest");
    w.sim.faults.reset();
    assert.equal(result.outcome, "succeeded", result.detail);
    const latest = w.messages(DIGEST).at(-1);
    assert.ok(latest);
    const text = shownText(latest);
    assert.match(text, /Could not read VB365's audit e-mail settings/);
    assert.match(text, /\*Contoso\*: VB365 could not be read/);
    assert.match(text, /\*vBridge\*: VB365 could not be read/);
    // The snapshots of the last good digest are kept for the next comparison.
    assert.equal(w.store.digests.snapshot(ORG.id)?.takenAt.toISOString(), "2026-11-24T09:00:00.000Z");
  });

  test("access the watcher saw since the previous digest is in the digest", async (t) => {
    const w = await testWorld(t, { start: "2025-03-11T09:30:00.000Z" });
    const jobs = w.jobs();
    await jobs.digest.postNow(BOSS);
    w.sim.control.addAuditItem(ORG.id, { type: "User", ...SEED.benYoung });
    w.clock.current = new Date("2025-03-11T09:50:00.000Z");
    await jobs.runNow("watch-access");
    w.clock.current = new Date("2025-03-12T09:00:00.000Z");
    assert.equal((await jobs.runNow("digest")).outcome, "succeeded");
    const text = shownText(w.messages(DIGEST).at(-1) ?? {});
    assert.match(text, /Access to audited data \(1\)/);
    assert.match(
      text,
      /simon service exported 5 items from Ben Young's mailbox to C:\\export, 11 Mar 2025 09:42–09:44 UTC, from VBO-PROXY01/,
    );
  });

  test("items VB365 sent that the bot had to skip are noted once, in the next digest", async (t) => {
    const w = await testWorld(t, { start: "2025-03-11T09:30:00.000Z" });
    const jobs = w.jobs();
    await jobs.digest.postNow(BOSS);
    assert.doesNotMatch(shownText(w.messages(DIGEST).at(-1) ?? {}), /did not fit/);
    // One session of the page is not a session at all (a number for an id); the other is fine.
    const good = {
      id: SEED.restoreSessions.benExport,
      type: "Vex",
      creationTime: "2025-03-11T09:40:00Z",
      state: "Stopped",
      result: "Success",
    };
    w.sim.faults.failNext(1, 200, {
      method: "GET",
      path: /\/RestoreSessions$/,
      rawBody: JSON.stringify({ offset: 0, limit: 30, results: [{ ...good, id: 5 }, good] }),
      contentType: "application/json",
    });
    w.clock.current = new Date("2025-03-11T09:50:00.000Z");
    const watched = await jobs.runNow("watch-access");
    assert.equal(watched.outcome, "succeeded", watched.detail);
    assert.match(watched.detail, /1 session listed/);
    w.clock.current = new Date("2025-03-12T09:00:00.000Z");
    assert.equal((await jobs.runNow("digest")).outcome, "succeeded");
    assert.match(
      shownText(w.messages(DIGEST).at(-1) ?? {}),
      /VB365 sent 1 restore session that did not fit its API since the last digest; the bot skipped them/,
    );
    await jobs.digest.postNow(BOSS);
    assert.doesNotMatch(shownText(w.messages(DIGEST).at(-1) ?? {}), /did not fit/, "said once");
  });

  test("a restart never posts the same digest twice", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    assert.equal((await w.jobs().runNow("digest")).outcome, "succeeded");
    assert.equal(w.messages(DIGEST).length, 1);

    // A new process on the same database, later the same day: the catch-up at start and a manual run.
    w.clock.advance(20 * 60_000);
    const restarted = w.jobs({ schedules: ONLY_DIGEST_CRON });
    restarted.start();
    await restarted.stop();
    const again = await w.jobs().runNow("digest");
    assert.equal(again.outcome, "skipped");
    assert.match(again.detail, /2026-11-25T09:00 already done/);
    assert.equal(w.messages(DIGEST).length, 1);
    assert.equal(
      w.store.runs.ofPeriod("digest", "2026-11-25T09:00").filter((r) => r.outcome === "succeeded").length,
      1,
    );
  });

  test("a digest missed while the bot was down is posted once when it comes back that day, not on a later day", async (t) => {
    // Down at Wednesday 09:00; back at 11:30.
    const w = await testWorld(t, { start: "2026-11-25T11:30:00.000Z" });
    const back = w.jobs({ schedules: ONLY_DIGEST_CRON });
    back.start();
    await back.stop();
    assert.equal(w.messages(DIGEST).length, 1, "the missed 09:00 digest is posted at start");
    const runs = w.store.runs;
    assert.equal(runs.ofPeriod("digest", "2026-11-25T09:00")[0]?.outcome, "succeeded");

    // Another restart that afternoon posts nothing more.
    w.clock.current = new Date("2026-11-25T15:00:00.000Z");
    const afternoon = w.jobs({ schedules: ONLY_DIGEST_CRON });
    afternoon.start();
    await afternoon.stop();
    assert.equal(w.messages(DIGEST).length, 1);

    // Down all of Thursday; back on Friday at 08:00, before Friday's digest: Thursday's is not posted.
    w.clock.current = new Date("2026-11-27T08:00:00.000Z");
    const friday = await w.jobs().runNow("digest");
    assert.equal(friday.outcome, "skipped");
    assert.equal(w.messages(DIGEST).length, 1);
    assert.deepEqual(runs.ofPeriod("digest", "2026-11-26T09:00"), []);

    // Saturday is not a digest day at all.
    w.clock.current = new Date("2026-11-28T10:00:00.000Z");
    assert.equal((await w.jobs().runNow("digest")).outcome, "skipped");
    assert.equal(w.messages(DIGEST).length, 1);
  });

  test("a digest day in another time zone: 09:00 in Auckland is 20:00 UTC the day before", async (t) => {
    const w = await testWorld(t, { start: "2026-11-24T20:05:00.000Z", timezone: "Pacific/Auckland" });
    const result = await w.jobs().runNow("digest");
    assert.equal(result.outcome, "succeeded", result.detail);
    assert.equal(w.store.runs.ofPeriod("digest", "2026-11-25T09:00")[0]?.outcome, "succeeded");
    assert.match(w.messages(DIGEST)[0]?.text ?? "", /25 Nov 2026 09:05/);
  });

  test("a run that crashed mid-digest blocks its period only until its lease passes", async (t) => {
    const w = await testWorld(t, { start: "2026-11-25T09:00:00.000Z" });
    const runs = w.store.runs;
    const crashed = runs.begin({
      job: "digest",
      period: "2026-11-25T09:00",
      owner: "an-earlier-process",
      now: w.clock.now(),
      leaseMs: 15 * 60_000,
      exclusive: true,
    });
    assert.equal(crashed.kind, "started");
    w.clock.advance(5 * 60_000);
    const blocked = await w.jobs().runNow("digest");
    assert.equal(blocked.outcome, "skipped");
    assert.match(blocked.detail, /is being run/);
    w.clock.advance(11 * 60_000);
    const taken = await w.jobs().runNow("digest");
    assert.equal(taken.outcome, "succeeded", taken.detail);
    assert.deepEqual(
      runs.ofPeriod("digest", "2026-11-25T09:00").map((r) => r.outcome),
      ["abandoned", "succeeded"],
    );
    assert.equal(w.messages(DIGEST).length, 1);
  });

  test("Slack failing: the run is recorded as failed, drift is not logged, and the next run posts it", async (t) => {
    const w = await testWorld(t, { start: "2026-11-24T09:00:00.000Z" });
    const jobs = w.jobs();
    await jobs.runNow("digest");
    w.sim.control.addAuditItem(ORG.id, { type: "User", ...SARAH });
    w.clock.advance(DAY);
    w.slack.failNext("chat.postMessage", "channel_not_found");
    const failed = await jobs.runNow("digest");
    assert.equal(failed.outcome, "failed");
    assert.equal(failed.detail, "Slack: channel_not_found");
    assert.equal(eventsOf(w.store, "drift_seen").length, 0);
    w.clock.advance(10 * 60_000);
    const retried = await jobs.runNow("digest");
    assert.equal(retried.outcome, "succeeded", retried.detail);
    assert.equal(eventsOf(w.store, "drift_seen").length, 1);
    assert.deepEqual(
      w.store.runs.ofPeriod("digest", "2026-11-25T09:00").map((r) => [r.outcome, r.detail]),
      [
        ["failed", "Slack: channel_not_found"],
        ["succeeded", retried.detail],
      ],
    );
  });

  test("/vbo-audit digest posts at once and counts as a digest for 'since'", async (t) => {
    const w = await testWorld(t, { start: "2026-11-24T15:00:00.000Z" });
    const jobs = w.jobs();
    const posted = await jobs.digest.postNow(BOSS);
    assert.equal(posted.messages, 1);
    const first = w.messages(DIGEST)[0];
    assert.ok(first);
    assert.match(JSON.stringify(first.blocks), new RegExp(`posted on request of <@${BOSS}>`));
    // Drift after the on-demand digest shows in the next scheduled one, measured from it.
    w.sim.control.addAuditItem(ORG.id, { type: "User", ...SARAH });
    w.clock.current = new Date("2026-11-25T09:00:00.000Z");
    assert.equal((await jobs.runNow("digest")).outcome, "succeeded");
    const scheduled = w.messages(DIGEST)[1];
    assert.ok(scheduled);
    const text = JSON.stringify(scheduled.blocks);
    assert.match(text, /Changes since the previous digest, 24 Nov 2026 15:00/);
    assert.match(text, /Added \*Sarah Young\*/);
    const digests = w.store.digests.list();
    assert.deepEqual(
      digests.map((d) => [d.trigger, d.requestedBy]),
      [
        ["scheduled", null],
        ["manual", BOSS],
      ],
    );
  });

  test("2,000 audited principals: every message the fake Slack accepts, the list cut with a count", async (t) => {
    const w = await testWorld(t, { sim: { users: 2000 } });
    let added = 0;
    for await (const page of w.vbo.userPages(ORG.id, { pageSize: 10_000 })) {
      for (const u of page) {
        if (added >= 2000) break;
        w.sim.control.addAuditItem(ORG.id, {
          type: "User",
          id: u.id,
          name: u.name ?? "",
          displayName: u.displayName ?? "",
        });
        added++;
      }
    }
    assert.equal(added, 2000);
    const result = await w.jobs().runNow("digest");
    assert.equal(result.outcome, "succeeded", result.detail);
    assert.match(result.detail, /2001 audited/);
    const refused = w.slack.callsTo("chat.postMessage").filter((c) => !c.ok);
    assert.deepEqual(refused, []);
    const text = channelText(w, DIGEST);
    assert.match(text, /Users \(2000\):/);
    assert.match(text, /…and \d+ more/);
  });
});
