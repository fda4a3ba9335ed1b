import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import { isVboError } from "../../src/vbo/errors.ts";
import { findAuditItem } from "../../src/vbo/principals.ts";
import type { PrincipalRef } from "../../src/vbo/schemas.ts";
import { collect, setup } from "./helpers.ts";

const org = SEED.organization.id;
const ben: PrincipalRef = { type: "User", ...SEED.benYoung };

describe("reads in flight", () => {
  test("identical reads at the same moment share one request; a later read asks again", async (t) => {
    const { client, sim } = await setup(t, { versions: ["v8"] });
    await client.listAuditItems(org); // logs in and learns the version first
    sim.stats.reset();
    sim.faults.setLatency(200, { method: "GET", path: /AuditItems$/i });
    const lists = await Promise.all(Array.from({ length: 20 }, () => client.listAuditItems(org)));
    assert.equal(sim.stats.count("GET", /AuditItems$/i), 1);
    for (const list of lists) assert.deepEqual(list, lists[0]);
    await client.listAuditItems(org);
    assert.equal(sim.stats.count("GET", /AuditItems$/i), 2, "nothing is cached once the read is done");
  });

  test("a shared read that fails fails for every caller; changes are never shared", async (t) => {
    const { client, sim } = await setup(t, { versions: ["v8"] });
    await client.listAuditItems(org);
    sim.faults.setLatency(200, { method: "GET", path: /AuditItems$/i });
    sim.faults.failNext(1, 404, { method: "GET", path: /AuditItems$/i });
    const results = await Promise.allSettled([client.listAuditItems(org), client.listAuditItems(org)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected"],
    );
    sim.faults.reset();
    sim.stats.reset();
    await Promise.all([client.addAuditItems(org, [ben]), client.addAuditItems(org, [ben])]);
    assert.equal(sim.stats.count("POST", /AuditItems$/i), 2);
  });
});

describe("users and groups", () => {
  test("pages through 25,000 users in pages of 10,000 on one result set", async (t) => {
    const { client, sim } = await setup(t, { users: 25_000, versions: ["v7"] });
    const usersRoute = /\/Organizations\/[^/]+\/Users$/i;
    const { pages, items } = await collect(client.userPages(org));
    assert.ok(items.length >= 25_000, `${items.length} users`);
    assert.equal(new Set(items.map((u) => u.id)).size, items.length, "no user twice");
    assert.ok(items.some((u) => u.name === SEED.benYoung.name));
    assert.equal(pages, Math.ceil(items.length / 10_000));
    const requests = sim.stats.count("GET", usersRoute);
    assert.ok(requests === pages || requests === pages + 1, `${requests} requests for ${pages} pages`);
  });

  test("a user added while paging does not shift the pages: the setId holds the result set", async (t) => {
    const { client, sim } = await setup(t, { users: 300 });
    const before = await collect(client.userPages(org, { pageSize: 100 }));
    const seen: string[] = [];
    let added = false;
    for await (const page of client.userPages(org, { pageSize: 100 })) {
      seen.push(...page.map((u) => u.id));
      if (!added) {
        sim.control.addUser(org, { name: "aaa.first@vbridge.co.nz", displayName: "AAA First" });
        added = true;
      }
    }
    assert.equal(seen.length, before.items.length);
    assert.equal(new Set(seen).size, seen.length);
  });

  test("the page size is never over 10,000", async (t) => {
    const { client } = await setup(t, { users: 50 });
    const { items } = await collect(client.userPages(org, { pageSize: 50_000 }));
    assert.ok(items.length >= 50);
  });

  test("finds users by exact UPN and by display-name wildcard", async (t) => {
    const { client } = await setup(t, { users: 200 });
    const exact = await client.searchUsers(org, { userName: SEED.benYoung.name });
    assert.deepEqual(
      exact.map((u) => u.name),
      [SEED.benYoung.name],
    );
    const wild = await client.searchUsers(org, { displayName: "Ben Y*" });
    assert.ok(wild.some((u) => u.displayName === SEED.benYoung.displayName));
    assert.ok(wild.every((u) => u.displayName?.startsWith("Ben Y")));
    const one = await client.searchUsers(org, { displayName: "B?n Young" });
    assert.ok(one.some((u) => u.name === SEED.benYoung.name));
    assert.deepEqual(await client.searchUsers(org, { displayName: "Nobody Here*" }), []);
  });

  test("gets a user by an id that needs URL encoding", async (t) => {
    const { client, sim } = await setup(t);
    const id = "AQUA/AAA+b=c d?x#y";
    sim.control.addUser(org, { id, name: "odd.id@vbridge.co.nz", displayName: "Odd Id" });
    const user = await client.getUser(org, id);
    assert.equal(user.name, "odd.id@vbridge.co.nz");
    const benById = await client.getUser(org, SEED.benYoung.id);
    assert.equal(benById.name, SEED.benYoung.name);
  });

  test("an unknown user is a 404 VboError, and the server still counts as healthy", async (t) => {
    const { client } = await setup(t);
    await assert.rejects(
      client.getUser(org, "no-such-user"),
      (err: unknown) =>
        isVboError(err) && err.kind === "http" && err.status === 404 && err.operation === "getUser",
    );
    assert.equal(client.health().lastCallOk, true);
  });

  test("groups: search, page, get, and members", async (t) => {
    const { client } = await setup(t);
    const { items: groups } = await collect(client.groupPages(org));
    assert.ok(groups.length > 0);
    const first = groups[0]!;
    const byName = await client.searchGroups(org, { displayName: `${first.displayName}` });
    assert.ok(byName.some((g) => g.id === first.id));
    assert.equal((await client.getGroup(org, first.id)).id, first.id);
    let withMembers = 0;
    for (const g of groups) {
      const { items } = await collect(client.groupMembers(org, g.id));
      withMembers += items.length > 0 ? 1 : 0;
    }
    assert.ok(withMembers > 0, "some seeded group has members");
  });

  for (const version of ["v6", "v8"] as const) {
    test(`${version}: a group's members carry the ids VB365 puts only in their links`, async (t) => {
      const { client } = await setup(t, { versions: [version] });
      const { items } = await collect(client.groupMembers(org, SEED.groups.finance.id));
      const ben = items.find((m) => m.login === SEED.benYoung.name);
      assert.equal(ben?.id, SEED.benYoung.id);
      for (const m of items) {
        assert.ok(m.id, `${m.login} has an id`);
        assert.equal((await client.getUser(org, m.id)).name, m.login, "the id names the member");
      }
    });
  }
});

describe("organizations", () => {
  for (const version of ["v6", "v7", "v8"] as const) {
    test(`lists and gets organizations on ${version}`, async (t) => {
      const { client } = await setup(t, { versions: [version], organizations: 3, usersPerOrganization: 2 });
      const orgs = await client.listOrganizations();
      assert.ok(orgs.length >= 4, `${orgs.length}`);
      assert.equal(new Set(orgs.map((o) => o.id)).size, orgs.length);
      assert.equal((await client.getOrganization(org)).name, SEED.organization.name);
    });
  }

  test("v6: asks with extendedView=false, which v6 would otherwise default to true and ask its proxies", async (t) => {
    const { client, sim } = await setup(t, { versions: ["v6"] });
    const orgs = await client.listOrganizations();
    const one = await client.getOrganization(org);
    // The simulator adds the proxies' connection settings only to an extended view.
    for (const o of [...orgs, one]) assert.equal("exchangeOnlineSettings" in o, false, String(o.name));
    assert.equal(sim.stats.count("GET", /\/v6\/Organizations$/i), 1);
  });
});

describe("audit items", () => {
  for (const version of ["v6", "v7", "v8"] as const) {
    test(`adds and removes a user and a group on ${version}`, async (t) => {
      const { client, sim } = await setup(t, { versions: [version] });
      const groupRef: PrincipalRef = { type: "Group", ...SEED.groups.finance };
      const before = sim.control.auditItems(org).length;

      assert.equal(await client.addAuditItems(org, [ben, groupRef]), "response");
      const items = await client.listAuditItems(org);
      const benItem = findAuditItem(items, ben);
      const groupItem = findAuditItem(items, groupRef);
      assert.ok(benItem, "Ben is audited");
      assert.ok(groupItem, "the group is audited");
      assert.equal(sim.control.auditItems(org).length, before + 2);

      assert.equal(await client.removeAuditItems(org, [benItem.id]), "response");
      const after = await client.listAuditItems(org);
      assert.equal(findAuditItem(after, ben), undefined);
      assert.ok(findAuditItem(after, groupRef));
      assert.equal(sim.stats.count("POST", /\/AuditItems$/i), 1);
      assert.equal(sim.stats.count("POST", /\/AuditItems\/remove$/i), 1);
    });
  }

  for (const version of ["v6", "v7", "v8"] as const) {
    test(`${version}: a group without mail is recognised in the audit list, also when reading back`, async (t) => {
      const { client, sim } = await setup(t, { versions: [version] });
      const [found] = await client.searchGroups(org, { displayName: "Legal Hold*" });
      assert.ok(found);
      assert.ok(!found.name, "VB365 gives it no mail");
      // As the resolver names it: a mail-less group goes by its display name.
      const legal: PrincipalRef = {
        type: "Group",
        id: found.id,
        name: "Legal Hold Reviewers",
        displayName: "Legal Hold Reviewers",
      };
      assert.equal(findAuditItem(await client.listAuditItems(org), legal), undefined);

      // The answer to the add is lost after it applied: the read-back must see the group.
      sim.faults.dropNext(1, { method: "POST", path: /\/AuditItems$/i, when: "after" });
      assert.equal(await client.addAuditItems(org, [legal]), "readback");
      const items = await client.listAuditItems(org);
      const item = findAuditItem(items, legal);
      assert.ok(item, "found by its id, though the list spells the id's GUIDs in upper case");
      assert.notEqual(item.group?.id, legal.id);
      assert.equal(sim.control.auditItems(org).filter((i) => i.principal.id === found.id).length, 1);
      // Someone else's mail-less group is not it.
      assert.equal(findAuditItem(items, { ...legal, id: SEED.groups.itSecurity.id }), undefined);
    });
  }

  test("an audit list with an item the bot cannot identify is refused whole, with the reason", async (t) => {
    const { client, sim } = await setup(t);
    const good = {
      id: `8c7b6a59-4837-4261-9f0e-d1c2b3a4f5e6${SEED.benYoung.id}`,
      type: "User",
      user: { ...SEED.benYoung },
    };
    for (const bad of [
      { id: 5, type: "User" },
      { type: "User", user: { name: "x@vbridge.co.nz" } },
    ]) {
      sim.faults.failNext(1, 200, {
        method: "GET",
        path: /\/AuditItems$/i,
        rawBody: JSON.stringify([good, bad]),
        contentType: "application/json",
      });
      await assert.rejects(client.listAuditItems(org), (err: unknown) => {
        assert.ok(isVboError(err));
        assert.equal(err.kind, "invalid_response");
        assert.match(err.message, /cannot identify \(item 1/);
        return true;
      });
    }
    // A type the bot does not know (not a user or group) is left out, not refused.
    sim.faults.failNext(1, 200, {
      method: "GET",
      path: /\/AuditItems$/i,
      rawBody: JSON.stringify([good, { id: "9d8c7b6a-0000-4000-8000-000000000001site", type: "Site" }]),
      contentType: "application/json",
    });
    assert.deepEqual(
      (await client.listAuditItems(org)).map((i) => i.type),
      ["User"],
    );
  });

  test("audit items made on the console are found by UPN although their ids differ", async (t) => {
    const { client, sim } = await setup(t);
    sim.control.addAuditItem(org, { type: "User", ...SEED.benYoung });
    const item = findAuditItem(await client.listAuditItems(org), ben);
    assert.ok(item);
  });

  test("an unknown id is refused with a 400 at once: no read-back, no retry", async (t) => {
    const { client, sim } = await setup(t);
    const ghost: PrincipalRef = {
      type: "User",
      id: "ghost",
      name: "ghost@vbridge.co.nz",
      displayName: "Ghost",
    };
    await assert.rejects(
      client.addAuditItems(org, [ghost]),
      (err: unknown) => isVboError(err) && err.kind === "http" && err.status === 400,
    );
    assert.equal(sim.stats.count("POST", /\/AuditItems$/i), 1);
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 0);
  });

  test("nothing to add or remove makes no call", async (t) => {
    const { client, sim } = await setup(t);
    assert.equal(await client.addAuditItems(org, []), "response");
    assert.equal(await client.removeAuditItems(org, []), "response");
    assert.equal(sim.stats.total(), 0);
  });
});

describe("settings and restore sessions", () => {
  test("reads the audit e-mail settings, notifications on and off", async (t) => {
    const { client, sim } = await setup(t);
    sim.control.setNotifications(true);
    assert.equal((await client.getAuditEmailSettings()).enableNotification, true);
    sim.control.setNotifications(false);
    assert.equal((await client.getAuditEmailSettings()).enableNotification, false);
  });

  for (const version of ["v6", "v8"] as const) {
    test(`lists restore sessions in a time window and their events on ${version}`, async (t) => {
      const { client, sim } = await setup(t, { versions: [version] });
      const id = sim.control.addRestoreSession({
        organizationId: org,
        type: "Vex",
        initiatedBy: "vbridge\\simon.service",
        clientHost: "HOST-7",
        creationTime: "2031-05-01T09:42:00Z",
        endTime: "2031-05-01T09:44:00Z",
        events: [
          { type: "Export", itemName: "Budget.xlsx", startTime: "2031-05-01T09:42:10Z" },
          { type: "Export", itemName: "Plan.docx", startTime: "2031-05-01T09:43:10Z" },
        ],
      });
      const inWindow = await collect(
        client.restoreSessions({
          from: new Date("2031-05-01T00:00:00Z"),
          to: new Date("2031-05-02T00:00:00Z"),
        }),
      );
      assert.deepEqual(
        inWindow.items.map((s) => s.id),
        [id],
      );
      const outside = await collect(client.restoreSessions({ from: new Date("2031-06-01T00:00:00Z") }));
      assert.equal(outside.items.length, 0);
      const events = await collect(client.restoreSessionEvents(id));
      assert.deepEqual(events.items.map((e) => e.itemName).sort(), ["Budget.xlsx", "Plan.docx"]);
    });
  }
});

describe("health", () => {
  test("is unknown before any call, then tells the last outcome", async (t) => {
    const { client, sim } = await setup(t, {}, { maxRetries: 0 });
    assert.deepEqual(client.health(), { lastCallOk: null });
    await client.listAuditItems(org);
    const ok = client.health();
    assert.equal(ok.lastCallOk, true);
    assert.equal(ok.version, "v8");
    assert.ok(ok.lastSuccessAt instanceof Date);
    sim.faults.failNext(1, 503, { method: "GET", path: /\/AuditItems$/i });
    await assert.rejects(client.listAuditItems(org));
    const bad = client.health();
    assert.equal(bad.lastCallOk, false);
    assert.match(bad.lastError ?? "", /HTTP 503/);
    assert.deepEqual(bad.lastSuccessAt, ok.lastSuccessAt);
  });
});
