/**
 * The read-only flows of `Queries` against the VB365 simulator and a real store, and the pure
 * helpers behind `/readyz` and `list`.
 */
import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { readinessOf } from "../../../src/core/queries/health.ts";
import { auditedPrincipals } from "../../../src/core/queries/queries.ts";
import { SEED } from "../../../src/sim/types.ts";
import type { AuditItem } from "../../../src/vbo/schemas.ts";
import { BEN, BOSS, ORG, REQUESTER } from "../../support/actors.ts";
import { storedRequest } from "../../support/builders.ts";
import { testWorld } from "../../support/world.ts";

async function world(t: TestContext) {
  const w = await testWorld(t, {
    vboClient: { maxRetries: 0 },
    approvals: { approverUserIds: [BOSS] },
    core: { queries: { logPageSize: 5 } },
    start: "2026-03-02T09:00:00.000Z",
  });
  return { sim: w.sim, store: w.store, queries: w.core.queries, client: w.vbo, clock: w.clock };
}

describe("readinessOf", () => {
  test("ready with the database open and no VB365 call yet, or a good last call", () => {
    assert.deepEqual(readinessOf(true, { lastCallOk: null }), { ready: true });
    assert.deepEqual(readinessOf(true, { lastCallOk: true }), { ready: true });
  });
  test("not ready with the database closed, or after a failed VB365 call, with the reason", () => {
    assert.deepEqual(readinessOf(false, { lastCallOk: true }), {
      ready: false,
      reason: "the database is not open",
    });
    assert.deepEqual(
      readinessOf(true, {
        lastCallOk: false,
        lastError: "VB365 listAuditItems: VB365 did not answer in time",
      }),
      {
        ready: false,
        reason: "the last VB365 call failed: VB365 listAuditItems: VB365 did not answer in time",
      },
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

describe("queries against the simulator", () => {
  test("find marks matches audited or not, and says 'unknown' when the audit items cannot be read", async (t) => {
    const { queries, sim } = await world(t);
    const found = await queries.find({ who: { kind: "text", value: "team" }, query: "team" });
    assert.ok(found.kind === "found");
    const exec = found.matches.find((m) => m.principal.name === SEED.groups.executiveTeam.name);
    assert.equal(exec?.audited, true);

    sim.faults.failNext(5, 503, { path: /AuditItems$/i });
    const blind = await queries.find({
      who: { kind: "email", value: SEED.benYoung.name },
      query: SEED.benYoung.name,
    });
    assert.ok(blind.kind === "found");
    assert.ok(blind.matches.length > 0);
    assert.ok(blind.matches.every((m) => m.audited === undefined));
  });

  test("list reads the audit items from VB365; VB365 down is an answer", async (t) => {
    const { queries, sim } = await world(t);
    const listed = await queries.list({});
    assert.ok(listed.kind === "audited");
    assert.deepEqual(
      listed.groups.map((g) => g.name),
      [SEED.groups.executiveTeam.name],
    );
    sim.faults.failNext(5, 503, { path: /AuditItems$/i });
    assert.equal((await queries.list({})).kind, "vbo_unavailable");
  });

  test("pending reads the store alone and filters by --org", async (t) => {
    const { queries, store } = await world(t);
    storedRequest(store);
    storedRequest(store, {
      organization: SEED.contoso,
      principal: { ...BEN, name: SEED.contosoBenYoung.name },
    });
    assert.equal(queries.pending({}).requests.length, 2);
    assert.equal(queries.pending({ org: "contoso" }).requests.length, 1);
    assert.equal(queries.pending({ org: SEED.organization.id }).requests.length, 1);
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
    const all = await queries.log({});
    assert.ok(all.kind === "log");
    assert.equal(all.events.length, 5);
    assert.equal(all.more, true);
    assert.deepEqual(
      all.events.map((e) => e.detail.n),
      [6, 5, 4, 3, 2],
    );
    const ben = await queries.log({ who: { kind: "email", value: BEN.name.toUpperCase() } });
    assert.ok(ben.kind === "log");
    assert.deepEqual(
      ben.events.map((e) => e.detail.n),
      [6, 4, 2, 0],
    );
    assert.equal(ben.more, false);
    const byName = await queries.log({ who: { kind: "quoted", value: "Ben Young" } });
    assert.ok(byName.kind === "log");
    assert.equal(byName.events.length, 4);
    const ambiguous = await queries.log({ who: { kind: "text", value: "young" } });
    assert.equal(ambiguous.kind, "ambiguous");
  });

  test("status reports version, notifications (off loudly), database and counts", async (t) => {
    const { queries, sim, store } = await world(t);
    storedRequest(store);
    const on = await queries.status();
    assert.equal(on.vbo.reachable, true);
    assert.equal(on.vbo.apiVersion, "v8");
    assert.equal(on.vbo.organizations, 2);
    assert.equal(on.notifications.kind, "on");
    assert.deepEqual(on.requests, { pending: 1, waitingToApply: 0 });
    assert.deepEqual(on.database, { ok: true });
    assert.ok(on.vbo.lastSuccessAt instanceof Date);

    sim.control.setNotifications(false);
    assert.equal((await queries.status()).notifications.kind, "off");

    sim.faults.failNext(20, 503);
    const down = await queries.status();
    assert.equal(down.notifications.kind, "unknown");
    assert.equal(down.readiness.ready, false);
  });

  test("readiness comes back with VB365 by itself: after a failure it asks VB365 again, at most every 5 s", async (t) => {
    const { queries, sim, client, clock } = await world(t);
    assert.deepEqual(await queries.readiness(), { ready: true }, "no VB365 call needed yet");
    sim.faults.failNext(1_000, 503);
    await assert.rejects(client.listAuditItems(ORG.id));
    const down = await queries.readiness();
    assert.equal(down.ready, false);
    assert.match(down.ready ? "" : down.reason, /VB365/);

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
