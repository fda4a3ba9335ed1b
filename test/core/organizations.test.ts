import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  chooseOrganization,
  createOrganizations,
  type KnownOrganization,
} from "../../src/core/organizations.ts";
import { singleServer } from "../../src/core/servers.ts";
import { silentLogger } from "../../src/logger.ts";
import { SEED } from "../../src/sim/types.ts";
import { ManualClock } from "../support/clock.ts";
import { setup } from "../vbo/helpers.ts";

const SERVER = { url: "http://127.0.0.1", apiVersion: "auto" } as const;

const VBRIDGE: KnownOrganization = {
  id: SEED.organization.id,
  name: "vBridge",
  officeName: "vbridge.onmicrosoft.com",
};
const CONTOSO: KnownOrganization = {
  id: SEED.contoso.id,
  name: "Contoso",
  officeName: "contoso.onmicrosoft.com",
};
const BOTH = [VBRIDGE, CONTOSO];

describe("chooseOrganization", () => {
  test("a single organization is used without asking", () => {
    assert.deepEqual(chooseOrganization([VBRIDGE], undefined, undefined), {
      kind: "chosen",
      organization: VBRIDGE,
    });
  });

  test("several and nothing chosen: ambiguous, listing them", () => {
    assert.deepEqual(chooseOrganization(BOTH, undefined, undefined), {
      kind: "ambiguous",
      organizations: BOTH,
    });
    assert.deepEqual(chooseOrganization(BOTH, "  ", undefined), { kind: "ambiguous", organizations: BOTH });
  });

  test("--org by id, name or officeName, case-insensitively", () => {
    for (const wanted of [CONTOSO.id.toUpperCase(), "contoso", "CONTOSO.onmicrosoft.com"]) {
      assert.deepEqual(chooseOrganization(BOTH, wanted, undefined), {
        kind: "chosen",
        organization: CONTOSO,
      });
    }
  });

  test("the configured default applies without --org; --org wins over it", () => {
    assert.deepEqual(chooseOrganization(BOTH, undefined, "vbridge"), {
      kind: "chosen",
      organization: VBRIDGE,
    });
    assert.deepEqual(chooseOrganization(BOTH, "Contoso", "vBridge"), {
      kind: "chosen",
      organization: CONTOSO,
    });
  });

  test("an unknown name says whether it came from --org or from the configuration", () => {
    assert.deepEqual(chooseOrganization(BOTH, "Fabrikam", "vBridge"), {
      kind: "unknown",
      wanted: "Fabrikam",
      fromConfig: false,
      organizations: BOTH,
    });
    assert.deepEqual(chooseOrganization(BOTH, undefined, "Fabrikam"), {
      kind: "unknown",
      wanted: "Fabrikam",
      fromConfig: true,
      organizations: BOTH,
    });
  });

  test("a name two organizations share is ambiguous between them; an id is not", () => {
    const twin: KnownOrganization = { id: "11111111-2222-4333-8444-555555555555", name: "vBridge" };
    assert.deepEqual(chooseOrganization([...BOTH, twin], "VBRIDGE", undefined), {
      kind: "ambiguous",
      organizations: [VBRIDGE, twin],
    });
    assert.deepEqual(chooseOrganization([...BOTH, twin], twin.id, undefined), {
      kind: "chosen",
      organization: twin,
    });
  });

  test("no organizations at all", () => {
    assert.deepEqual(chooseOrganization([], "vBridge", undefined), { kind: "none" });
  });
});

describe("createOrganizations against the simulator", () => {
  const ORGS = /\/Organizations$/i;

  test("lists once within the cache time, again after it", async (t) => {
    const { sim, client } = await setup(t);
    const clock = new ManualClock();
    const organizations = createOrganizations({
      fleet: singleServer(client, SERVER, silentLogger),
      clock,
      logger: silentLogger,
      cacheMs: 60_000,
    });
    const first = await organizations.list();
    assert.ok(first.some((o) => o.id === SEED.organization.id && o.name === "vBridge"));
    await Promise.all([organizations.list(), organizations.choose("contoso")]);
    assert.equal(sim.stats.count("GET", ORGS), 1);
    clock.advance(61_000);
    await organizations.list();
    assert.equal(sim.stats.count("GET", ORGS), 2);
  });

  test("VB365 failing: the last list serves; with none, the VboError propagates", async (t) => {
    const { sim, client } = await setup(t, {}, { maxRetries: 0 });
    const clock = new ManualClock();
    const fresh = createOrganizations({
      fleet: singleServer(client, SERVER, silentLogger),
      clock,
      logger: silentLogger,
    });
    await client.apiVersion();
    sim.faults.failNext(5, 503, { path: ORGS });
    await assert.rejects(fresh.list(), { name: "VboError" });

    sim.faults.reset();
    const cached = createOrganizations({
      fleet: singleServer(client, SERVER, silentLogger),
      clock,
      logger: silentLogger,
      cacheMs: 1_000,
    });
    await cached.list();
    clock.advance(2_000);
    sim.faults.failNext(5, 503, { path: ORGS });
    const stale = await cached.choose("vBridge");
    assert.equal(stale.kind, "chosen");
  });
});
