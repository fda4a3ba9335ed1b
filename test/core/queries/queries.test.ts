/**
 * The read-only flows of `Queries` against the VB365 simulator and a real store, and the pure
 * helpers behind `/readyz` and `list`.
 */
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { readinessOf } from "../../../src/core/queries/health.ts";
import { auditedPrincipals, type Queries } from "../../../src/core/queries/queries.ts";
import { SEED } from "../../../src/sim/types.ts";
import type { Store } from "../../../src/store/index.ts";
import type { AuditItem } from "../../../src/vbo/schemas.ts";
import { BEN, BOSS, ORG, REQUESTER, STRANGER, VIEWER } from "../../support/actors.ts";
import { storedRequest } from "../../support/builders.ts";
import { testWorld, type WorldOptions } from "../../support/world.ts";

async function world(t: TestContext, options: Pick<WorldOptions, "visibility"> = {}) {
  const w = await testWorld(t, {
    vboClient: { maxRetries: 0 },
    approvals: { approverUserIds: [BOSS] },
    core: { queries: { logPageSize: 5 } },
    start: "2026-03-02T09:00:00.000Z",
    ...options,
  });
  return { sim: w.sim, store: w.store, queries: w.core.queries, client: w.vbo, clock: w.clock };
}

/** The full status report: asked by a viewer. */
async function fullStatus(queries: Queries) {
  const outcome = await queries.status({ asker: VIEWER });
  assert.ok(outcome.kind === "full");
  return outcome.report;
}

describe("readinessOf", () => {
  test("ready with the database open and no VB365 call yet, or a good last call", () => {
    assert.deepEqual(readinessOf(true, { lastCallOk: null }), { ready: true });
    assert.deepEqual(readinessOf(true, { lastCallOk: true }), { ready: true });
  });
  test("not ready with the database closed, or after a failed VB365 call, with a generic reason", () => {
    assert.deepEqual(readinessOf(false, { lastCallOk: true }), {
      ready: false,
      reason: "database_unavailable",
    });
    assert.deepEqual(
      readinessOf(true, {
        lastCallOk: false,
        lastError: "VB365 listAuditItems: VB365 did not answer in time",
      }),
      { ready: false, reason: "vb365_unreachable" },
      "VB365's own words stay out of the answer",
    );
  });
});

test("auditedPrincipals splits users from groups and sorts by display name", () => {
  const item = (id: string, type: "User" | "Group", displayName: string): AuditItem =>
    type === "User"
      ? { id, type, user: { id: `u-${id}`, name: `${id}@x.test`, displayName } }
      : { id, type, group: { id: `g-${id}`, name: `${id}@x.test`, displayName } };
  const out = auditedPrincipals(ORG, [
    item("z", "User", "zed"),
    item("g", "Group", "Gamma"),
    item("a", "User", "Alpha"),
  ]);
  assert.deepEqual(
    out.users.map((u) => u.displayName),
    ["Alpha", "zed"],
  );
  assert.deepEqual(
    out.groups.map((g) => g.displayName),
    ["Gamma"],
  );
});

describe("queries against the simulator, asked by a viewer", () => {
  test("find marks matches audited or not, and says 'unknown' when the audit items cannot be read", async (t) => {
    const { queries, sim, clock } = await world(t);
    const found = await queries.find({ asker: VIEWER, who: { kind: "text", value: "team" }, query: "team" });
    assert.ok(found.kind === "found");
    const exec = found.matches.find((m) => m.principal.name === SEED.groups.executiveTeam.name);
    assert.equal(exec?.audited, true);

    sim.faults.failNext(5, 503, { path: /AuditItems$/i });
    clock.advance(61_000); // past what the display cache keeps
    const blind = await queries.find({
      asker: VIEWER,
      who: { kind: "email", value: SEED.benYoung.name },
      query: SEED.benYoung.name,
    });
    assert.ok(blind.kind === "found");
    assert.ok(blind.matches.length > 0);
    assert.ok(blind.matches.every((m) => m.audited === undefined));
  });

  test("list reads the audit items from VB365; VB365 down is an answer", async (t) => {
    const { queries, sim } = await world(t);
    const listed = await queries.list({ asker: VIEWER });
    assert.ok(listed.kind === "audited");
    assert.deepEqual(
      listed.groups.map((g) => g.name),
      [SEED.groups.executiveTeam.name],
    );
    sim.faults.failNext(5, 503, { path: /AuditItems$/i });
    assert.equal((await queries.list({ asker: VIEWER, org: SEED.contoso.name })).kind, "vbo_unavailable");
  });

  test("pending reads the store alone and filters by --org", async (t) => {
    const { queries, store } = await world(t);
    storedRequest(store);
    storedRequest(store, {
      organization: SEED.contoso,
      principal: { ...BEN, name: SEED.contosoBenYoung.name },
    });
    assert.equal((await queries.pending({ asker: VIEWER })).requests.length, 2);
    assert.equal((await queries.pending({ asker: VIEWER, org: "contoso" })).requests.length, 1);
    assert.equal((await queries.pending({ asker: VIEWER, org: SEED.organization.id })).requests.length, 1);
  });

  test("log is newest first, capped with 'more', and filtered by who (an e-mail, or a name resolved to a UPN)", async (t) => {
    const { queries, store } = await world(t);
    for (let i = 0; i < 7; i++) {
      store.log.append({
        kind: "requested",
        actor: REQUESTER,
        at: new Date(Date.UTC(2026, 2, 1, 9, i)),
        requestId: null,
        organization: ORG,
        principal:
          i % 2 === 0 ? BEN : { ...BEN, id: "other", name: "someone@vbridge.co.nz", displayName: "Someone" },
        detail: { n: i },
      });
    }
    const all = await queries.log({ asker: VIEWER });
    assert.ok(all.kind === "log");
    assert.equal(all.events.length, 5);
    assert.equal(all.more, true);
    assert.deepEqual(
      all.events.map((e) => e.detail.n),
      [6, 5, 4, 3, 2],
    );
    const ben = await queries.log({ asker: VIEWER, who: { kind: "email", value: BEN.name.toUpperCase() } });
    assert.ok(ben.kind === "log");
    assert.deepEqual(
      ben.events.map((e) => e.detail.n),
      [6, 4, 2, 0],
    );
    assert.equal(ben.more, false);
    const byName = await queries.log({ asker: VIEWER, who: { kind: "quoted", value: "Ben Young" } });
    assert.ok(byName.kind === "log");
    assert.equal(byName.events.length, 4);
    const ambiguous = await queries.log({ asker: VIEWER, who: { kind: "text", value: "young" } });
    assert.equal(ambiguous.kind, "ambiguous");
  });

  test("status reports version, notifications (off loudly), database and counts", async (t) => {
    const { queries, sim, store, clock } = await world(t);
    storedRequest(store);
    const on = await fullStatus(queries);
    assert.equal(on.vbo.reachable, true);
    assert.equal(on.vbo.apiVersion, "v8");
    assert.equal(on.vbo.organizations, 2);
    assert.equal(on.notifications.kind, "on");
    assert.deepEqual(on.requests, { pending: 1, waitingToApply: 0 });
    assert.deepEqual(on.database, { ok: true });
    assert.ok(on.vbo.lastSuccessAt instanceof Date);

    sim.control.setNotifications(false);
    assert.equal((await fullStatus(queries)).notifications.kind, "on", "kept for up to a minute");
    clock.advance(61_000);
    assert.equal((await fullStatus(queries)).notifications.kind, "off");

    sim.faults.failNext(20, 503);
    clock.advance(61_000);
    const down = await fullStatus(queries);
    assert.equal(down.notifications.kind, "unknown");
    assert.equal(down.readiness.ready, false);
  });

  test("status does not call VB365 reachable, nor the version confirmed, when its last call failed", async (t) => {
    const { queries, sim, client, clock } = await world(t);
    assert.equal((await fullStatus(queries)).vbo.reachable, true, "the list of organizations is now cached");
    sim.faults.failNext(1_000, 503);
    await assert.rejects(client.listAuditItems(ORG.id));
    clock.advance(61_000);
    const down = await fullStatus(queries);
    assert.equal(down.vbo.reachable, false, "a cached list of organizations is no answer from VB365");
    assert.ok(down.vbo.error, "the last failure is said");
    assert.equal(client.health().lastCallOk, false, "knowing the version is no successful call");
    assert.deepEqual(down.readiness, { ready: false, reason: "vb365_unreachable" });
  });

  test("a configured API version is no call to VB365: status and readiness stay honest while it is down", async (t) => {
    const w = await testWorld(t, {
      vboClient: { maxRetries: 0 },
      approvals: { approverUserIds: [BOSS] },
      apiVersion: "v8",
    });
    w.sim.faults.failNext(1_000, 503);
    await assert.rejects(w.vbo.listAuditItems(ORG.id));
    assert.equal(await w.vbo.apiVersion(), "v8");
    assert.equal(w.vbo.health().lastCallOk, false, "still the last real call's outcome");
    const outcome = await w.core.queries.status({ asker: VIEWER });
    assert.ok(outcome.kind === "full");
    assert.equal(outcome.report.vbo.reachable, false);
    assert.equal(outcome.report.vbo.apiVersion, "v8");
    assert.equal(outcome.report.readiness.ready, false);
  });

  test("readiness comes back with VB365 by itself: after a failure it asks VB365 again, at most every 5 s", async (t) => {
    const { queries, sim, client, clock } = await world(t);
    assert.deepEqual(await queries.readiness(), { ready: true }, "no VB365 call needed yet");
    sim.faults.failNext(1_000, 503);
    await assert.rejects(client.listAuditItems(ORG.id));
    const down = await queries.readiness();
    assert.equal(down.ready, false);
    assert.deepEqual(down, { ready: false, reason: "vb365_unreachable" });

    sim.faults.reset();
    sim.stats.reset();
    assert.equal((await queries.readiness()).ready, false, "asked again too soon: still the last answer");
    assert.equal(sim.stats.total(), 0);
    clock.advance(5_000);
    const [a, b] = await Promise.all([queries.readiness(), queries.readiness()]);
    assert.deepEqual([a, b], [{ ready: true }, { ready: true }]);
    assert.equal(sim.stats.count("GET", /\/Organizations$/i), 1, "one probe for both callers");
    assert.deepEqual(await queries.readiness(), { ready: true });
    assert.equal(sim.stats.count("GET", /\/Organizations$/i), 1, "no probe while VB365 is fine");
  });

  test("home: approvers get the pending queue, everyone their own requests and the audited principals", async (t) => {
    const { queries, store } = await world(t);
    storedRequest(store);
    const boss = await queries.home(BOSS);
    assert.equal(boss.isApprover, true);
    assert.equal(boss.pending.length, 1);
    assert.equal(boss.audited.length, 2, "vBridge and Contoso");
    const rita = await queries.home(REQUESTER);
    assert.equal(rita.isApprover, false);
    assert.equal(rita.pending.length, 0);
    assert.equal(rita.mine.length, 1);
  });
});

describe("who sees what", () => {
  /** Two open requests, Rita's and a stranger's, each with a `requested` entry in the log. */
  function twoRequests(store: Store) {
    const mine = storedRequest(store, { reason: "mine" });
    const theirs = storedRequest(store, {
      requester: STRANGER,
      organization: SEED.contoso,
      principal: { ...BEN, name: SEED.contosoBenYoung.name },
      reason: "theirs",
    });
    for (const r of [mine, theirs]) {
      store.log.append({
        kind: "requested",
        actor: r.requester,
        at: r.createdAt,
        requestId: r.id,
        organization: r.organization,
        principal: r.principal,
        detail: { reason: r.reason },
      });
    }
    return { mine, theirs };
  }

  test("a non-viewer: find without marks, no list, their own pending and log, status says only reachable, a Home tab without who is audited", async (t) => {
    const { queries, sim, store } = await world(t);
    const { mine } = twoRequests(store);
    const auditReads = () => sim.stats.count("GET", /AuditItems$/i);

    const found = await queries.find({
      asker: REQUESTER,
      who: { kind: "text", value: "team" },
      query: "team",
    });
    assert.ok(found.kind === "found" && found.matches.length > 0);
    assert.equal(found.marked, false);
    assert.ok(found.matches.every((m) => m.audited === undefined));
    assert.deepEqual(await queries.list({ asker: REQUESTER }), { kind: "viewers_only" });
    assert.equal(auditReads(), 0, "audit state is not even read for them");

    const pending = await queries.pending({ asker: REQUESTER });
    assert.deepEqual(
      pending.requests.map((o) => o.request.id),
      [mine.id],
    );
    assert.equal(pending.onlyOwn, true);
    const log = await queries.log({ asker: REQUESTER });
    assert.ok(log.kind === "log");
    assert.deepEqual(
      log.events.map((e) => e.requestId),
      [mine.id],
    );
    assert.equal(log.onlyOwn, true);
    const contosoLog = await queries.log({ asker: REQUESTER, org: SEED.contoso.name });
    assert.ok(contosoLog.kind === "log");
    assert.deepEqual(contosoLog.events, [], "another's request stays hidden with --org too");

    assert.deepEqual(await queries.status({ asker: REQUESTER }), { kind: "reachable_only", reachable: true });
    const home = await queries.home(REQUESTER);
    assert.deepEqual(home.audited, []);
    assert.equal(home.auditHidden, true);
    assert.deepEqual(
      home.mine.map((r) => r.id),
      [mine.id],
    );
    assert.equal(auditReads(), 0);

    // VB365 goes down: the list of organizations is still cached, but its last call failed.
    sim.faults.failNext(20, 503);
    await queries.pending({ asker: REQUESTER });
    assert.equal(
      (
        await queries.find({
          asker: REQUESTER,
          who: { kind: "email", value: "nobody@x.test" },
          query: "nobody@x.test",
        })
      ).kind,
      "vbo_unavailable",
    );
    assert.deepEqual(await queries.status({ asker: REQUESTER }), {
      kind: "reachable_only",
      reachable: false,
    });
  });

  test("viewers and approvers see everything; AUDIT_VISIBILITY=everyone makes everyone a viewer", async (t) => {
    const { queries, store } = await world(t);
    twoRequests(store);
    // BOSS approves; approvers are always viewers.
    for (const asker of [VIEWER, BOSS]) {
      assert.equal((await queries.list({ asker })).kind, "audited", asker);
      const pending = await queries.pending({ asker });
      assert.equal(pending.requests.length, 2);
      assert.equal(pending.onlyOwn, false);
      const log = await queries.log({ asker });
      assert.ok(log.kind === "log" && !log.onlyOwn && log.events.length === 2);
      assert.equal((await queries.status({ asker })).kind, "full");
      const home = await queries.home(asker);
      assert.equal(home.audited.length, 2);
      assert.equal(home.auditHidden, false);
    }

    const open = await world(t, { visibility: { audit: "everyone" } });
    twoRequests(open.store);
    const found = await open.queries.find({
      asker: STRANGER,
      who: { kind: "text", value: "team" },
      query: "team",
    });
    assert.ok(found.kind === "found" && found.marked);
    assert.ok(found.matches.some((m) => m.audited === true));
    assert.equal((await open.queries.list({ asker: STRANGER })).kind, "audited");
    assert.equal((await open.queries.pending({ asker: REQUESTER })).requests.length, 2);
    const log = await open.queries.log({ asker: REQUESTER });
    assert.ok(log.kind === "log" && log.events.length === 2 && !log.onlyOwn);
    assert.equal((await open.queries.status({ asker: STRANGER })).kind, "full");
    assert.equal((await open.queries.home(STRANGER)).audited.length, 2);
  });
});
