import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sleep } from "../../src/clock.ts";
import { SEED } from "../../src/sim/types.ts";
import { isVboError } from "../../src/vbo/errors.ts";
import { ManualClock } from "../support/clock.ts";
import { startSimulator } from "../support/simulator.ts";
import { connect, setup } from "./helpers.ts";

const org = SEED.organization.id;

describe("logging in", () => {
  test("logs in once with the password grant and reuses the token", async (t) => {
    const { client, tokenRequests, logs, sim } = await setup(t);
    const orgs = await client.listOrganizations();
    assert.ok(orgs.some((o) => o.id === org && o.name === SEED.organization.name));
    await client.listAuditItems(org);
    await client.getAuditEmailSettings();
    assert.equal(tokenRequests(), 1);
    assert.equal(logs.messages("vbo logged in").length, 1);
    // Nothing the client logged carries the password or a bearer token.
    assert.ok(logs.raw.length > 0);
    for (const line of logs.raw) {
      assert.doesNotMatch(line, new RegExp(sim.password));
      assert.doesNotMatch(line, /bearer/i);
    }
  });

  test("wrong credentials fail with the server's 4xx and leak no password", async (t) => {
    const sim = await startSimulator(t);
    const { client } = connect(t, sim, { password: "Wrong-Password-123" });
    await assert.rejects(client.listOrganizations(), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "http");
      assert.ok(err.status !== undefined && err.status >= 400 && err.status < 500, `status ${err.status}`);
      assert.equal(err.operation, "login");
      assert.doesNotMatch(`${err.message} ${err.describe()}`, /Wrong-Password-123/);
      return true;
    });
  });

  test("50 concurrent first calls share one version probe and one token request", async (t) => {
    const { client, sim, tokenRequests } = await setup(t, {
      tokenRateLimit: { perSecond: 1, perMinute: 5, perHour: 1500 },
    });
    // Fifty different reads (identical ones would share a single request, see operations.test.ts).
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.searchUsers(org, { userName: `nobody.${i}@vbridge.co.nz` }),
      ),
    );
    assert.equal(results.length, 50);
    assert.equal(tokenRequests(), 1);
    // One anonymous probe, and one read of the build number once logged in.
    assert.equal(sim.stats.count("GET", /\/v8\/ServiceInstance$/i), 2);
    assert.equal(sim.stats.count("GET", /\/Users$/i), 50);
  });
});

describe("keeping the token fresh", () => {
  test("refreshes shortly before expiry, without a 401 and without logging in again", async (t) => {
    const clock = new ManualClock();
    const { client, sim, tokenRequests, logs } = await setup(
      t,
      { clock, tokenLifetimeSeconds: 120 },
      { clock, refreshMarginSeconds: 30 },
    );
    await client.listAuditItems(org);
    assert.equal(tokenRequests(), 1);

    clock.advance(60_000); // well inside the lifetime: the cached token is used
    await client.listAuditItems(org);
    assert.equal(tokenRequests(), 1);

    clock.advance(35_000); // 95 s of 120: inside the 30 s margin, so renewed before use
    await client.listAuditItems(org);
    assert.equal(tokenRequests(), 2);
    assert.equal(logs.messages("vbo logged in").length, 1, "renewed with the refresh grant");
    assert.equal(sim.stats.lastTokenRequest?.()?.grantType, "refresh_token");
    assert.equal(logs.messages("vbo refused the access token; renewing it and trying once more").length, 0);

    clock.advance(60_000); // the renewed token is good for its own lifetime
    await client.listAuditItems(org);
    assert.equal(tokenRequests(), 2);
  });

  for (const version of ["v6", "v7", "v8"] as const) {
    test(`${version}: the refresh grant opts out of the antiforgery cookie where the password grant does`, async (t) => {
      const clock = new ManualClock();
      const { client, sim, tokenRequests, logs } = await setup(
        t,
        { clock, tokenLifetimeSeconds: 120, versions: [version] },
        { clock, refreshMarginSeconds: 30 },
      );
      await client.listAuditItems(org);
      const login = sim.stats.lastTokenRequest?.();
      clock.advance(100_000);
      await client.listAuditItems(org);
      const refresh = sim.stats.lastTokenRequest?.();
      assert.equal(refresh?.grantType, "refresh_token");
      assert.equal(refresh?.parameterNames.includes("disable_antiforgery_token"), version !== "v6");
      assert.equal(login?.parameterNames.includes("disable_antiforgery_token"), version !== "v6");
      // The simulator refuses a v7/v8 refresh without it: a refused refresh would log in again.
      assert.equal(tokenRequests(), 2);
      assert.equal(logs.messages("vbo token refresh refused; logging in again").length, 0);
    });
  }

  test("a refused refresh falls back to the password grant", async (t) => {
    const clock = new ManualClock();
    const { client, sim, tokenRequests, logs } = await setup(
      t,
      { clock, tokenLifetimeSeconds: 120 },
      { clock, refreshMarginSeconds: 30 },
    );
    await client.listAuditItems(org);
    clock.advance(100_000);
    sim.faults.failNext(1, 400, {
      method: "POST",
      path: /\/token$/i,
      body: { message: "The refresh token is invalid." },
    });
    await client.listAuditItems(org);
    assert.equal(tokenRequests(), 3);
    assert.equal(logs.messages("vbo logged in").length, 2);
    assert.equal(logs.messages("vbo token refresh refused; logging in again").length, 1);
  });

  test("after a 401 the token is renewed once and the call repeated once", async (t) => {
    const { client, sim, tokenRequests, logs } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.expireTokens();
    const items = await client.listAuditItems(org);
    assert.ok(Array.isArray(items));
    assert.equal(tokenRequests(), 2);
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 3);
    assert.equal(logs.messages("vbo refused the access token; renewing it and trying once more").length, 1);
  });

  test("concurrent calls refused with the same token share one renewal", async (t) => {
    const { client, sim, tokenRequests } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.expireTokens();
    await Promise.all(Array.from({ length: 20 }, () => client.listAuditItems(org)));
    assert.equal(tokenRequests(), 2);
  });

  test("a second 401 after renewing is an error, not a loop", async (t) => {
    const { client, sim, tokenRequests } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(2, 401, { method: "GET", path: /\/AuditItems$/i });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => isVboError(err) && err.status === 401);
    assert.equal(tokenRequests(), 2);
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 3);
  });
});

describe("throttling of /token", () => {
  test("a 429 with Retry-After is waited out, then the login succeeds", async (t) => {
    const { client, sim, waits, tokenRequests } = await setup(t);
    sim.faults.failNext(1, 429, { method: "POST", path: /\/token$/i, retryAfterSeconds: 7 });
    await client.listAuditItems(org);
    assert.deepEqual(waits, [7000]);
    assert.equal(tokenRequests(), 2);
  });

  test("a 429 without Retry-After backs off exponentially (full jitter), bounded by maxRetries", async (t) => {
    const { client, sim, waits, tokenRequests } = await setup(t, {}, { maxRetries: 3 });
    sim.faults.failNext(10, 429, { method: "POST", path: /\/token$/i });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => isVboError(err) && err.status === 429);
    // random() is 0.5: half of 500, 1000, 2000 ms.
    assert.deepEqual(waits, [250, 500, 1000]);
    assert.equal(tokenRequests(), 4);
  });

  test("the server's own quota: a second login in the same second waits as told, then gets through", async (t) => {
    const sim = await startSimulator(t, { tokenRateLimit: { perSecond: 1, perMinute: 5, perHour: 1500 } });
    await connect(t, sim).client.listAuditItems(org);
    // This client really sleeps (about a second), so its retry lands after the window.
    const waits: number[] = [];
    const second = connect(t, sim, {
      sleep: (ms, signal) => {
        waits.push(ms);
        return sleep(ms, signal);
      },
    });
    await second.client.listAuditItems(org);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]! % 1000, 0, "a whole number of seconds, from Retry-After");
    assert.ok(waits[0]! >= 1000 && waits[0]! <= 60_000);
    assert.equal(sim.stats.count("POST", /\/token$/i), 3);
  });
});
