/** The fleet of VB365 servers, against real simulators over HTTP. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fleetReadinessOf } from "../../src/core/queries/health.ts";
import { createFleet } from "../../src/core/servers.ts";
import { silentLogger } from "../../src/logger.ts";
import { SEED } from "../../src/sim/types.ts";
import { simulatorClient, startSimulator } from "../support/simulator.ts";

async function twoServers(t: import("node:test").TestContext) {
  const [one, two] = [await startSimulator(t), await startSimulator(t)];
  const clients = [simulatorClient(one, { maxRetries: 0 }), simulatorClient(two, { maxRetries: 0 })];
  t.after(() => Promise.all(clients.map((c) => c.close())));
  const fleet = createFleet(
    [
      { name: "eu", vbo: clients[0]!, url: one.url, apiVersion: "auto" },
      { name: "us", vbo: clients[1]!, url: two.url, apiVersion: "auto" },
    ],
    silentLogger,
  );
  return { fleet, sims: [one, two] as const };
}

describe("a fleet of VB365 servers", () => {
  test("an organization id listed by two servers is refused, never guessed", async (t) => {
    // Two simulators seeded alike list the same ids: as if one tenant's ids came back on two servers.
    const { fleet } = await twoServers(t);
    const listings = await fleet.listOrganizations();
    assert.deepEqual(
      listings.map((l) => l.server),
      ["eu", "us"],
    );
    assert.ok(listings.every((l) => l.organizations.some((o) => o.id === SEED.organization.id)));
    assert.throws(() => fleet.serverOf(SEED.organization.id), /more than one VB365 server/);
    assert.equal(fleet.serverOf({ id: SEED.organization.id, server: "us" }), "us", "a stored server wins");
    assert.throws(() => fleet.serverOf("no-such-id"), /not known on any VB365 server/);
    assert.throws(() => fleet.named("apac"), /no VB365 server is named apac/);
  });

  test("a server that fails gives its last list and its error; the other answers", async (t) => {
    const { fleet, sims } = await twoServers(t);
    await fleet.listOrganizations();
    sims[1].faults.failNext(10, 503, { path: /organizations/i });
    const listings = await fleet.listOrganizations();
    assert.equal(listings[0]?.error, undefined);
    assert.ok(listings[1]?.error, "the failing server says so");
    assert.ok((listings[1]?.organizations.length ?? 0) > 0, "with its last good list");
  });

  test("readiness: ready while any server answers, naming those that do not", () => {
    const ok = { lastCallOk: true };
    const down = { lastCallOk: false, lastError: "refused" };
    assert.deepEqual(fleetReadinessOf(true, [{ name: "eu", health: down }]), {
      ready: false,
      reason: "vb365_unreachable",
    });
    assert.deepEqual(
      fleetReadinessOf(true, [
        { name: "eu", health: ok },
        { name: "us", health: down },
      ]),
      { ready: true, unreachable: ["us"] },
    );
    assert.deepEqual(
      fleetReadinessOf(true, [
        { name: "eu", health: down },
        { name: "us", health: down },
      ]),
      { ready: false, reason: "vb365_unreachable" },
    );
    assert.deepEqual(
      fleetReadinessOf(false, [
        { name: "eu", health: ok },
        { name: "us", health: ok },
      ]),
      {
        ready: false,
        reason: "database_unavailable",
      },
    );
  });
});
