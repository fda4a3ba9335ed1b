/**
 * The access watcher as stories: the seeded export of Ben Young's mailbox by simon service, against
 * the VB365 simulator (v8: ids; v6: names only), the fake Slack and a real SQLite file.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CURSOR_KEY } from "../../src/core/access/watch.ts";
import { SEED } from "../../src/sim/types.ts";
import { ALERTS, ORG } from "../support/actors.ts";
import { HOUR } from "../support/clock.ts";
import { shownText } from "../support/slack.ts";
import { eventsOf, testWorld, type World } from "../support/world.ts";

const BEN = SEED.benYoung;
/** Ten minutes after the seeded export ended. */
const START = "2025-03-11T09:54:00.000Z";

function auditBen(w: World): void {
  w.sim.control.addAuditItem(ORG.id, { type: "User", ...BEN });
}

function assertSeededExportAlert(text: string): void {
  assert.match(text, /simon service/);
  assert.match(text, /Export/);
  assert.match(text, /5 items/);
  assert.match(text, /Ben Young/);
  assert.match(text, /C:\\export/);
  assert.match(text, /VBO-PROXY01/);
  assert.match(text, /09:42–09:44/);
}

/** The seeded export's events as the simulator sends them, undecoded. */
async function rawEvents(w: World): Promise<Array<Record<string, unknown>>> {
  const token = await fetch(`${w.sim.url}/v8/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "password", username: w.sim.username, password: w.sim.password }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const page = await fetch(`${w.sim.url}/v8/RestoreSessions/${SEED.restoreSessions.benExport}/Events`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  }).then((r) => r.json() as Promise<{ results: Array<Record<string, unknown>> }>);
  return page.results;
}

describe("access alerts", () => {
  test("v8, as a real server writes events (siteId, teamId, groupId: null): alerted exactly once", async (t) => {
    const w = await testWorld(t, { start: START, sim: { fields: "realistic" } });
    auditBen(w);
    const events = await rawEvents(w);
    assert.ok(events.length > 0);
    for (const e of events) {
      for (const id of ["siteId", "teamId", "groupId", "backedUpOrganizationId"]) {
        assert.equal(e[id], null, `${id} is sent as null`);
      }
    }
    const jobs = w.jobs();
    const first = await jobs.runNow("watch-access");
    assert.equal(first.outcome, "succeeded", first.detail);
    assert.match(first.detail, /1 alert posted/);
    w.clock.advance(60_000);
    assert.match((await jobs.runNow("watch-access")).detail, /0 alerts posted, 0 updated/);
    const alerts = w.messages(ALERTS);
    assert.equal(alerts.length, 1);
    assertSeededExportAlert(alerts[0]?.text ?? "");
    assert.equal(eventsOf(w.store, "access_seen").length, 1);
  });

  test("v8: the seeded export is alerted exactly once across two runs and a restart; nothing for others", async (t) => {
    // The sparse simulator: fields without a value are absent rather than null.
    const w = await testWorld(t, { start: START, sim: { fields: "sparse" } });
    auditBen(w);
    assert.equal(
      (await rawEvents(w)).some((e) => "siteId" in e),
      false,
    );
    const jobs = w.jobs();
    const first = await jobs.runNow("watch-access");
    assert.equal(first.outcome, "succeeded", first.detail);
    assert.match(first.detail, /1 alert posted/);
    w.clock.advance(60_000);
    assert.match((await jobs.runNow("watch-access")).detail, /0 alerts posted/);
    // A restart: a new jobs instance on the same database.
    w.clock.advance(60_000);
    assert.match((await w.jobs().runNow("watch-access")).detail, /0 alerts posted, 0 updated/);

    const alerts = w.messages(ALERTS);
    assert.equal(alerts.length, 1);
    const alert = alerts[0];
    assert.ok(alert);
    assertSeededExportAlert(alert.text);
    assert.doesNotMatch(shownText(alert), /Sarah|Priya/);
    const seen = eventsOf(w.store, "access_seen");
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.principal?.name, BEN.name);
    assert.equal(seen[0]?.organization?.id, ORG.id);
  });

  test("a later event on that session updates the alert instead of posting another", async (t) => {
    const w = await testWorld(t, { start: START });
    auditBen(w);
    const jobs = w.jobs();
    await jobs.runNow("watch-access");
    w.clock.advance(60_000);
    w.sim.control.addRestoreEvents(SEED.restoreSessions.benExport, [
      {
        type: "Send",
        itemName: "Board minutes",
        source: "Ben Young\\Inbox",
        target: "lawyer@example.com",
        startTime: "2025-03-11T09:45:00Z",
        endTime: "2025-03-11T09:45:30Z",
        userId: BEN.id,
      },
    ]);
    const run = await jobs.runNow("watch-access");
    assert.match(run.detail, /0 alerts posted, 1 updated/);
    const alerts = w.messages(ALERTS);
    assert.equal(alerts.length, 1);
    const alert = alerts[0];
    assert.ok(alert);
    assert.deepEqual(
      alert.versions.map((v) => v.via),
      ["chat.postMessage", "chat.update"],
    );
    assert.match(alert.text, /simon service exported and sent 6 items from Ben Young's mailbox/);
    assert.match(alert.text, /09:42–09:45/);
    assert.deepEqual(
      eventsOf(w.store, "access_seen").map((e) => [
        e.detail.update,
        (e.detail.summary as { itemCount: number }).itemCount,
      ]),
      [
        [false, 5],
        [true, 6],
      ],
    );
    // Nothing new: no further update.
    w.clock.advance(60_000);
    assert.match((await jobs.runNow("watch-access")).detail, /0 alerts posted, 0 updated/);
  });

  test("v6: no ids in events, the alert comes from names; the same session is still alerted once", async (t) => {
    const w = await testWorld(t, { start: START, sim: { versions: ["v6"] } });
    auditBen(w);
    const jobs = w.jobs();
    await jobs.runNow("watch-access");
    await w.jobs().runNow("watch-access");
    const alerts = w.messages(ALERTS);
    assert.equal(alerts.length, 1);
    const alert = alerts[0];
    assert.ok(alert);
    assertSeededExportAlert(alert.text);
    assert.match(shownText(alert), /Matched by names/);
  });

  test("no alert for sessions that touch only people who are not audited", async (t) => {
    const w = await testWorld(t, { start: START });
    // Only the seeded Executive Team is audited; none of the seeded sessions touch its members.
    const run = await w.jobs().runNow("watch-access");
    assert.equal(run.outcome, "succeeded");
    assert.match(run.detail, /3 sessions listed, 3 examined, 0 alerts posted/);
    assert.deepEqual(w.messages(ALERTS), []);
    assert.deepEqual(eventsOf(w.store, "access_seen"), []);
  });

  test("members of an audited group count: auditing Finance alerts Ben's export and Priya's restore", async (t) => {
    const w = await testWorld(t, { start: "2025-03-12T08:30:00.000Z" });
    w.sim.control.addAuditItem(ORG.id, { type: "Group", ...SEED.groups.finance });
    await w.jobs().runNow("watch-access");
    const texts = w.messages(ALERTS).map((m) => m.text);
    assert.equal(texts.length, 2);
    assert.ok(texts.some((x) => /Ben Young/.test(x) && /member of audited group Finance/.test(x)));
    assert.ok(texts.some((x) => /Priya Patel's OneDrive/.test(x)));
    assert.ok(!texts.some((x) => /Sarah/.test(x)));
  });

  test("a Working session is read again each run until it stops, even once it is outside the window", async (t) => {
    // A one-minute overlap, so that the session soon falls outside the polling window.
    const w = await testWorld(t, {
      start: "2025-03-11T11:00:00.000Z",
      core: { watch: { overlapMs: 60_000 } },
    });
    auditBen(w);
    const sessionId = w.sim.control.addRestoreSession({
      organizationId: ORG.id,
      type: "Vex",
      name: "Exchange restore session: Ben Young",
      initiatedBy: "VBRIDGE\\tom.baker",
      clientHost: "HELPDESK-PC07",
      scopeName: BEN.name,
      creationTime: "2025-03-11T10:58:00Z",
      state: "Working",
      events: [
        {
          type: "View",
          itemName: "Payslip",
          source: "Ben Young\\Inbox",
          startTime: "2025-03-11T10:58:30Z",
          endTime: "2025-03-11T10:58:31Z",
          userId: BEN.id,
        },
      ],
    });
    const jobs = w.jobs();
    await jobs.runNow("watch-access");
    const alertOf = () => w.messages(ALERTS).find((m) => m.text.includes("tom baker"));
    assert.match(alertOf()?.text ?? "", /tom baker viewed 1 item from Ben Young's mailbox/);
    assert.match(alertOf()?.text ?? "", /^Still running/);

    // Hours later the session, still Working, gets another event.
    w.clock.advance(3 * HOUR);
    w.sim.control.addRestoreEvents(sessionId, [
      {
        type: "Restore",
        itemName: "Payslip",
        source: "Ben Young\\Inbox",
        target: "tom.baker@vbridge.co.nz\\Inbox",
        startTime: "2025-03-11T13:59:00Z",
        endTime: "2025-03-11T13:59:10Z",
        userId: BEN.id,
      },
    ]);
    w.sim.stats.reset();
    const run = await jobs.runNow("watch-access");
    assert.match(run.detail, /1 updated/);
    assert.match(alertOf()?.text ?? "", /tom baker viewed and restored 2 items from Ben Young's mailbox/);
    assert.equal(w.messages(ALERTS).length, 2);
    // Outside the polling window, it was read again by its id, not found again by its time.
    assert.equal(w.sim.stats.count("GET", /^\/v8\/RestoreSessions\/\{id\}$/), 1);
    assert.equal(w.sim.stats.count("GET", /^\/v8\/RestoreSessions$/), 1, "one listing: the window itself");
  });

  test("VB365 or Slack failing: the run fails, nothing is lost, and the alert is posted once later", async (t) => {
    const w = await testWorld(t, { start: START, core: { watch: { overlapMs: 60_000 } } });
    auditBen(w);
    const jobs = w.jobs();
    const state = w.store.state;

    w.sim.faults.failNext(2, 503, { method: "GET", path: /RestoreSessions$/ });
    const down = await jobs.runNow("watch-access");
    assert.equal(down.outcome, "failed");
    assert.match(down.detail, /VB365 restoreSessions/);
    assert.equal(state.get(CURSOR_KEY), undefined, "the cursor does not move when listing failed");

    w.clock.advance(60_000);
    w.slack.failNext("chat.postMessage", "ratelimited");
    const slackDown = await jobs.runNow("watch-access");
    assert.equal(slackDown.outcome, "failed");
    assert.match(slackDown.detail, /1 failed \(retried next run\)/);
    assert.deepEqual(w.messages(ALERTS), []);

    // Hours later the session is long outside the polling window, and is still alerted, once.
    w.clock.advance(6 * HOUR);
    const later = await jobs.runNow("watch-access");
    assert.equal(later.outcome, "succeeded", later.detail);
    assert.match(later.detail, /1 alert posted/);
    await jobs.runNow("watch-access");
    assert.equal(w.messages(ALERTS).length, 1);
    assert.equal(eventsOf(w.store, "access_seen").length, 1);
  });

  test("without ALERTS_CHANNEL_ID the watcher does nothing", async (t) => {
    const w = await testWorld(t, { start: START, alerts: false });
    auditBen(w);
    const run = await w.jobs().runNow("watch-access");
    assert.equal(run.outcome, "skipped");
    assert.equal(w.sim.stats.count("GET", /RestoreSessions/), 0);
  });
});
