/**
 * The request lifecycle and the applier as stories, against the VB365 simulator (real HTTP) through
 * the real VB365 client, on a real SQLite file with the real migrations. Time is a manual clock the
 * test moves. Each test builds the two units under test (several of them, for races and restarts)
 * on one store; the whole core is built by test/support/world.ts for the tests of the other parts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, beforeEach, describe, type TestContext, test } from "node:test";
import type { Clock } from "../../../src/clock.ts";
import { Applier } from "../../../src/core/requests/applier.ts";
import {
  APPLY_BUDGET_MS,
  applyTimes,
  DEFAULT_RETRY,
  type RetryPolicy,
  retryDelayMs,
} from "../../../src/core/requests/attempts.ts";
import { AUDIT_FOR } from "../../../src/core/requests/duration.ts";
import { RequestLifecycle } from "../../../src/core/requests/lifecycle.ts";
import type { Approvers } from "../../../src/core/requests/ports.ts";
import type { Policy } from "../../../src/core/requests/types.ts";
import { singleRoute } from "../../../src/core/routing.ts";
import { NOBODY } from "../../../src/core/visibility.ts";
import { silentLogger } from "../../../src/logger.ts";
import { createSimulator } from "../../../src/sim/server.ts";
import { SEED, type VboSimulator } from "../../../src/sim/types.ts";
import { createStore, openDatabase, type Store, verifyLog } from "../../../src/store/index.ts";
import type { VboClient } from "../../../src/vbo/client.ts";
import type { PrincipalRef } from "../../../src/vbo/schemas.ts";
import { APPROVALS, BOSS, DEPUTY, DIGEST, ORG, REQUESTER, STRANGER } from "../../support/actors.ts";
import { DAY, HOUR, ManualClock } from "../../support/clock.ts";
import { simulatorClient, startSimulator } from "../../support/simulator.ts";
import { tempDir } from "../../support/store.ts";

const ADD_POST = /^\/v\d\/Organizations\/\{[^}]+\}\/AuditItems$/i;
const REMOVE_POST = /^\/v\d\/Organizations\/\{[^}]+\}\/AuditItems\/remove$/i;

const RETRY: RetryPolicy = { ...DEFAULT_RETRY, baseDelayMs: 60_000, maxDelayMs: HOUR };

/** The lifecycle and the applier on one store, as one process holds them. */
interface Service {
  submit: RequestLifecycle["submit"];
  record: RequestLifecycle["record"];
  expireStale: RequestLifecycle["expireStale"];
  view: RequestLifecycle["view"];
  apply: Applier["apply"];
  retryDue: Applier["retryDue"];
  endTimedAudits: Applier["endTimedAudits"];
}

interface World {
  sim: VboSimulator;
  vbo: VboClient;
  clock: ManualClock;
  store: Store;
  dbPath: string;
  approvers: Set<string>;
  /** Members' profile e-mails, by Slack user id. */
  emails: Map<string, string>;
  service(policy?: Partial<Policy>, store?: Store, maxOpenPerRequester?: number): Service;
  ben: PrincipalRef;
  posts(route: RegExp): number;
}

let sim: VboSimulator;
let vbo: VboClient;
let ben: PrincipalRef;

before(async () => {
  sim = await createSimulator({ tokenRateLimit: false });
  // The client keeps real time: its token cache must not see the test's jumps of days.
  vbo = simulatorClient(sim, { maxRetries: 1, timeoutMs: 10_000 });
  const [user] = await vbo.searchUsers(ORG.id, { userName: SEED.benYoung.name });
  assert.ok(user, "the simulator seeds Ben Young");
  ben = {
    type: "User",
    id: user.id,
    name: user.name ?? SEED.benYoung.name,
    displayName: user.displayName ?? SEED.benYoung.displayName,
    ...(user.msid ? { msid: user.msid } : {}),
  };
});

after(async () => {
  await vbo.close();
  await sim.close();
});

/** The lifecycle and the applier over `store`, deciding by `policy` (over one approval, 72 h). */
function serviceOn(on: {
  store: Store;
  vbo: VboClient;
  clock: Clock;
  approvers: Approvers;
  emails?: ReadonlyMap<string, string>;
  policy?: Partial<Policy>;
  maxOpenPerRequester?: number;
}): Service {
  const { store, vbo: client, clock } = on;
  const applier = new Applier({ store, vbo: client, clock, logger: silentLogger, retry: RETRY });
  const routing = singleRoute({
    name: "default",
    policy: { requiredApprovals: 1, allowSelfApproval: false, requestTtlMs: 72 * HOUR, ...on.policy },
    approvers: on.approvers,
    viewers: NOBODY,
    destinations: { approvals: APPROVALS, digest: DIGEST },
  });
  const requests = new RequestLifecycle({
    store,
    vbo: client,
    routing,
    applier,
    profiles: { emailOf: async (id) => on.emails?.get(id) },
    clock,
    logger: silentLogger,
    maxOpenPerRequester: on.maxOpenPerRequester,
  });
  return {
    submit: (input) => requests.submit(input),
    record: (...args) => requests.record(...args),
    expireStale: (now) => requests.expireStale(now),
    view: (id) => requests.view(id),
    apply: (id) => applier.apply(id),
    retryDue: (now) => applier.retryDue(now),
    endTimedAudits: (now) => applier.endTimedAudits(now),
  };
}

/** A fresh database and clock per test; the simulator is shared, so its audit items are reset. */
function world(t: TestContext): World {
  sim.faults.reset();
  for (const item of sim.control.auditItems(ORG.id)) sim.control.removeAuditItem(ORG.id, item.id);
  sim.stats.reset();
  const dbPath = join(tempDir(t), "vbo-audit.sqlite");
  const db = openDatabase(dbPath, { logger: silentLogger });
  t.after(() => db.close());
  const store = createStore(db);
  const clock = new ManualClock();
  const approvers = new Set([BOSS, DEPUTY]);
  const emails = new Map<string, string>();
  const directory: Approvers = {
    isApprover: async (id) => approvers.has(id),
    members: async () => [...approvers],
  };
  return {
    sim,
    vbo,
    clock,
    store,
    dbPath,
    approvers,
    emails,
    ben,
    service: (policy = {}, over = store, maxOpenPerRequester = undefined) =>
      serviceOn({
        store: over,
        vbo,
        clock,
        approvers: directory,
        emails,
        policy,
        ...(maxOpenPerRequester === undefined ? {} : { maxOpenPerRequester }),
      }),
    posts: (route) => sim.stats.count("POST", route),
  };
}

const audited = (name: string) =>
  sim.control.auditItems(ORG.id).some((i) => i.principal.name.toLowerCase() === name.toLowerCase());

async function submitBen(service: Service, extra: { auditForMs?: number; kind?: "add" | "remove" } = {}) {
  const result = await service.submit({
    kind: extra.kind ?? "add",
    organization: ORG,
    principal: ben,
    requester: REQUESTER,
    reason: "legal hold INC-42",
    ...(extra.auditForMs === undefined ? {} : { auditForMs: extra.auditForMs }),
  });
  assert.equal(result.kind, "created");
  assert.ok(result.kind === "created");
  return result.request;
}

/** The rows of an intact log (the test fails with the reason when it is not). */
function logRows(store: Store): number {
  const result = verifyLog(store.db);
  assert.ok(result.ok, result.ok ? "" : result.reason);
  return result.rows;
}

const kindsOf = (store: Store, requestId: number) => store.log.forRequest(requestId).map((e) => e.kind);

describe("request lifecycle against the VB365 simulator", () => {
  beforeEach(() => sim.faults.reset());

  test("add: requested, approved by an approver, applied to VB365 once, every step in the log", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    assert.equal(request.state, "pending");
    assert.equal(audited(ben.name), false);

    const result = await service.record(request.id, BOSS, { kind: "approve" });
    assert.equal(result.kind, "approved");
    assert.ok(result.kind === "approved");
    assert.equal(result.apply?.kind, "applied");
    assert.equal(result.request.state, "applied");
    assert.equal(result.request.decidedBy, BOSS);
    assert.deepEqual(
      result.votes.map((v) => v.approver),
      [BOSS],
    );
    assert.equal(audited(ben.name), true);
    assert.equal(w.posts(ADD_POST), 1);
    assert.deepEqual(kindsOf(w.store, request.id), [
      "requested",
      "voted",
      "approved",
      "apply_attempted",
      "apply_succeeded",
    ]);
    const [requested] = w.store.log.forRequest(request.id);
    assert.equal(requested?.actor, REQUESTER);
    assert.equal(requested?.principal?.name, ben.name);
    assert.deepEqual(requested?.organization, ORG);
    assert.deepEqual(logRows(w.store), 5);
  });

  test("a crash between approval and apply: the retry routine of the restarted bot applies it once", async (t) => {
    const w = world(t);
    const request = await submitBen(w.service());
    const approved = await w.service().record(request.id, BOSS, { kind: "approve" }, { apply: false });
    assert.equal(approved.kind, "approved");
    assert.equal(approved.kind === "approved" ? approved.request.state : undefined, "approved");
    assert.equal(audited(ben.name), false, "nothing reached VB365 before the crash");

    // The process dies; a new one opens the same file.
    w.store.db.close();
    const reopened = openDatabase(w.dbPath, { logger: silentLogger });
    t.after(() => reopened.close());
    const store = createStore(reopened);
    const restarted = w.service({}, store);
    const results = await restarted.retryDue();
    assert.deepEqual(
      results.map((r) => r.kind),
      ["applied"],
    );
    assert.equal(store.requests.get(request.id)?.state, "applied");
    assert.equal(audited(ben.name), true);
    assert.equal(w.posts(ADD_POST), 1);
    assert.deepEqual(await restarted.retryDue(), [], "nothing is due any more");
    assert.equal(w.posts(ADD_POST), 1);
  });

  test("a crash after the POST reached VB365: the retry reads the list and counts it as done without a second POST", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    await service.record(request.id, BOSS, { kind: "approve" }, { apply: false });
    // As if the bot had POSTed and died before recording it.
    sim.control.addAuditItem(ORG.id, {
      type: "User",
      id: ben.id,
      name: ben.name,
      displayName: ben.displayName,
    });
    const [result] = await service.retryDue();
    assert.equal(result?.kind, "applied");
    assert.equal(result?.kind === "applied" ? result.how : undefined, "already_done");
    assert.equal(w.posts(ADD_POST), 0);
    assert.equal(sim.control.auditItems(ORG.id).length, 1);
  });

  test("VB365 down for a while: the request stays approved/apply_failed with backoff, then applies once", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);

    // Every call fails for now: the list read before the POST, and the POST itself.
    sim.faults.failNext(100, 503, { path: /AuditItems/i });
    const first = await service.record(request.id, BOSS, { kind: "approve" });
    assert.ok(first.kind === "approved");
    assert.equal(first.apply?.kind, "failed");
    assert.equal(first.request.state, "apply_failed");
    assert.equal(first.request.applyAttempts, 1);
    assert.match(first.request.lastError ?? "", /^VB365 /);
    assert.doesNotMatch(first.request.lastError ?? "", /stack|password/i);
    assert.equal(first.request.nextAttemptAt?.getTime(), w.clock.now().getTime() + retryDelayMs(1, RETRY));

    assert.deepEqual(await service.retryDue(), [], "not due before the backoff");
    w.clock.advance(retryDelayMs(1, RETRY));
    const second = await service.retryDue();
    assert.deepEqual(
      second.map((r) => r.kind),
      ["failed"],
    );
    const afterSecond = w.store.requests.get(request.id);
    assert.equal(afterSecond?.applyAttempts, 2);
    assert.equal(afterSecond?.nextAttemptAt?.getTime(), w.clock.now().getTime() + retryDelayMs(2, RETRY));
    assert.ok(retryDelayMs(2, RETRY) > retryDelayMs(1, RETRY), "the backoff grows");

    // Connections dropped instead of errors: still survived.
    sim.faults.reset();
    sim.faults.dropNext(100, { path: /AuditItems/i });
    w.clock.advance(retryDelayMs(2, RETRY));
    assert.deepEqual(
      (await service.retryDue()).map((r) => r.kind),
      ["failed"],
    );
    assert.equal(audited(ben.name), false);

    // VB365 is back.
    sim.faults.reset();
    w.clock.advance(retryDelayMs(3, RETRY));
    const applied = await service.retryDue();
    assert.deepEqual(
      applied.map((r) => r.kind),
      ["applied"],
    );
    const final = w.store.requests.get(request.id);
    assert.equal(final?.state, "applied");
    assert.equal(final?.lastError, null);
    assert.equal(final?.applyAttempts, 4);
    assert.equal(sim.control.auditItems(ORG.id).length, 1);
    const kinds = kindsOf(w.store, request.id);
    assert.equal(kinds.filter((k) => k === "apply_failed").length, 3);
    assert.equal(kinds.at(-1), "apply_succeeded");
    assert.deepEqual(verifyLog(w.store.db).ok, true);
  });

  test("an ambiguous POST (the connection drops after VB365 applied it) is settled by reading back", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    sim.faults.dropNext(1, { method: "POST", path: /AuditItems$/i, when: "after" });
    const result = await service.record(request.id, BOSS, { kind: "approve" });
    assert.ok(result.kind === "approved");
    assert.equal(result.apply?.kind, "applied");
    assert.equal(result.apply?.kind === "applied" ? result.apply.how : undefined, "readback");
    assert.equal(sim.control.auditItems(ORG.id).length, 1);
    assert.equal(w.posts(ADD_POST), 1);
  });

  test("many approvers clicking at once: one approval wins and VB365 gets ONE POST", async (t) => {
    const w = world(t);
    const clickers = Array.from({ length: 12 }, (_, i) => `UAPPROVER${i}`);
    for (const c of clickers) w.approvers.add(c);
    const service = w.service();
    const request = await submitBen(service);

    const results = await Promise.all(
      clickers.map((c) => service.record(request.id, c, { kind: "approve" })),
    );
    const approved = results.filter((r) => r.kind === "approved");
    assert.equal(approved.length, 1);
    for (const r of results.filter((x) => x.kind !== "approved")) {
      assert.deepEqual(r.kind === "refused" ? r.reason : r.kind, "already_decided");
    }
    // And appliers racing on their own (a job run, a second click path) change nothing more.
    const [again, twice, due] = await Promise.all([
      service.apply(request.id),
      service.apply(request.id),
      service.retryDue(),
    ]);
    assert.equal(again.kind, "not_applicable");
    assert.equal(twice.kind, "not_applicable");
    assert.deepEqual(due, []);
    assert.equal(w.posts(ADD_POST), 1);
    assert.equal(w.store.votes.list(request.id).length, 1);
    assert.equal(kindsOf(w.store, request.id).filter((k) => k === "approved").length, 1);
  });

  test("concurrent appliers of one approved request: the lease admits one, ONE POST", async (t) => {
    const w = world(t);
    const service = w.service();
    const other = w.service(); // a second instance on the same store, as a job would hold
    const request = await submitBen(service);
    await service.record(request.id, BOSS, { kind: "approve" }, { apply: false });
    sim.faults.setLatency(50, { path: /AuditItems/i });
    const results = await Promise.all([
      service.apply(request.id),
      other.apply(request.id),
      other.retryDue(),
      service.retryDue(),
    ]);
    const flat = results.flat();
    assert.equal(flat.filter((r) => r.kind === "applied").length, 1);
    assert.equal(w.posts(ADD_POST), 1);
    assert.equal(w.store.requests.get(request.id)?.applyAttempts, 1);
  });

  test("two processes (two connections to one file) deciding at once: one wins", async (t) => {
    const w = world(t);
    const second = openDatabase(w.dbPath, { logger: silentLogger });
    t.after(() => second.close());
    const a = w.service();
    const b = w.service({}, createStore(second));
    const request = await submitBen(a);
    const results = await Promise.all([
      a.record(request.id, BOSS, { kind: "approve" }),
      b.record(request.id, DEPUTY, { kind: "deny", reason: "no ticket" }),
    ]);
    const winners = results.filter((r) => r.kind !== "refused");
    assert.equal(winners.length, 1);
    const loser = results.find((r) => r.kind === "refused");
    assert.equal(loser?.kind === "refused" ? loser.reason : undefined, "already_decided");
    assert.ok(w.posts(ADD_POST) <= 1);
    assert.deepEqual(verifyLog(w.store.db).ok, true);
  });

  test("a quorum of two: the first approval waits, the same approver cannot count twice, the second applies", async (t) => {
    const w = world(t);
    const service = w.service({ requiredApprovals: 2 });
    const request = await submitBen(service);

    const first = await service.record(request.id, BOSS, { kind: "approve" });
    assert.equal(first.kind, "vote_recorded");
    assert.equal(first.kind === "vote_recorded" ? first.remaining : undefined, 1);
    assert.equal(first.kind === "vote_recorded" ? first.request.state : undefined, "pending");
    assert.equal(w.posts(ADD_POST), 0);

    const again = await service.record(request.id, BOSS, { kind: "approve" });
    assert.equal(again.kind === "refused" ? again.reason : again.kind, "already_voted");

    const second = await service.record(request.id, DEPUTY, { kind: "approve" });
    assert.ok(second.kind === "approved");
    assert.equal(second.request.state, "applied");
    assert.deepEqual(
      second.votes.map((v) => v.approver),
      [BOSS, DEPUTY],
    );
    assert.equal(w.posts(ADD_POST), 1);
    assert.deepEqual(kindsOf(w.store, request.id).slice(0, 4), ["requested", "voted", "voted", "approved"]);
  });

  test("self-approval is refused by default and nothing changes; allowed when the policy says so", async (t) => {
    const w = world(t);
    w.approvers.add(REQUESTER);
    const strict = w.service();
    const request = await submitBen(strict);
    const refused = await strict.record(request.id, REQUESTER, { kind: "approve" });
    assert.equal(refused.kind === "refused" ? refused.reason : refused.kind, "own_request");
    assert.equal(w.store.requests.get(request.id)?.state, "pending");
    assert.deepEqual(w.store.votes.list(request.id), []);
    assert.deepEqual(kindsOf(w.store, request.id), ["requested"]);

    const lenient = w.service({ allowSelfApproval: true });
    const approved = await lenient.record(request.id, REQUESTER, { kind: "approve" });
    assert.equal(approved.kind, "approved");
    assert.equal(audited(ben.name), true);
  });

  test("a non-approver's click is refused and changes nothing; deny needs a reason; the requester may cancel", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    const stranger = await service.record(request.id, STRANGER, { kind: "approve" });
    assert.equal(stranger.kind === "refused" ? stranger.reason : stranger.kind, "not_approver");
    const strangerCancel = await service.record(request.id, STRANGER, { kind: "cancel" });
    assert.equal(
      strangerCancel.kind === "refused" ? strangerCancel.reason : strangerCancel.kind,
      "not_requester",
    );
    const blank = await service.record(request.id, BOSS, { kind: "deny", reason: "   " });
    assert.equal(blank.kind === "refused" ? blank.reason : blank.kind, "reason_required");
    assert.deepEqual(kindsOf(w.store, request.id), ["requested"]);

    const cancelled = await service.record(request.id, REQUESTER, { kind: "cancel" });
    assert.equal(cancelled.kind, "cancelled");
    assert.equal(w.store.requests.get(request.id)?.state, "cancelled");
    const late = await service.record(request.id, BOSS, { kind: "approve" });
    assert.equal(late.kind === "refused" ? late.reason : late.kind, "already_decided");

    const again = await submitBen(service);
    const denied = await service.record(again.id, BOSS, { kind: "deny", reason: "no ticket" });
    assert.ok(denied.kind === "denied");
    assert.equal(denied.request.denyReason, "no ticket");
    assert.equal(denied.request.decidedBy, BOSS);
    assert.equal(w.posts(ADD_POST), 0);
    assert.equal(await service.record(9999, BOSS, { kind: "approve" }).then((r) => r.kind), "not_found");
  });

  test("expiry by time-to-live: stale pending requests expire, are logged, and can no longer be approved", async (t) => {
    const w = world(t);
    const service = w.service({ requestTtlMs: 2 * HOUR });
    const stale = await submitBen(service);
    w.clock.advance(HOUR);
    const other = await service.submit({
      kind: "add",
      organization: ORG,
      principal: { type: "User", id: "x", name: "someone.else@vbridge.co.nz", displayName: "Someone Else" },
      requester: REQUESTER,
    });
    assert.equal(other.kind, "created");

    w.clock.advance(HOUR - 1);
    assert.deepEqual(service.expireStale(), []);
    w.clock.advance(1);
    const expired = service.expireStale();
    assert.deepEqual(
      expired.map((r) => [r.id, r.state, r.decidedBy]),
      [[stale.id, "expired", "system"]],
    );
    assert.deepEqual(service.expireStale(), [], "once");
    const last = w.store.log.forRequest(stale.id).at(-1);
    assert.equal(last?.kind, "expired");
    assert.equal(last?.actor, "system");

    const click = await service.record(stale.id, BOSS, { kind: "approve" });
    assert.equal(click.kind === "refused" ? click.reason : click.kind, "expired");
    // The principal is free for a new request.
    const fresh = await submitBen(service);
    assert.notEqual(fresh.id, stale.id);
    assert.equal(w.posts(ADD_POST), 0);
  });

  test("a click on a request past its time-to-live, before the expiry job ran, expires it", async (t) => {
    const w = world(t);
    const service = w.service({ requestTtlMs: HOUR });
    const request = await submitBen(service);
    w.clock.advance(HOUR);
    const click = await service.record(request.id, BOSS, { kind: "approve" });
    assert.ok(click.kind === "refused");
    assert.equal(click.reason, "expired");
    assert.equal(click.request.state, "expired");
    assert.equal(w.posts(ADD_POST), 0);
  });

  test("a new submission over a request past its time-to-live expires it and reports it; VB365 down, it stays for the job", async (t) => {
    const w = world(t);
    const service = w.service({ requestTtlMs: HOUR });
    const stale = await submitBen(service);
    w.clock.advance(HOUR);

    sim.faults.failNext(100, 503, { path: /AuditItems/i });
    await assert.rejects(submitBen(service), (err: Error) => err.name === "VboError");
    assert.equal(
      w.store.requests.get(stale.id)?.state,
      "pending",
      "nothing recorded: the expiry job ends it",
    );
    sim.faults.reset();

    const again = await service.submit({
      kind: "add",
      organization: ORG,
      principal: ben,
      requester: REQUESTER,
    });
    assert.ok(again.kind === "created");
    assert.notEqual(again.request.id, stale.id);
    assert.equal(again.expired?.id, stale.id);
    assert.equal(again.expired?.state, "expired");
    assert.equal(kindsOf(w.store, stale.id).at(-1), "expired");

    const fresh = await service.submit({
      kind: "add",
      organization: ORG,
      principal: ben,
      requester: REQUESTER,
    });
    assert.ok(fresh.kind === "duplicate");
    assert.equal(fresh.expired, undefined, "a request in time is not ended");
  });

  test("a time-bound audit ends on time: its item is removed without a second approval, once, and logged why", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service, { auditForMs: 30 * DAY });
    w.clock.advance(HOUR);
    const approved = await service.record(request.id, BOSS, { kind: "approve" });
    assert.ok(approved.kind === "approved");
    const appliedAt = w.clock.now().getTime();
    assert.equal(approved.request.auditExpiresAt?.getTime(), appliedAt + 30 * DAY);
    assert.equal(audited(ben.name), true);

    w.clock.advance(30 * DAY - 1);
    assert.deepEqual(await service.endTimedAudits(), []);
    assert.equal(audited(ben.name), true);

    w.clock.advance(1);
    const ended = await service.endTimedAudits();
    assert.deepEqual(
      ended.map((r) => r.kind),
      ["removed"],
    );
    assert.equal(audited(ben.name), false);
    assert.equal(w.posts(REMOVE_POST), 1);
    const event = w.store.log.forRequest(request.id).at(-1);
    assert.equal(event?.kind, "audit_expired");
    assert.equal(event?.actor, "system");
    assert.match(String(event?.detail.reason), /time-bound audit of 30d ended/);
    assert.equal(w.store.requests.get(request.id)?.auditExpiredAt?.getTime(), w.clock.now().getTime());

    w.clock.advance(DAY);
    assert.deepEqual(await service.endTimedAudits(), [], "exactly once");
    assert.equal(w.posts(REMOVE_POST), 1);
  });

  test("a time-bound audit whose removal fails is retried later, still exactly once", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service, { auditForMs: DAY });
    await service.record(request.id, BOSS, { kind: "approve" });
    w.clock.advance(DAY);
    sim.faults.failNext(100, 500, { path: /AuditItems/i });
    const failed = await service.endTimedAudits();
    assert.deepEqual(
      failed.map((r) => r.kind),
      ["failed"],
    );
    assert.equal(audited(ben.name), true);
    sim.faults.reset();
    assert.deepEqual(await service.endTimedAudits(), [], "waits for its backoff");
    w.clock.advance(retryDelayMs(1, RETRY));
    assert.deepEqual(
      (await service.endTimedAudits()).map((r) => r.kind),
      ["removed"],
    );
    assert.equal(audited(ben.name), false);
    assert.deepEqual(kindsOf(w.store, request.id).slice(-2), ["audit_expiry_failed", "audit_expired"]);
  });

  test("a time-bound audit superseded by a later request leaves VB365 alone", async (t) => {
    const w = world(t);
    const service = w.service();
    const timed = await submitBen(service, { auditForMs: DAY });
    await service.record(timed.id, BOSS, { kind: "approve" });
    const removal = await submitBen(service, { kind: "remove" });
    await service.record(removal.id, BOSS, { kind: "approve" });
    const permanent = await submitBen(service);
    await service.record(permanent.id, BOSS, { kind: "approve" });
    assert.equal(audited(ben.name), true);

    w.clock.advance(DAY);
    const results = await service.endTimedAudits();
    assert.deepEqual(
      results.map((r) => (r.kind === "superseded" ? [r.kind, r.by] : [r.kind])),
      [["superseded", permanent.id]],
    );
    assert.equal(audited(ben.name), true, "the permanent audit stays");
  });

  test("removal: only for someone audited, then applied and gone from VB365", async (t) => {
    const w = world(t);
    const service = w.service();
    const notYet = await service.submit({
      kind: "remove",
      organization: ORG,
      principal: ben,
      requester: REQUESTER,
    });
    assert.deepEqual(notYet, { kind: "not_audited" });
    assert.deepEqual(w.store.requests.listOpen(), []);

    sim.control.addAuditItem(ORG.id, {
      type: "User",
      id: ben.id,
      name: ben.name,
      displayName: ben.displayName,
    });
    const request = await submitBen(service, { kind: "remove" });
    const result = await service.record(request.id, BOSS, { kind: "approve" });
    assert.ok(result.kind === "approved");
    assert.equal(result.request.state, "applied");
    assert.equal(audited(ben.name), false);
    assert.equal(w.posts(REMOVE_POST), 1);
  });

  test("already audited, and a duplicate open request, are answered without creating a request", async (t) => {
    const w = world(t);
    const service = w.service();
    const first = await submitBen(service);
    // The same person, typed differently: the UPN in another case, another id form.
    const duplicate = await service.submit({
      kind: "add",
      organization: ORG,
      principal: { ...ben, id: "another-id-form", name: ben.name.toUpperCase() },
      requester: "USOMEONE",
    });
    assert.equal(duplicate.kind, "duplicate");
    assert.equal(duplicate.kind === "duplicate" ? duplicate.request.id : undefined, first.id);

    await service.record(first.id, BOSS, { kind: "approve" });
    const already = await service.submit({
      kind: "add",
      organization: ORG,
      principal: ben,
      requester: REQUESTER,
    });
    assert.equal(already.kind, "already_audited");
    assert.equal(
      already.kind === "already_audited" ? already.auditItem.user?.name?.toLowerCase() : undefined,
      ben.name.toLowerCase(),
    );
    assert.equal(w.store.requests.listByRequester(REQUESTER).length, 1);
    assert.equal(w.store.requests.listByRequester("USOMEONE").length, 0);

    // What the asker learned is in the log, so someone probing who is audited shows there.
    const notAudited = await service.submit({
      kind: "remove",
      organization: ORG,
      principal: { type: "User", id: "u-nobody", name: "nobody@vbridge.co.nz", displayName: "Nobody" },
      requester: STRANGER,
    });
    assert.equal(notAudited.kind, "not_audited");
    const answered = w.store.log.list().filter((e) => e.kind === "audit_state_answered");
    assert.deepEqual(
      answered.map((e) => [e.actor, e.principal?.name, e.detail.requestKind, e.detail.audited]),
      [
        [STRANGER, "nobody@vbridge.co.nz", "remove", false],
        [REQUESTER, ben.name, "add", true],
      ],
    );
    assert.ok(answered.every((e) => e.requestId === null && e.organization?.id === ORG.id));
  });

  test("one person's open requests are capped: the next is refused with theirs; a decided one frees a place", async (t) => {
    const w = world(t);
    const service = w.service({}, w.store, 2);
    const someone = (n: number): PrincipalRef => ({
      type: "User",
      id: `u-${n}`,
      name: `someone${n}@vbridge.co.nz`,
      displayName: `Someone ${n}`,
    });
    const ask = (n: number, requester = REQUESTER) =>
      service.submit({ kind: "add", organization: ORG, principal: someone(n), requester });
    const first = await ask(1);
    const second = await ask(2);
    assert.ok(first.kind === "created" && second.kind === "created");
    const third = await ask(3);
    assert.equal(third.kind, "too_many_open");
    assert.deepEqual(third.kind === "too_many_open" ? [third.max, third.open.map((r) => r.id)] : [], [
      2,
      [first.request.id, second.request.id],
    ]);
    assert.equal((await ask(9, STRANGER)).kind, "created", "the cap is per person");

    await service.record(first.request.id, BOSS, { kind: "deny", reason: "no" });
    assert.equal((await ask(3)).kind, "created", "a decided request frees a place");

    // Two asks at once, with one place left: the transaction lets one through.
    await service.record(second.request.id, REQUESTER, { kind: "cancel" });
    const racing = await Promise.all([ask(4), ask(5)]);
    assert.deepEqual(racing.map((r) => r.kind).sort(), ["created", "too_many_open"]);
    assert.equal(w.store.requests.listOpen().filter((r) => r.requester === REQUESTER).length, 2);
  });

  test("a submission while VB365 is down records nothing and says so by throwing the VB365 error", async (t) => {
    const w = world(t);
    const service = w.service();
    sim.faults.failNext(100, 503, { path: /AuditItems/i });
    await assert.rejects(
      service.submit({ kind: "add", organization: ORG, principal: ben, requester: REQUESTER }),
      (err: Error) => err.name === "VboError",
    );
    assert.deepEqual(w.store.requests.listOpen(), []);
  });

  test("invalid submissions: a time-bound removal, a duration outside the parser's own limits", async (t) => {
    const w = world(t);
    const service = w.service();
    const base = { organization: ORG, principal: ben, requester: REQUESTER };
    assert.equal((await service.submit({ ...base, kind: "remove", auditForMs: DAY })).kind, "invalid");
    // The same rule `--for` is parsed by (core/requests/duration.ts): 1 hour to 365 days.
    for (const auditForMs of [0, AUDIT_FOR.minMs - 1, AUDIT_FOR.maxMs + 1, Number.NaN]) {
      const refused = await service.submit({ ...base, kind: "add", auditForMs });
      assert.equal(refused.kind, "invalid", `${auditForMs} ms`);
      assert.ok(refused.kind === "invalid" && refused.problem.includes("from 1 hour to 365 days"));
    }
    assert.equal(w.sim.stats.total(), 0, "nothing asked of VB365");
    for (const auditForMs of [AUDIT_FOR.minMs, AUDIT_FOR.maxMs]) {
      assert.equal((await service.submit({ ...base, kind: "add", auditForMs })).kind, "created");
      w.store.requests.close(
        w.store.requests.listOpen()[0]?.id ?? 0,
        { to: "cancelled", by: BOSS },
        w.clock.now(),
      );
    }
  });

  test("the hash chain over a whole day of work verifies, and a tampered row is found", async (t) => {
    const w = world(t);
    const service = w.service({ requiredApprovals: 2 });
    const request = await submitBen(service, { auditForMs: DAY });
    await service.record(request.id, STRANGER, { kind: "approve" });
    await service.record(request.id, BOSS, { kind: "approve" });
    await service.record(request.id, DEPUTY, { kind: "approve" });
    w.clock.advance(DAY);
    await service.endTimedAudits();
    const rows = w.store.log.list({ limit: 1000 }).length;
    assert.ok(rows >= 7);
    assert.deepEqual(logRows(w.store), rows);

    const voted = w.store.log.forRequest(request.id).find((e) => e.kind === "voted");
    assert.ok(voted);
    w.store.db.exec("DROP TRIGGER events_no_update");
    w.store.db.prepare("UPDATE events SET actor = ? WHERE id = ?").run("UMALLORY", voted.id);
    const result = verifyLog(w.store.db);
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, voted.id);
  });

  test("view: everything the Slack side renders, and the messages that show a request", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    w.store.messages.add(request.id, "C0APPROVALS", "1700000000.000100", "approval", w.clock.now());
    w.store.messages.add(request.id, "C0APPROVALS", "1700000000.000100", "approval", w.clock.now());
    const view = service.view(request.id);
    assert.equal(view?.request.id, request.id);
    assert.deepEqual(
      view?.messages.map((m) => [m.channel, m.ts, m.purpose]),
      [["C0APPROVALS", "1700000000.000100", "approval"]],
    );
    assert.deepEqual(
      view?.events.map((e) => e.kind),
      ["requested"],
    );
    assert.equal(service.view(424242), undefined);
  });
});

test("retry delays double from the base and stop at the maximum", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, RETRY)),
    [60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, HOUR, HOUR],
  );
  assert.equal(retryDelayMs(0, RETRY), 60_000);
});

for (const version of ["v6", "v7", "v8"] as const) {
  test(`add then remove on a server that speaks only ${version}`, async (t) => {
    const only = await startSimulator(t, { versions: [version] });
    const client = simulatorClient(only);
    t.after(() => client.close());
    const db = openDatabase(":memory:", { logger: silentLogger });
    t.after(() => db.close());
    const service = serviceOn({
      store: createStore(db),
      vbo: client,
      clock: new ManualClock(),
      approvers: { isApprover: async (id) => id === BOSS, members: async () => [BOSS] },
      policy: { requestTtlMs: DAY },
    });
    const principal: PrincipalRef = {
      type: "User",
      id: SEED.benYoung.id,
      name: SEED.benYoung.name,
      displayName: SEED.benYoung.displayName,
    };
    const inVbo = () => only.control.auditItems(ORG.id).some((i) => i.principal.name === SEED.benYoung.name);

    for (const kind of ["add", "remove"] as const) {
      const submitted = await service.submit({ kind, organization: ORG, principal, requester: REQUESTER });
      assert.ok(submitted.kind === "created", `${kind}: ${submitted.kind}`);
      const result = await service.record(submitted.request.id, BOSS, { kind: "approve" });
      assert.ok(result.kind === "approved");
      assert.equal(result.request.state, "applied", `${kind} on ${version}`);
      assert.equal(inVbo(), kind === "add");
    }
    assert.equal(await client.apiVersion(), version);
  });
}

/** Resolves once `check` holds, looking every few milliseconds (for work running in the background). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`never happened: ${what}`);
}

/** The stored lease and write mark of a request, read as a second process would. */
function leaseOf(store: Store, id: number) {
  return store.db
    .prepare<
      [number],
      { lease_owner: string | null; lease_until: string | null; write_started_at: string | null }
    >("SELECT lease_owner, lease_until, write_started_at FROM requests WHERE id = ?")
    .get(id);
}

const audit = (who: PrincipalRef) =>
  sim.control.addAuditItem(ORG.id, {
    type: "User",
    id: who.id,
    name: who.name,
    displayName: who.displayName,
  });

describe("integrity: an apply bound to its lease", () => {
  test("a first applier held up past its lease and the retry job: exactly one POST", async (t) => {
    const w = world(t);
    const first = w.service();
    const job = w.service();
    const request = await submitBen(first);
    await first.record(request.id, BOSS, { kind: "approve" }, { apply: false });

    // The first applier takes the lease, then waits on VB365's list far longer than its lease.
    sim.faults.setLatency(400, { method: "GET", path: /AuditItems$/i });
    const stalled = first.apply(request.id);
    await until(() => leaseOf(w.store, request.id)?.lease_owner != null, "the first applier's lease");
    const leaseUntil = Date.parse(leaseOf(w.store, request.id)?.lease_until ?? "");
    w.clock.current = new Date(leaseUntil + 1);

    const taken = await job.retryDue();
    assert.deepEqual(
      taken.map((r) => r.kind),
      ["applied"],
      "the retry job took the request over and applied it",
    );
    const late = await stalled;
    assert.notEqual(late.kind, "applied", "the first applier wrote nothing");
    assert.equal(w.posts(ADD_POST), 1);
    assert.equal(sim.control.auditItems(ORG.id).length, 1);
    const kinds = kindsOf(w.store, request.id);
    assert.equal(kinds.filter((k) => k === "apply_attempted").length, 1, "one write was logged");
    assert.equal(kinds.filter((k) => k === "apply_succeeded").length, 1);
    assert.equal(logRows(w.store), w.store.log.list({ limit: 100 }).length);
  });

  test("ending a time-bound audit: one held up past its lease removes nothing, the next removes once", async (t) => {
    const w = world(t);
    const first = w.service();
    const job = w.service();
    const request = await submitBen(first, { auditForMs: DAY });
    await first.record(request.id, BOSS, { kind: "approve" });
    w.clock.advance(DAY);
    sim.faults.setLatency(400, { method: "GET", path: /AuditItems$/i });
    const stalled = first.endTimedAudits();
    await until(() => leaseOf(w.store, request.id)?.lease_owner != null, "the first ending's lease");
    w.clock.current = new Date(Date.parse(leaseOf(w.store, request.id)?.lease_until ?? "") + 1);
    const taken = await job.endTimedAudits();
    assert.deepEqual(
      taken.map((r) => r.kind),
      ["removed"],
    );
    assert.deepEqual(
      (await stalled).map((r) => r.kind),
      ["busy"],
      "the held-up one wrote nothing",
    );
    assert.equal(w.posts(REMOVE_POST), 1);
    assert.equal(kindsOf(w.store, request.id).filter((k) => k === "audit_expired").length, 1);
  });

  test("the lease comes from the client's worst case, not a constant, and covers the whole apply", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    await service.record(request.id, BOSS, { kind: "approve" }, { apply: false });
    sim.faults.setLatency(200, { method: "GET", path: /AuditItems$/i });
    const applying = service.apply(request.id);
    await until(() => leaseOf(w.store, request.id)?.lease_owner != null, "the lease");
    const leaseMs = Date.parse(leaseOf(w.store, request.id)?.lease_until ?? "") - w.clock.now().getTime();
    // This client: 10 s per request, one retry, Retry-After waited up to 60 s.
    const worst = vbo.worstCase();
    assert.equal(leaseMs, applyTimes(vbo).leaseMs);
    assert.equal(leaseMs, Math.min(2 * worst.readMs + worst.writeMs, APPLY_BUDGET_MS) + worst.settleMs);
    assert.ok(leaseMs > 300_000, "longer than the old fixed 300 s, which VB365's retries could outlast");
    assert.ok(
      leaseMs <= APPLY_BUDGET_MS + worst.settleMs,
      "but a killed applier holds it for minutes, not hours",
    );
    assert.equal((await applying).kind, "applied");
  });

  test("an approved add or remove reaches VB365 in two calls: one read, one write, and no new token", async (t) => {
    const w = world(t);
    const service = w.service();
    await vbo.listAuditItems(ORG.id); // a token and the API version, as any running bot has
    const add = await submitBen(service);
    sim.stats.reset();
    const added = await service.record(add.id, BOSS, { kind: "approve" });
    assert.equal(added.kind === "approved" ? added.apply?.kind : added.kind, "applied");
    assert.equal(sim.stats.total(), 2, JSON.stringify(sim.stats.byRoute()));
    assert.equal(sim.stats.count("GET", /AuditItems$/i), 1);
    assert.equal(w.posts(ADD_POST), 1);
    assert.equal(sim.stats.count("POST", /\/token$/i), 0);

    const remove = await submitBen(service, { kind: "remove" });
    sim.stats.reset();
    await service.record(remove.id, BOSS, { kind: "approve" });
    assert.equal(sim.stats.total(), 2, JSON.stringify(sim.stats.byRoute()));
    assert.equal(w.posts(REMOVE_POST), 1);

    // Only an ambiguous answer costs a read-back.
    const again = await submitBen(service);
    sim.stats.reset();
    sim.faults.dropNext(1, { method: "POST", path: /AuditItems$/i, when: "after" });
    const readBack = await service.record(again.id, BOSS, { kind: "approve" });
    assert.equal(
      readBack.kind === "approved" && readBack.apply?.kind === "applied" && readBack.apply.how,
      "readback",
    );
    assert.equal(sim.stats.count("GET", /AuditItems$/i), 2);
    assert.equal(sim.stats.total(), 3);
  });
});

describe("integrity: only our own audit items removed", () => {
  test("an add --for 30d of someone already audited changes nothing and ends nothing later", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service, { auditForMs: 30 * DAY });
    // An administrator audits Ben for good while the request waits.
    audit(ben);
    const result = await service.record(request.id, BOSS, { kind: "approve" });
    assert.ok(result.kind === "approved");
    assert.equal(result.apply?.kind === "applied" ? result.apply.how : undefined, "already_done");
    assert.equal(result.request.auditItemCreated, false);
    assert.equal(result.request.auditExpiresAt, null, "no end is scheduled");
    assert.equal(w.posts(ADD_POST), 0);
    const succeeded = w.store.log.forRequest(request.id).find((e) => e.kind === "apply_succeeded");
    assert.equal(succeeded?.detail.note, "already audited; the time limit does not apply");

    w.clock.advance(31 * DAY);
    assert.deepEqual(await service.endTimedAudits(), []);
    assert.equal(audited(ben.name), true, "the administrator's audit item stays");
    assert.equal(w.posts(REMOVE_POST), 0);
  });

  test("the item a time-bound add created is recorded, and at its end only that item is removed", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service, { auditForMs: DAY });
    const result = await service.record(request.id, BOSS, { kind: "approve" });
    assert.ok(result.kind === "approved");
    const [item] = sim.control.auditItems(ORG.id);
    assert.equal(result.request.auditItemCreated, true);
    assert.equal(result.request.auditItemId?.toLowerCase(), item?.id.toLowerCase());
    w.clock.advance(DAY);
    const [ended] = await service.endTimedAudits();
    assert.equal(ended?.kind, "removed");
    assert.equal(audited(ben.name), false);
  });

  test("replaced or removed outside the bot before its end: logged as drift, VB365 left alone", async (t) => {
    for (const change of ["replaced", "removed"] as const) {
      const w = world(t);
      const service = w.service();
      const request = await submitBen(service, { auditForMs: DAY });
      await service.record(request.id, BOSS, { kind: "approve" });
      const [ours] = sim.control.auditItems(ORG.id);
      assert.ok(ours);
      sim.control.removeAuditItem(ORG.id, ours.id);
      if (change === "replaced") audit(ben);
      sim.stats.reset();

      w.clock.advance(DAY);
      const [ended] = await service.endTimedAudits();
      assert.deepEqual(ended?.kind === "drift" ? ended.change : ended?.kind, change);
      assert.equal(audited(ben.name), change === "replaced", `${change}: the item found is left as it is`);
      assert.equal(w.posts(REMOVE_POST), 0);
      const events = w.store.log.forRequest(request.id);
      const drift = events.find((e) => e.kind === "drift_seen");
      assert.equal(drift?.detail.change, change);
      const expired = events.find((e) => e.kind === "audit_expired");
      assert.equal(expired?.detail.removed, false);
      assert.ok(w.store.requests.get(request.id)?.auditExpiredAt, "the audit's end is recorded, once");
      assert.deepEqual(await service.endTimedAudits(), []);
    }
  });
});

describe("integrity: requests that VB365 keeps refusing end", () => {
  /** A user VB365 no longer has: every add of it is refused with a 400. */
  const gone: PrincipalRef = {
    type: "User",
    id: "00000000-0000-0000-0000-00000000dead",
    name: "left.company@vbridge.co.nz",
    displayName: "Left Company",
  };

  async function approveGone(service: Service, before: () => void = () => {}) {
    const submitted = await service.submit({
      kind: "add",
      organization: ORG,
      principal: gone,
      requester: REQUESTER,
      reason: "they left",
    });
    assert.ok(submitted.kind === "created");
    before();
    return service.record(submitted.request.id, BOSS, { kind: "approve" });
  }

  test("after five definite refusals the request ends as failed, logged, and a new request is possible", async (t) => {
    const w = world(t);
    const service = w.service();
    const first = await approveGone(service);
    assert.ok(first.kind === "approved");
    assert.equal(first.apply?.kind, "failed");
    const id = first.request.id;
    for (let attempt = 2; attempt <= 5; attempt++) {
      w.clock.advance(retryDelayMs(attempt - 1, RETRY));
      const [result] = await service.retryDue();
      assert.equal(result?.kind, attempt < 5 ? "failed" : "ended", `attempt ${attempt}`);
    }
    const ended = w.store.requests.get(id);
    assert.equal(ended?.state, "failed");
    assert.equal(ended?.definiteFailures, 5);
    assert.match(ended?.lastError ?? "", /HTTP 400/);
    const failed = w.store.log.forRequest(id).find((e) => e.kind === "failed");
    assert.match(String(failed?.detail.reason), /VB365 refused it 5 times; the request has ended/);
    w.clock.advance(DAY);
    assert.deepEqual(await service.retryDue(), [], "no more attempts, no more log rows");
    assert.equal(kindsOf(w.store, id).at(-1), "failed");

    const again = await service.submit({
      kind: "add",
      organization: ORG,
      principal: gone,
      requester: REQUESTER,
    });
    assert.equal(again.kind, "created", "the principal is free for a new request");
  });

  test("a definite refusal once the approval is older than the maximum age ends it at once", async (t) => {
    const w = world(t);
    const service = w.service();
    // The first attempt meets an outage (the read and its one retry), which ends nothing.
    const first = await approveGone(service, () =>
      sim.faults.failNext(2, 503, { method: "GET", path: /AuditItems$/i }),
    );
    assert.ok(first.kind === "approved");
    assert.equal(first.apply?.kind, "failed");
    w.clock.advance(DEFAULT_RETRY.maxAgeMs);
    const [late] = await service.retryDue();
    assert.equal(late?.kind, "ended");
    const failed = w.store.log.forRequest(first.request.id).find((e) => e.kind === "failed");
    assert.match(
      String(failed?.detail.reason),
      /still refuses it 1d after its approval; the request has ended/,
    );
  });

  test("an outage is retried however long it lasts, and never ends the request", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    sim.faults.failNext(1_000, 503, { path: /AuditItems/i });
    await service.record(request.id, BOSS, { kind: "approve" });
    for (let attempt = 2; attempt <= 8; attempt++) {
      w.clock.advance(DAY);
      assert.deepEqual(
        (await service.retryDue()).map((r) => r.kind),
        ["failed"],
      );
    }
    const waiting = w.store.requests.get(request.id);
    assert.equal(waiting?.state, "apply_failed");
    assert.equal(waiting?.definiteFailures, 0);
    sim.faults.reset();
    w.clock.advance(DAY);
    assert.deepEqual(
      (await service.retryDue()).map((r) => r.kind),
      ["applied"],
    );
  });
});

describe("integrity: cancel", () => {
  test("an approver cancels an approved request before it applied: nothing reaches VB365", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    await service.record(request.id, BOSS, { kind: "approve" }, { apply: false });
    const refused = await service.record(request.id, STRANGER, { kind: "cancel" });
    assert.equal(refused.kind === "refused" ? refused.reason : refused.kind, "not_requester");
    const cancelled = await service.record(request.id, DEPUTY, { kind: "cancel" });
    assert.equal(cancelled.kind, "cancelled");
    assert.equal(cancelled.kind === "cancelled" ? cancelled.request.decidedBy : undefined, DEPUTY);
    assert.deepEqual(await service.retryDue(), []);
    assert.equal((await service.apply(request.id)).kind, "not_applicable");
    assert.equal(w.posts(ADD_POST), 0);
    const late = await service.record(request.id, BOSS, { kind: "approve" });
    assert.equal(late.kind === "refused" ? late.reason : late.kind, "already_decided");
    assert.deepEqual(w.store.log.forRequest(request.id).at(-1)?.detail, {
      byRequester: false,
      requestKind: "add",
      was: "approved",
    });
  });

  test("while its write is on its way to VB365 a request cannot be cancelled; before it, a cancel stops the write", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    await service.record(request.id, BOSS, { kind: "approve" }, { apply: false });
    sim.faults.setLatency(300, { method: "POST", path: /AuditItems$/i });
    const applying = service.apply(request.id);
    await until(() => leaseOf(w.store, request.id)?.write_started_at != null, "the write to start");
    const refused = await service.record(request.id, REQUESTER, { kind: "cancel" });
    assert.equal(refused.kind === "refused" ? refused.reason : refused.kind, "being_applied");
    assert.equal((await applying).kind, "applied");

    const other = await submitBen(service, { kind: "remove" });
    await service.record(other.id, BOSS, { kind: "approve" }, { apply: false });
    sim.faults.setLatency(300, { method: "GET", path: /AuditItems$/i });
    const reading = service.apply(other.id);
    await until(() => leaseOf(w.store, other.id)?.lease_owner != null, "the read to start");
    assert.equal((await service.record(other.id, REQUESTER, { kind: "cancel" })).kind, "cancelled");
    assert.equal((await reading).kind, "not_applicable", "the applier found it cancelled before writing");
    assert.equal(w.posts(REMOVE_POST), 0);
    assert.equal(audited(ben.name), true);
  });
});

describe("integrity: approvals that still hold when they count", () => {
  test("a quorum of two: an approver who left the group before the second vote no longer counts", async (t) => {
    const w = world(t);
    w.approvers.add("U0THIRD");
    const service = w.service({ requiredApprovals: 2 });
    const request = await submitBen(service);
    assert.equal((await service.record(request.id, BOSS, { kind: "approve" })).kind, "vote_recorded");
    w.approvers.delete(BOSS);
    const second = await service.record(request.id, DEPUTY, { kind: "approve" });
    assert.ok(second.kind === "vote_recorded", `got ${second.kind}`);
    assert.equal(second.remaining, 1);
    assert.deepEqual(
      second.votes.map((v) => v.approver),
      [DEPUTY],
    );
    const discounted = w.store.log.forRequest(request.id).find((e) => e.kind === "vote_discounted");
    assert.deepEqual(discounted?.detail.approver, BOSS);
    assert.equal(w.posts(ADD_POST), 0, "nothing applied on a vote that no longer counts");
    const third = await service.record(request.id, "U0THIRD", { kind: "approve" });
    assert.equal(third.kind, "approved");
    assert.equal(w.posts(ADD_POST), 1);
    assert.ok(logRows(w.store) > 0);
  });

  test("an approver cannot approve, or be counted for, a change to their own account", async (t) => {
    const w = world(t);
    w.approvers.add("U0THIRD");
    const service = w.service({ requiredApprovals: 2 });
    const request = await submitBen(service);
    // DEPUTY is Ben: their Slack profile's e-mail is his UPN.
    w.emails.set(DEPUTY, ben.name.toUpperCase());
    const own = await service.record(request.id, DEPUTY, { kind: "approve" });
    assert.equal(own.kind === "refused" ? own.reason : own.kind, "own_account");
    assert.deepEqual(w.store.votes.list(request.id), []);

    // A vote cast before the profile said so is not counted when the quorum completes.
    w.emails.delete(DEPUTY);
    assert.equal((await service.record(request.id, DEPUTY, { kind: "approve" })).kind, "vote_recorded");
    w.emails.set(DEPUTY, ben.name);
    const second = await service.record(request.id, BOSS, { kind: "approve" });
    assert.equal(second.kind, "vote_recorded");
    const discounted = w.store.log.forRequest(request.id).find((e) => e.kind === "vote_discounted");
    assert.equal(discounted?.detail.reason, "the request is about their own account");
    assert.equal((await service.record(request.id, "U0THIRD", { kind: "approve" })).kind, "approved");
  });
});

describe("integrity: state is cross-checked against the log", () => {
  test("a request set to approved by hand is not applied by the retry job, and nothing reaches VB365", async (t) => {
    const w = world(t);
    const service = w.service();
    const request = await submitBen(service);
    w.store.db
      .prepare("UPDATE requests SET state = 'approved', next_attempt_at = ? WHERE id = ?")
      .run(w.clock.now().toISOString(), request.id);
    const [result] = await service.retryDue();
    assert.equal(result?.kind, "not_in_log");
    assert.equal(w.posts(ADD_POST), 0);
    assert.equal(audited(ben.name), false);
    assert.deepEqual(kindsOf(w.store, request.id), ["requested"], "nothing logged on its behalf");
  });
});
