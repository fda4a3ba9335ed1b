import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RateLimiter } from "../../src/sim/auth.ts";
import { createSimulator } from "../../src/sim/server.ts";
import { SEED } from "../../src/sim/types.ts";
import type { TokenResponse } from "../../src/vbo/schemas.ts";
import { ManualClock } from "../support/clock.ts";
import { startSimulator } from "../support/simulator.ts";
import { call, login } from "./helpers.ts";

const passwordGrant = (sim: { username: string; password: string }, extra: Record<string, string> = {}) =>
  new URLSearchParams({ grant_type: "password", username: sim.username, password: sim.password, ...extra });

describe("POST /token", () => {
  test("the password grant returns opaque tokens that expire after the configured lifetime", async (t) => {
    const clock = new ManualClock("2025-03-11T09:00:00Z");
    const sim = await startSimulator(t, { clock, tokenLifetimeSeconds: 600 });
    const reply = await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) });
    assert.equal(reply.status, 200);
    const tokens = reply.json<TokenResponse>();
    assert.equal(tokens.token_type, "bearer");
    assert.equal(tokens.expires_in, 600);
    assert.equal(tokens.userName, sim.username);
    assert.equal(tokens[".issued"], "2025-03-11T09:00:00.000Z");
    assert.equal(tokens[".expires"], "2025-03-11T09:10:00.000Z");
    assert.notEqual(tokens.access_token, tokens.refresh_token);
    assert.doesNotMatch(tokens.access_token, /^[^.]+\.[^.]+\.[^.]+$/, "not a JWT");
    const again = (await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) })).json<TokenResponse>();
    assert.notEqual(again.access_token, tokens.access_token);

    const token = tokens.access_token;
    assert.equal((await call(sim, "GET", "/v8/ServiceInstance", { token })).status, 200);
    clock.advance(599_000);
    assert.equal((await call(sim, "GET", "/v8/ServiceInstance", { token })).status, 200);
    clock.advance(1_000);
    assert.equal((await call(sim, "GET", "/v8/ServiceInstance", { token })).status, 401);
  });

  test("accepts a JSON body too, and user names in any case", async (t) => {
    const sim = await startSimulator(t);
    const reply = await call(sim, "POST", "/v7/token", {
      body: { grant_type: "password", username: sim.username.toUpperCase(), password: sim.password },
    });
    assert.equal(reply.status, 200);
  });

  test("wrong credentials are a 400 RESTExceptionInfo that never repeats what was sent", async (t) => {
    const sim = await startSimulator(t);
    const guess = "Tr0ub4dor&3-not-the-password";
    const wrongPassword = await call(sim, "POST", "/v8/token", {
      body: passwordGrant({ username: sim.username, password: guess }),
    });
    const wrongUser = await call(sim, "POST", "/v8/token", {
      body: passwordGrant({ username: "mallory", password: sim.password }),
    });
    for (const reply of [wrongPassword, wrongUser]) {
      assert.equal(reply.status, 400);
      assert.match(reply.contentType ?? "", /^application\/json; charset=utf-8$/);
      assert.equal(typeof reply.json<{ message: string }>().message, "string");
      assert.ok(
        !reply.text.includes(guess) && !reply.text.includes(sim.password) && !reply.text.includes("mallory"),
      );
    }
    assert.equal(
      wrongPassword.json<{ message: string }>().message,
      wrongUser.json<{ message: string }>().message,
    );
  });

  test("a missing or unsupported grant type is a 400", async (t) => {
    const sim = await startSimulator(t);
    for (const body of [
      new URLSearchParams({ username: "x" }),
      new URLSearchParams({ grant_type: "client_credentials" }),
    ]) {
      assert.equal((await call(sim, "POST", "/v8/token", { body })).status, 400);
    }
  });

  test("the refresh grant gives new tokens, once per refresh token", async (t) => {
    const clock = new ManualClock();
    const sim = await startSimulator(t, { clock, tokenLifetimeSeconds: 60 });
    const first = (await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) })).json<TokenResponse>();
    clock.advance(120_000);
    const grant = { grant_type: "refresh_token", refresh_token: first.refresh_token };
    const withCookieOnly = await call(sim, "POST", "/v8/token", { body: new URLSearchParams(grant) });
    assert.equal(withCookieOnly.status, 400, "v8 wants the antiforgery cookie or the opt-out");
    const refresh = new URLSearchParams({ ...grant, disable_antiforgery_token: "true" });
    const renewed = await call(sim, "POST", "/v8/token", { body: refresh });
    assert.equal(renewed.status, 200);
    const token = renewed.json<TokenResponse>().access_token;
    assert.equal((await call(sim, "GET", "/v8/ServiceInstance", { token })).status, 200);
    assert.equal((await call(sim, "POST", "/v8/token", { body: refresh })).status, 400, "used up");
    const unknown = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: "nope",
      disable_antiforgery_token: "true",
    });
    assert.equal((await call(sim, "POST", "/v8/token", { body: unknown })).status, 400);
  });

  test("records the last request's parameter names, never their values", async (t) => {
    const sim = await startSimulator(t);
    await call(sim, "POST", "/v7/token", { body: passwordGrant(sim, { disable_antiforgery_token: "true" }) });
    const info = sim.stats.lastTokenRequest();
    assert.ok(info);
    assert.equal(info.version, "v7");
    assert.equal(info.grantType, "password");
    assert.deepEqual(info.parameterNames, [
      "disable_antiforgery_token",
      "grant_type",
      "password",
      "username",
    ]);
    assert.ok(!JSON.stringify(info).includes(sim.password));
    await call(sim, "POST", "/v6/token", { body: passwordGrant(sim) });
    assert.ok(!sim.stats.lastTokenRequest()?.parameterNames.includes("disable_antiforgery_token"));
  });
});

describe("bearer tokens", () => {
  test("every operation but /token needs a valid bearer token: 401 RESTExceptionInfo otherwise", async (t) => {
    const sim = await startSimulator(t);
    const paths = [
      "/v8/ServiceInstance",
      "/v8/Organizations",
      `/v8/Organizations/${SEED.organization.id}/Users`,
      `/v8/Organizations/${SEED.organization.id}/AuditItems`,
      "/v8/AuditEmailSettings",
      "/v8/RestoreSessions",
      "/v8/Events?from=latest",
    ];
    for (const path of paths) {
      for (const headers of [{}, { authorization: "Bearer not-a-token" }, { authorization: "Basic abc" }]) {
        const reply = await call(sim, "GET", path, { headers });
        assert.equal(reply.status, 401, `${path} ${JSON.stringify(headers)}`);
        assert.equal(reply.headers.get("www-authenticate"), "Bearer");
        assert.equal(typeof reply.json<{ message: string }>().message, "string");
      }
    }
    const posted = await call(sim, "POST", `/v6/Organizations/${SEED.organization.id}/AuditItems`, {
      body: [],
    });
    assert.equal(posted.status, 401);
  });

  test("ServiceInstance answers 401 without a token, so clients can tell a served version", async (t) => {
    const sim = await startSimulator(t, { versions: ["v7"] });
    assert.equal((await call(sim, "GET", "/v7/ServiceInstance")).status, 401);
    assert.equal((await call(sim, "GET", "/v8/ServiceInstance")).status, 404);
    const token = await login(sim, "v7");
    const reply = await call(sim, "GET", "/v7/ServiceInstance", { token });
    const body = reply.json<{ installationId: string; version: string }>();
    assert.match(body.installationId, /^[0-9a-f-]{36}$/);
    assert.match(body.version, /^7\./);
  });

  test("expireTokens ends every access token at once; refresh tokens still work", async (t) => {
    const sim = await startSimulator(t);
    const tokens = (await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) })).json<TokenResponse>();
    sim.faults.expireTokens();
    assert.equal((await call(sim, "GET", "/v8/ServiceInstance", { token: tokens.access_token })).status, 401);
    const refresh = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      disable_antiforgery_token: "true",
    });
    const renewed = (await call(sim, "POST", "/v8/token", { body: refresh })).json<TokenResponse>();
    assert.equal(
      (await call(sim, "GET", "/v8/ServiceInstance", { token: renewed.access_token })).status,
      200,
    );
  });

  test("logout (v7 200, v8 204) ends the token; v6 has no logout", async (t) => {
    const sim = await startSimulator(t);
    for (const [version, status] of [
      ["v7", 200],
      ["v8", 204],
    ] as const) {
      const token = await login(sim, version);
      const reply = await call(sim, "POST", `/${version}/token/logout`, { token });
      assert.equal(reply.status, status);
      assert.equal(reply.text, "");
      assert.equal((await call(sim, "GET", `/${version}/ServiceInstance`, { token })).status, 401);
    }
    const token = await login(sim, "v6");
    assert.equal((await call(sim, "POST", "/v6/token/logout", { token })).status, 404);
  });
});

describe("the /token quota", () => {
  test("by default a second login within a second is a 429 with Retry-After and 'quota exceeded'", async (t) => {
    const sim = await createSimulator(); // the default quota
    t.after(() => sim.close());
    assert.equal((await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) })).status, 200);
    const reply = await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) });
    assert.equal(reply.status, 429);
    assert.ok(Number(reply.headers.get("retry-after")) >= 1);
    assert.match(reply.json<{ message: string }>().message, /quota exceeded/i);
    assert.equal(
      (await call(sim, "GET", "/v8/ServiceInstance")).status,
      401,
      "other routes are not throttled",
    );
  });

  test("a per-minute quota answers with the wait until the oldest login leaves the window", async (t) => {
    const sim = await startSimulator(t, { tokenRateLimit: { perSecond: 100, perMinute: 3, perHour: 100 } });
    for (let k = 0; k < 3; k++)
      assert.equal((await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) })).status, 200);
    const refused = await call(sim, "POST", "/v8/token", { body: passwordGrant(sim) });
    assert.equal(refused.status, 429);
    const wait = Number(refused.headers.get("retry-after"));
    assert.ok(wait > 1 && wait <= 60, `Retry-After ${wait}`);
  });

  test("sliding windows per second, minute and hour", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, perMinute: 5, perHour: 6 }, () => now);
    assert.deepEqual(limiter.take(), { ok: true });
    now = 500;
    assert.deepEqual(limiter.take(), { ok: false, retryAfterSeconds: 1 });
    for (const t of [1000, 2000, 3000, 4000]) {
      now = t;
      assert.deepEqual(limiter.take(), { ok: true }, `at ${t}`);
    }
    now = 5000;
    assert.deepEqual(limiter.take(), { ok: false, retryAfterSeconds: 55 }, "5 in the last minute");
    now = 60_000;
    assert.deepEqual(limiter.take(), { ok: true }, "the first one left the minute");
    now = 120_000;
    assert.deepEqual(limiter.take(), { ok: false, retryAfterSeconds: 3480 }, "6 in the last hour");
    now = 3_600_000;
    assert.deepEqual(limiter.take(), { ok: true });
  });
});
