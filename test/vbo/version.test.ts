import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import { isVboError } from "../../src/vbo/errors.ts";
import type { ApiVersion } from "../../src/vbo/schemas.ts";
import { startSimulator } from "../support/simulator.ts";
import { connect, setup } from "./helpers.ts";

const org = SEED.organization.id;
const probes = (sim: { stats: { count(m: string, r: RegExp): number } }, v: string) =>
  sim.stats.count("GET", new RegExp(`/${v}/ServiceInstance$`, "i"));

describe("API version", () => {
  for (const version of ["v6", "v7", "v8"] as const) {
    test(`detects ${version} on a server that serves only ${version}, once`, async (t) => {
      const { client, sim } = await setup(t, { versions: [version] });
      assert.equal(client.health().version, undefined);
      const found = await Promise.all([client.apiVersion(), client.apiVersion(), client.listOrganizations()]);
      assert.equal(found[0], version);
      assert.equal(found[1], version);
      assert.ok(found[2].some((o) => o.id === org));
      await client.listAuditItems(org);
      // Probed newest first, each candidate once, and nothing after the answer; the answer is then
      // confirmed once, logged in, by the build number.
      const order: ApiVersion[] = ["v8", "v7", "v6"];
      for (const v of order.slice(0, order.indexOf(version))) assert.equal(probes(sim, v), 1, v);
      assert.equal(probes(sim, version), 2, version);
      for (const v of order.slice(order.indexOf(version) + 1)) assert.equal(probes(sim, v), 0, v);
      assert.equal(sim.stats.count("POST", new RegExp(`/${version}/token$`, "i")), 1);
      // The password grant, form-encoded; v7+ also opts out of the browser antiforgery cookie.
      const grant = sim.stats.lastTokenRequest?.();
      assert.equal(grant?.grantType, "password");
      assert.match(grant?.contentType ?? "", /application\/x-www-form-urlencoded/);
      assert.equal(grant?.parameterNames.includes("disable_antiforgery_token"), version !== "v6");
      assert.equal(client.health().version, version);
    });
  }

  test("a configured version is used as is, without probing", async (t) => {
    const { client, sim } = await setup(t, { versions: ["v7", "v8"] }, { apiVersion: "v7" });
    assert.equal(await client.apiVersion(), "v7");
    // v7 answers Organizations as a plain array; the client reads it as such.
    const orgs = await client.listOrganizations();
    assert.ok(orgs.some((o) => o.id === org));
    assert.equal(sim.stats.count("GET", /\/ServiceInstance$/i), 0);
    assert.equal(sim.stats.count("GET", /\/v7\/Organizations$/i), 1);
    assert.equal(sim.stats.count("GET", /\/v8\//i), 0);
  });

  test("a 401 on a probe of a version the server does not serve does not lock the bot onto it", async (t) => {
    // An authentication layer in front of a v7 server answers 401 before routing, also for /v8.
    const { client, sim } = await setup(t, { versions: ["v7"] });
    sim.faults.failNext(1, 401, { method: "GET", path: /\/v8\/ServiceInstance$/i });
    assert.equal(await client.apiVersion(), "v7");
    assert.equal(sim.stats.count("POST", /\/v8\/token$/i), 1, "v8 was tried: its login is not there (404)");
    assert.ok((await client.listAuditItems(org)).length > 0);
  });

  test("a 403 on a probe is a candidate, not a verdict: the login and the build decide", async (t) => {
    const { client, sim } = await setup(t, { versions: ["v6", "v7"] });
    sim.faults.failNext(2, 403, { method: "GET", path: /\/v[78]\/ServiceInstance$/i });
    assert.equal(await client.apiVersion(), "v7");
    assert.ok((await client.listOrganizations()).some((o) => o.id === org));
  });

  test("v8 answering while the build number says 7.x: the bot speaks v7", async (t) => {
    const { client, sim, logs } = await setup(t, { versions: ["v7", "v8"], productVersion: "7.1.0.1401" });
    assert.equal(await client.apiVersion(), "v7");
    await client.listOrganizations();
    assert.equal(sim.stats.count("GET", /\/v7\/Organizations$/i), 1);
    assert.equal(sim.stats.count("GET", /\/v8\/Organizations$/i), 0);
    assert.equal(logs.messages("vbo build serves an older api than the probe suggested").length, 1);
  });

  test("a build older than 6.0 is refused with the reason", async (t) => {
    const { client } = await setup(t, { versions: ["v6"], productVersion: "5.0.3.1063" });
    await assert.rejects(client.apiVersion(), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.match(err.describe(), /build 5\.0\.3\.1063 is older than 6\.0/);
      return true;
    });
  });

  for (const probe of [401, 403] as const) {
    test(`restore operator authentication only (probes answer ${probe}): reported as that`, async (t) => {
      const { client, sim } = await setup(t, { operatorAuthenticationOnly: true });
      if (probe === 403) sim.faults.failNext(3, 403, { method: "GET", path: /\/ServiceInstance$/i });
      await assert.rejects(client.listOrganizations(), (err: unknown) => {
        assert.ok(isVboError(err));
        assert.equal(err.status, 403);
        assert.match(err.describe(), /restore operator authentication only/);
        assert.doesNotMatch(err.describe(), /serves none/);
        return true;
      });
      assert.equal(client.health().lastCallOk, false);
      assert.match(client.health().lastError ?? "", /restore operator authentication only/);
    });
  }

  test("a server with none of the versions is an error, and is asked again next time", async (t) => {
    const sim = await startSimulator(t, { versions: ["v8"] });
    const { client } = connect(t, sim);
    sim.faults.failNext(1, 404, { method: "GET", path: /\/v8\/ServiceInstance$/i });
    await assert.rejects(
      client.apiVersion(),
      (err: unknown) => isVboError(err) && err.operation === "detectVersion",
    );
    assert.equal(await client.apiVersion(), "v8");
  });

  test("the v8 change feed is refused on v7 without a call, and read on v8", async (t) => {
    const v7 = await setup(t, { versions: ["v7"] });
    await assert.rejects(
      v7.client.changes("latest"),
      (err: unknown) => isVboError(err) && err.status === 404,
    );
    assert.equal(v7.sim.stats.count("GET", /\/Events$/i), 0);

    const v8 = await setup(t, { versions: ["v8"] });
    const feed = await v8.client.changes("latest", { limit: 10 });
    assert.equal(typeof feed.nextChangeToken, "string");
  });

  test("the audit test mail goes to SendTest before v8 and SendTestEmail on v8", async (t) => {
    for (const version of ["v6", "v7", "v8"] as const) {
      const { client, sim } = await setup(t, { versions: [version] });
      await client.sendTestEmail();
      const name = version === "v8" ? "SendTestEmail" : "SendTest";
      assert.equal(sim.stats.count("POST", new RegExp(`/${version}/AuditEmailSettings/${name}$`, "i")), 1);
    }
  });
});
