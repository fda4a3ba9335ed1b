/**
 * What only displays VB365 state is kept up to a minute; decisions read VB365 fresh; every write the
 * bot makes forgets what was kept; and an approved change is not held up by a burst of reads.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import { BEN, ORG, REQUESTER, VIEWER } from "../support/actors.ts";
import { testWorld } from "../support/world.ts";

const auditReads = (sim: { stats: { count(method: string, route: RegExp): number } }) =>
  sim.stats.count("GET", /AuditItems$/i);

describe("reads that only display VB365 state", () => {
  test("are kept up to a minute; a change made directly in VB365 is seen by the next decision at once", async (t) => {
    const world = await testWorld(t);
    const { core, sim, clock } = world;
    const listed = async () => {
      const list = await core.queries.list({ asker: VIEWER });
      assert.ok(list.kind === "audited");
      return list.users.map((u) => u.name);
    };
    assert.deepEqual(await listed(), []);
    await core.queries.home(VIEWER); // reads the other organization too
    const before = auditReads(sim);
    // A burst of displays: list, Home tabs, find's marks.
    await Promise.all([
      listed(),
      core.queries.home(VIEWER),
      core.queries.home(VIEWER),
      core.queries.find({ asker: VIEWER, who: { kind: "email", value: BEN.name }, query: BEN.name }),
    ]);
    assert.equal(auditReads(sim) - before, 0, "VB365 was not asked again");

    // Someone adds Ben Young in VB365's console.
    sim.control.addAuditItem(ORG.id, { ...SEED.benYoung, type: "User" });
    assert.deepEqual(await listed(), [], "the display may be up to a minute old");
    const asked = await core.flows.requestChange({
      kind: "add",
      who: { kind: "email", value: BEN.name },
      requester: REQUESTER,
    });
    assert.equal(asked.kind, "already_audited", "the decision read VB365 afresh");
    assert.equal(world.store.requests.listOpen().length, 0);

    clock.advance(61_000);
    assert.deepEqual(await listed(), [BEN.name]);
  });

  test("every write the bot makes forgets them: its own change shows at once", async (t) => {
    const world = await testWorld(t);
    const { core } = world;
    const names = async () => {
      const list = await core.queries.list({ asker: VIEWER });
      assert.ok(list.kind === "audited");
      return list.users.map((u) => u.name);
    };
    assert.deepEqual(await names(), []);
    const ben = await world.principal(BEN.name);
    await world.approved("add", ben);
    assert.deepEqual(await names(), [BEN.name], "the add shows without waiting");
    const home = await core.queries.home(VIEWER);
    const vbridge = home.audited.find((a) => "users" in a && a.organization.id === ORG.id);
    assert.ok(vbridge && "users" in vbridge);
    assert.deepEqual(
      vbridge.users.map((u) => u.name),
      [BEN.name],
    );
    await world.approved("remove", ben);
    assert.deepEqual(await names(), [], "so does the removal");
  });
});

describe("applies take precedence over reads", () => {
  test("with VB365 holding every display read the pool can carry, an approved change still applies", async (t) => {
    const world = await testWorld(t, { sim: { organizations: 24, usersPerOrganization: 1 } });
    const { core, sim } = world;
    const ben = await world.principal(BEN.name);
    const request = await world.posted("add", ben);
    const others = (await core.organizations.list()).filter((o) => o.id !== ORG.id);
    assert.ok(others.length >= 20, "more organizations than the read pool has connections");

    // VB365 stops answering reads of the other organizations' audit items...
    const escaped = ORG.id.replace(/[-]/g, "\\-");
    const hold = sim.faults.hold({
      method: "GET",
      path: new RegExp(`/Organizations/(?!${escaped})[^/]+/AuditItems$`, "i"),
    });
    t.after(() => hold.release());
    // ...while a burst of viewers lists every one of them.
    const reads = others.map((o) => core.queries.list({ asker: VIEWER, org: o.id }));
    while (hold.held() < 16) await new Promise((resolve) => setTimeout(resolve, 10));

    const acted = await core.requests.record(request.id, world.config.approvals.approverUserIds[0] ?? "", {
      kind: "approve",
    });
    assert.equal(acted.kind, "approved");
    assert.ok(
      acted.kind === "approved" && acted.apply?.kind === "applied",
      JSON.stringify(acted.kind === "approved" ? acted.apply : acted),
    );
    assert.equal(world.store.requests.getOrThrow(request.id).state, "applied");
    assert.ok(sim.control.auditItems(ORG.id).some((i) => i.principal.name === BEN.name));
    assert.equal(hold.held(), 16, "every read is still held: the apply went past them");

    hold.release();
    const outcomes = await Promise.all(reads);
    assert.ok(outcomes.every((o) => o.kind === "audited"));
  });
});
