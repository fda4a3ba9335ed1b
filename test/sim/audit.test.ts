import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import type { AuditEmailSettings, AuditItem } from "../../src/vbo/schemas.ts";
import { startSimulator } from "../support/simulator.ts";
import { call, orgPath, session } from "./helpers.ts";

const org = SEED.organization.id;
const auditItems = orgPath(org, "/AuditItems");
const ben = { type: "User", user: { ...SEED.benYoung } };
const finance = { type: "Group", group: { ...SEED.groups.finance } };

describe("audit items", () => {
  test("at start only the Executive Team group is audited", async (t) => {
    const sim = await startSimulator(t);
    const items = (await (await session(sim, "v8")).get(auditItems)).json<AuditItem[]>();
    assert.deepEqual(
      items.map((i) => [i.id, i.type, i.group?.name]),
      [[SEED.auditItems.executiveTeam, "Group", SEED.groups.executiveTeam.name]],
    );
  });

  for (const [version, created] of [
    ["v6", 201],
    ["v7", 201],
    ["v8", 204],
  ] as const) {
    test(`${version}: POST adds with ${created} and no body; the list names principals by an equivalent id`, async (t) => {
      const sim = await startSimulator(t, { versions: [version] });
      const api = await session(sim, version);
      const reply = await api.post(auditItems, [ben, finance]);
      assert.equal(reply.status, created);
      assert.equal(reply.text, "");
      const items = (await api.get(auditItems)).json<AuditItem[]>();
      assert.equal(items.length, 3);
      const benItem = items.find((i) => i.user?.name === SEED.benYoung.name);
      assert.ok(benItem?.user);
      assert.equal(benItem.type, "User");
      assert.notEqual(benItem.user.id, SEED.benYoung.id, "not byte-identical");
      assert.equal(benItem.user.id.toLowerCase(), SEED.benYoung.id.toLowerCase(), "but the same principal");
      if (version === "v8") assert.equal(benItem.user.msid, SEED.benYoung.id.slice(0, 36));
      assert.ok(items.some((i) => i.type === "Group" && i.group?.name === SEED.groups.finance.name));
    });
  }

  test("only a JSON array of User/Group items of this organization is accepted; otherwise 400 and nothing changes", async (t) => {
    const sim = await startSimulator(t);
    const api = await session(sim, "v8");
    const before = sim.control.auditItems(org);
    const bad: Array<[string, unknown]> = [
      ["a bare object", ben],
      ["an empty array", []],
      ["an unknown type", [{ type: "Team", team: { id: SEED.benYoung.id } }]],
      ["a user without id", [{ type: "User", user: { name: SEED.benYoung.name } }]],
      ["a group under the user type", [{ type: "User", group: SEED.groups.finance }]],
      ["another organization's user", [{ type: "User", user: { ...SEED.contosoBenYoung } }]],
      [
        "a good item with a ghost",
        [ben, { type: "User", user: { id: "ghost", name: "ghost@vbridge.co.nz" } }],
      ],
    ];
    for (const [what, body] of bad) {
      const reply = await api.post(auditItems, body);
      assert.equal(reply.status, 400, what);
      assert.equal(typeof reply.json<{ message: string }>().message, "string", what);
    }
    for (const raw of ["", "[{", "null"]) {
      const reply = await call(sim, "POST", `/v8/${auditItems}`, {
        token: api.token,
        body: raw,
        headers: { "content-type": "application/json" },
      });
      assert.equal(reply.status, 400, JSON.stringify(raw));
    }
    assert.deepEqual(sim.control.auditItems(org), before, "nothing was applied");
  });

  test("adding an audited principal again creates no duplicate, whatever the id's case", async (t) => {
    const sim = await startSimulator(t);
    const api = await session(sim, "v7");
    const upper = {
      type: "user",
      user: { id: SEED.benYoung.id.slice(0, 36).toUpperCase() + SEED.benYoung.id.slice(36) },
    };
    assert.equal((await api.post(auditItems, [ben, ben])).status, 201);
    assert.equal((await api.post(auditItems, [upper])).status, 201);
    assert.equal(
      (await api.post(auditItems, [{ type: "Group", group: SEED.groups.executiveTeam }])).status,
      201,
    );
    const items = sim.control.auditItems(org);
    assert.equal(items.length, 2);
    assert.equal(items.filter((i) => i.principal.id === SEED.benYoung.id).length, 1);
  });

  for (const [version, removed] of [
    ["v6", 200],
    ["v7", 200],
    ["v8", 204],
  ] as const) {
    test(`${version}: remove by item id answers ${removed}; unknown ids are a 400 and remove nothing`, async (t) => {
      const sim = await startSimulator(t, { versions: [version] });
      const api = await session(sim, version);
      const benItem = sim.control.addAuditItem(org, { type: "User", ...SEED.benYoung });
      const remove = (body: unknown) => api.post(orgPath(org, "/AuditItems/remove"), body);
      assert.equal((await remove({ itemIds: [benItem, "no-such-item"] })).status, 400);
      assert.equal(
        (await remove({ itemIds: [SEED.benYoung.id] })).status,
        400,
        "a user id is not an item id",
      );
      assert.equal((await remove([benItem])).status, 400);
      assert.equal((await remove({ itemIds: [] })).status, 400);
      assert.equal(sim.control.auditItems(org).length, 2);
      const reply = await remove({ itemIds: [benItem] });
      assert.equal(reply.status, removed);
      assert.equal(reply.text, "");
      assert.deepEqual(
        sim.control.auditItems(org).map((i) => i.id),
        [SEED.auditItems.executiveTeam],
      );
    });
  }

  test("the console (control) adds and removes items as an administrator would", async (t) => {
    const sim = await startSimulator(t);
    const api = await session(sim, "v8");
    const id = sim.control.addAuditItem(org, { type: "User", ...SEED.sarahYoung });
    assert.equal(sim.control.addAuditItem(org, { type: "User", ...SEED.sarahYoung }), id, "no duplicate");
    assert.ok((await api.get(auditItems)).json<AuditItem[]>().some((i) => i.id === id));
    sim.control.removeAuditItem(org, SEED.auditItems.executiveTeam);
    assert.deepEqual(
      (await api.get(auditItems)).json<AuditItem[]>().map((i) => i.user?.name),
      [SEED.sarahYoung.name],
    );
    assert.throws(() =>
      sim.control.addAuditItem(org, { type: "User", id: "ghost", name: "g", displayName: "G" }),
    );
    assert.throws(() => sim.control.removeAuditItem(org, "no-such-item"));
    assert.deepEqual(sim.control.auditItems(SEED.contoso.id), []);
  });
});

describe("audit e-mail settings", () => {
  test("v6 has no authenticationType; v7 and v8 do", async (t) => {
    const sim = await startSimulator(t);
    for (const version of ["v6", "v7", "v8"] as const) {
      const settings = (
        await (await session(sim, version)).get("AuditEmailSettings")
      ).json<AuditEmailSettings>();
      assert.equal(settings.enableNotification, true, version);
      assert.equal(settings.to, "security@vbridge.co.nz;it.security@vbridge.co.nz");
      assert.equal("authenticationType" in settings, version !== "v6", version);
    }
  });

  test("PUT updates (v6/v7 200, v8 204); a password is kept but never shown", async (t) => {
    const sim = await startSimulator(t);
    const v7 = await session(sim, "v7");
    const secret = "smtp-Secret-42";
    const reply = await v7.put("AuditEmailSettings", {
      enableNotification: false,
      port: 2525,
      userPassword: secret,
    });
    assert.equal(reply.status, 200);
    const settings = await v7.get("AuditEmailSettings");
    assert.equal(settings.json<AuditEmailSettings>().enableNotification, false);
    assert.equal(settings.json<AuditEmailSettings>().port, 2525);
    assert.ok(!settings.text.includes(secret));
    const v8 = await session(sim, "v8");
    assert.equal((await v8.put("AuditEmailSettings", { enableNotification: true })).status, 204);
    assert.equal((await v8.put("AuditEmailSettings", { port: "twenty-five" })).status, 400);
    assert.equal((await v8.put("AuditEmailSettings", [])).status, 400);
  });

  test("setNotifications switches notifications as the console would", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    sim.control.setNotifications(false);
    assert.equal((await v8.get("AuditEmailSettings")).json<AuditEmailSettings>().enableNotification, false);
    sim.control.setNotifications(true);
    assert.equal((await v8.get("AuditEmailSettings")).json<AuditEmailSettings>().enableNotification, true);
  });

  test("the test mail is SendTest before v8 and SendTestEmail on v8; the other name is a 404", async (t) => {
    const sim = await startSimulator(t);
    const v7 = await session(sim, "v7");
    const v8 = await session(sim, "v8");
    assert.equal((await v7.post("AuditEmailSettings/SendTest")).status, 200);
    assert.equal((await v7.post("AuditEmailSettings/SendTestEmail")).status, 404);
    assert.equal((await v8.post("AuditEmailSettings/SendTestEmail")).status, 204);
    assert.equal((await v8.post("AuditEmailSettings/SendTest")).status, 404);
  });
});
