import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import { startSimulator } from "../support/simulator.ts";
import { call, orgPath, session } from "./helpers.ts";

const org = SEED.organization.id;
const auditItems = orgPath(org, "/AuditItems");
const ben = { type: "User", user: { ...SEED.benYoung } };

describe("latency", () => {
  test("is a timer, not a busy wait: a fast call overtakes a slow one", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    sim.faults.setLatency(1500, { path: /\/audititems$/ });
    const order: string[] = [];
    const slow = v8.get(auditItems).then((r) => order.push(`slow ${r.status}`));
    const fast = v8.get("ServiceInstance").then((r) => order.push(`fast ${r.status}`));
    await Promise.all([slow, fast]);
    assert.deepEqual(order, ["fast 200", "slow 200"]);
  });

  test("many concurrent delayed calls all complete", async (t) => {
    const sim = await startSimulator(t, { latencyMs: 200 });
    const v8 = await session(sim, "v8");
    const replies = await Promise.all(Array.from({ length: 200 }, () => v8.get("ServiceInstance")));
    assert.ok(replies.every((r) => r.status === 200));
    assert.equal(sim.stats.count("GET", /ServiceInstance$/), 200);
  });

  test("a route rule wins over the global latency; reset returns to the configured latency", async (t) => {
    const sim = await startSimulator(t, { latencyMs: 25 });
    sim.faults.setLatency(400);
    sim.faults.setLatency(0, { method: "GET", path: /Users/ });
    assert.equal(sim.faults.latencyFor("GET", `/v8/${orgPath(org, "/Users")}`), 0);
    assert.equal(sim.faults.latencyFor("POST", `/v8/${orgPath(org, "/Users")}`), 400);
    assert.equal(sim.faults.latencyFor("GET", "/v8/Organizations"), 400);
    sim.faults.reset();
    assert.equal(sim.faults.latencyFor("GET", `/v8/${orgPath(org, "/Users")}`), 25);
  });
});

describe("failNext", () => {
  test("the next N matching calls fail with a RESTExceptionInfo of the version, then all is well", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const v6 = await session(sim, "v6");
    sim.faults.failNext(2, 503, { method: "get", path: /\/AUDITITEMS$/ });
    assert.equal((await v8.get("ServiceInstance")).status, 200, "other routes are untouched");
    const first = await v8.get(auditItems);
    assert.equal(first.status, 503);
    // Realistic: every field v8 declares, null where there is nothing to say.
    assert.deepEqual(first.json(), { message: "Service Unavailable", errorCode: null, stackTrace: null });
    const second = await v6.get(auditItems);
    assert.deepEqual(second.json(), { message: "Service Unavailable" });
    assert.equal((await v8.get(auditItems)).status, 200);
  });

  test("in sparse mode an error body leaves out what it has no value for", async (t) => {
    const sim = await startSimulator(t, { fields: "sparse" });
    const v8 = await session(sim, "v8");
    sim.faults.failNext(1, 503, { path: /\/AuditItems$/i });
    assert.deepEqual((await v8.get(auditItems)).json(), { message: "Service Unavailable" });
  });

  test("a v8 500 carries a server stack trace, as the real one does", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    sim.faults.failNext(1, 500);
    const body = (await v8.get("Organizations")).json<{ stackTrace?: string }>();
    assert.match(body.stackTrace ?? "", /Veeam\.Archiver/);
  });

  test("a given body, a Retry-After, and a raw proxy page are sent as given; it fails before any auth", async (t) => {
    const sim = await startSimulator(t);
    sim.faults.failNext(1, 429, { path: /token$/, body: { message: "slow down" }, retryAfterSeconds: 7 });
    const throttled = await call(sim, "POST", "/v8/token", { body: "grant_type=password" });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get("retry-after"), "7");
    assert.deepEqual(throttled.json(), { message: "slow down" });
    const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    sim.faults.failNext(1, 502, { rawBody: html });
    const proxy = await call(sim, "GET", "/v8/Organizations");
    assert.equal(proxy.status, 502);
    assert.equal(proxy.text, html);
    assert.match(proxy.contentType ?? "", /^text\/html/);
  });

  test("reset clears pending failures and drops", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    sim.faults.failNext(5, 500);
    sim.faults.dropNext(5);
    sim.faults.reset();
    assert.equal((await v8.get("ServiceInstance")).status, 200);
  });
});

describe("dropNext", () => {
  test("'before' loses the connection and the POST never happened", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    sim.faults.dropNext(1, { method: "POST", path: /AuditItems$/ });
    await assert.rejects(v8.post(auditItems, [ben]));
    assert.equal(sim.control.auditItems(org).length, 1);
    assert.equal((await v8.post(auditItems, [ben])).status, 204, "only the next one is dropped");
    assert.equal(sim.control.auditItems(org).length, 2);
  });

  test("'after' applies the POST, then loses the connection: the ambiguous case", async (t) => {
    const sim = await startSimulator(t);
    const v7 = await session(sim, "v7");
    sim.faults.dropNext(1, { method: "POST", path: /AuditItems$/, when: "after" });
    await assert.rejects(v7.post(auditItems, [ben]));
    assert.ok(sim.control.auditItems(org).some((i) => i.principal.id === SEED.benYoung.id));
    const itemId = sim.control.auditItems(org).find((i) => i.principal.name === SEED.benYoung.name)?.id;
    sim.faults.dropNext(1, { path: /remove$/, when: "after" });
    await assert.rejects(v7.post(orgPath(org, "/AuditItems/remove"), { itemIds: [itemId] }));
    assert.ok(!sim.control.auditItems(org).some((i) => i.id === itemId));
  });
});

describe("hold", () => {
  test("matching calls wait unanswered until released; others go through meanwhile", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const hold = sim.faults.hold({ method: "GET", path: /\/AuditItems$/ });
    const answered: number[] = [];
    const held = [1, 2, 3].map(() => v8.get(auditItems).then((r) => answered.push(r.status)));
    while (hold.held() < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await v8.get("ServiceInstance")).status, 200, "another route is not held");
    assert.ok((await v8.post(auditItems, [ben])).status < 300, "nor another method");
    assert.deepEqual(answered, [], "the held calls are still waiting");
    hold.release();
    await Promise.all(held);
    assert.deepEqual(answered, [200, 200, 200]);
    assert.equal(hold.held(), 0);
    assert.equal((await v8.get(auditItems)).status, 200, "a released hold holds no more");
  });
});

describe("stats", () => {
  test("counts every request by method and normalised route, failed and dropped ones too", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    await call(sim, "GET", `/V8/organizations/${org}/USERS?limit=1`, { token: v8.token });
    await v8.get(orgPath(org, `/Users/${encodeURIComponent(SEED.benYoung.id)}`));
    sim.faults.failNext(1, 500);
    await v8.get(orgPath(org, "/Users"));
    sim.faults.dropNext(1);
    await assert.rejects(v8.get(auditItems));
    await call(sim, "GET", "/v8/NoSuchThing");
    assert.deepEqual(sim.stats.byRoute(), {
      "POST /v8/token": 1,
      "GET /v8/Organizations/{id}/Users": 2,
      "GET /v8/Organizations/{id}/Users/{id}": 1,
      "GET /v8/Organizations/{id}/AuditItems": 1,
      "GET <unmatched>": 1,
    });
    assert.equal(sim.stats.count("GET", /\/Users$/), 2);
    assert.equal(sim.stats.count("get", /Users/), 3);
    assert.equal(sim.stats.count("POST", /Users/), 0);
    assert.equal(sim.stats.total(), 6);
    sim.stats.reset();
    assert.equal(sim.stats.total(), 0);
    assert.deepEqual(sim.stats.byRoute(), {});
  });
});
