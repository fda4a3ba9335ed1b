import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSimulatorFleet, type FleetServer } from "../../src/sim/fleet.ts";
import { tenantDomain } from "../../src/sim/seed-tenants.ts";
import { createSimulator } from "../../src/sim/server.ts";
import { SEED } from "../../src/sim/types.ts";
import type { AuditItem, Organization, Page, User } from "../../src/vbo/schemas.ts";
import { startSimulator, startSimulatorFleet } from "../support/simulator.ts";
import { call, orgPath, session } from "./helpers.ts";

const token = (server: { url: string }, username: string, password: string) =>
  call(server, "POST", "/v8/token", {
    body: new URLSearchParams({ grant_type: "password", username, password }),
  });

async function organizationsOf(server: FleetServer): Promise<Array<Organization & { id: string }>> {
  const v8 = await session(server.sim);
  const orgs = (await v8.get("Organizations")).json<Page<Organization>>().results;
  return orgs.map((o) => {
    assert.ok(o.id, "an organization without an id");
    return { ...o, id: o.id };
  });
}

async function userByName(server: FleetServer, orgId: string, upn: string): Promise<User | undefined> {
  const v8 = await session(server.sim);
  const page = (await v8.get(orgPath(orgId, `/Users?userName=${encodeURIComponent(upn)}`))).json<
    Page<User>
  >();
  return page.results[0];
}

describe("a fleet of simulated servers", () => {
  test("each server answers with its own organizations, on its own port", async (t) => {
    const fleet = await startSimulatorFleet(t, [
      { name: "nz1", organizationNames: ["Acme", "Beta Ltd"] },
      { name: "au1", organizationNames: ["Gamma"] },
    ]);
    const [nz1, au1] = fleet.servers;
    assert.ok(nz1 && au1);
    assert.notEqual(nz1.url, au1.url);
    assert.match(nz1.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(fleet.server("au1"), au1);
    assert.throws(() => fleet.server("eu1"), /no simulated server named eu1/);

    assert.deepEqual(
      (await organizationsOf(nz1)).map((o) => o.name),
      ["Acme", "Beta Ltd"],
    );
    assert.deepEqual(
      (await organizationsOf(au1)).map((o) => o.name),
      ["Gamma"],
    );
    assert.deepEqual(
      au1.sim.control.organizations().map((o) => o.name),
      ["Gamma"],
    );
  });

  test("each server has its own credentials; one server's are refused by the other", async (t) => {
    const fleet = await startSimulatorFleet(t, [
      { name: "nz1", organizationNames: ["Acme"] },
      { name: "au1", organizationNames: ["Gamma"] },
    ]);
    const [nz1, au1] = fleet.servers;
    assert.ok(nz1 && au1);
    assert.deepEqual([nz1.username, au1.username], ["vbo-audit-nz1", "vbo-audit-au1"]);
    assert.notEqual(nz1.password, au1.password);
    assert.equal((await token(nz1, nz1.username, nz1.password)).status, 200);
    assert.equal((await token(au1, au1.username, au1.password)).status, 200);
    const refused = await token(au1, nz1.username, nz1.password);
    assert.equal(refused.status, 400);
    assert.match(refused.text, /user name or password is incorrect/);
    assert.equal((await token(nz1, au1.username, au1.password)).status, 400);
    // Nor does one server's access token open the other.
    const nzToken = (await token(nz1, nz1.username, nz1.password)).json<{ access_token: string }>()
      .access_token;
    assert.equal((await call(au1, "GET", "/v8/Organizations", { token: nzToken })).status, 401);
  });

  test("a deliberate name clash: same names, never the same ids", async (t) => {
    const fleet = await startSimulatorFleet(t, [
      { name: "nz1", organizationNames: ["Shared Co", "Acme"], organizations: 2, usersPerOrganization: 20 },
      { name: "au1", organizationNames: ["Shared Co", "Gamma"], organizations: 2, usersPerOrganization: 20 },
    ]);
    const [nz1, au1] = fleet.servers;
    assert.ok(nz1 && au1);
    const nzOrgs = await organizationsOf(nz1);
    const auOrgs = await organizationsOf(au1);
    assert.deepEqual(
      nzOrgs.map((o) => o.name),
      ["Shared Co", "Acme", "Tenant 001", "Tenant 002"],
    );
    const nzShared = nzOrgs.find((o) => o.name === "Shared Co");
    const auShared = auOrgs.find((o) => o.name === "Shared Co");
    assert.ok(nzShared && auShared);
    assert.notEqual(nzShared.id, auShared.id);
    const auIds = new Set(auOrgs.map((o) => o.id));
    for (const org of nzOrgs) assert.ok(!auIds.has(org.id), `${org.name} has the same id on both servers`);

    // The same well-known user by UPN in the clashing tenant, with another id on each server.
    const upn = `ben.young@${tenantDomain("Shared Co")}`;
    assert.equal(upn, "ben.young@sharedco.example.com");
    const nzBen = await userByName(nz1, nzShared.id, upn);
    const auBen = await userByName(au1, auShared.id, upn);
    assert.ok(nzBen && auBen);
    assert.equal(nzBen.displayName, "Ben Young");
    assert.equal(auBen.name, nzBen.name);
    assert.notEqual(auBen.id, nzBen.id);

    // Generated users and groups differ too.
    const users = async (server: FleetServer, orgId: string) => {
      const v8 = await session(server.sim);
      return (await v8.get(orgPath(orgId, "/Users?limit=100"))).json<Page<User>>().results;
    };
    const nzUsers = await users(nz1, nzShared.id);
    const auUsers = await users(au1, auShared.id);
    assert.equal(nzUsers.length, 22);
    assert.deepEqual(
      nzUsers.map((u) => u.name),
      auUsers.map((u) => u.name),
    );
    const nzUserIds = new Set(nzUsers.map((u) => u.id));
    assert.ok(auUsers.every((u) => !nzUserIds.has(u.id)));
  });

  test("a named organization starts with its Executive Team audited, and Sarah Young", async (t) => {
    const fleet = await startSimulatorFleet(t, [{ name: "nz1", organizationNames: ["Acme"] }]);
    const [nz1] = fleet.servers;
    assert.ok(nz1);
    const [acme] = await organizationsOf(nz1);
    assert.ok(acme);
    const v8 = await session(nz1.sim);
    const items = (await v8.get(orgPath(acme.id, "/AuditItems"))).json<AuditItem[]>();
    assert.deepEqual(
      items.map((i) => i.group?.displayName),
      ["Executive Team"],
    );
    assert.equal(
      (await userByName(nz1, acme.id, "sarah.young@acme.example.com"))?.displayName,
      "Sarah Young",
    );
    // vBridge's restore sessions are not there: they are told in vBridge.
    assert.deepEqual((await v8.get("RestoreSessions")).json<Page<unknown>>().results, []);
  });

  test("ids are the same on every run for the same seed", async (t) => {
    const specs = [{ name: "nz1", organizationNames: ["Acme"], organizations: 1 }];
    const first = await startSimulatorFleet(t, specs);
    const again = await startSimulatorFleet(t, specs);
    const ids = (f: typeof first) => f.servers[0]?.sim.control.organizations();
    assert.deepEqual(ids(first), ids(again));
  });

  test("one server may keep the vBridge world beside named ones", async (t) => {
    const fleet = await startSimulatorFleet(t, [
      { name: "nz1" },
      { name: "au1", organizationNames: ["vBridge", "Contoso"] },
    ]);
    const [nz1, au1] = fleet.servers;
    assert.ok(nz1 && au1);
    assert.deepEqual(nz1.sim.control.organizations().slice(0, 2), [SEED.organization, SEED.contoso]);
    const auOrgs = au1.sim.control.organizations();
    assert.deepEqual(
      auOrgs.map((o) => o.name),
      ["vBridge", "Contoso"],
    );
    assert.ok(auOrgs.every((o) => o.id !== SEED.organization.id && o.id !== SEED.contoso.id));
  });

  test("specs that would share ids or names are refused before anything listens", async () => {
    const cases: Array<[Parameters<typeof createSimulatorFleet>[0], RegExp]> = [
      [[], /at least one server/],
      [[{ name: "a" }, { name: "b" }], /only one server of a fleet may seed vBridge/],
      [
        [
          { name: "a", organizationNames: ["X"] },
          { name: "a", organizationNames: ["Y"] },
        ],
        /distinct/,
      ],
      [
        [
          { name: "a", organizationNames: ["X"], seed: 7 },
          { name: "b", organizationNames: ["Y"], seed: 7 },
        ],
        /seed 7/,
      ],
      [
        [
          { name: "a", organizationNames: ["X"], username: "svc" },
          { name: "b", organizationNames: ["Y"], username: "svc" },
        ],
        /username svc/,
      ],
    ];
    for (const [specs, message] of cases) await assert.rejects(createSimulatorFleet(specs), message);
  });

  test("a server that cannot start closes those already started", async (t) => {
    const taken = await startSimulator(t);
    const port = Number(new URL(taken.url).port);
    await assert.rejects(
      createSimulatorFleet([
        { name: "a", organizationNames: ["X"], tokenRateLimit: false },
        { name: "b", organizationNames: ["Y"], port },
      ]),
      /EADDRINUSE/,
    );
  });
});

describe("one simulator: named organizations", () => {
  test("duplicate or empty names are refused", async () => {
    await assert.rejects(createSimulator({ organizationNames: ["Acme", "ACME "] }), /twice/);
    await assert.rejects(createSimulator({ organizationNames: [] }), /at least one/);
    await assert.rejects(createSimulator({ organizationNames: [" "] }), /empty/);
  });

  test("without the options, the world is vBridge and Contoso as always", async (t) => {
    const sim = await startSimulator(t, { organizations: 1 });
    const orgs = sim.control.organizations();
    assert.deepEqual(orgs.slice(0, 2), [SEED.organization, SEED.contoso]);
    assert.equal(orgs[2]?.name, "Tenant 001");
  });
});
