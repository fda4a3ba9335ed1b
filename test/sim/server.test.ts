import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { describe, test } from "node:test";
import { generate } from "selfsigned";
import { createSimulator } from "../../src/sim/server.ts";
import { SEED } from "../../src/sim/types.ts";
import type { Page, User } from "../../src/vbo/schemas.ts";
import { startSimulator } from "../support/simulator.ts";
import { call, login, session } from "./helpers.ts";

const org = SEED.organization.id;

describe("routing", () => {
  test("paths and query parameter names are matched case-insensitively", async (t) => {
    const sim = await startSimulator(t);
    const token = await login(sim, "v7");
    const reply = await call(
      sim,
      "GET",
      `/V7/ORGANIZATIONS/${org.toUpperCase()}/users?USERNAME=Ben.Young@vbridge.co.nz&Limit=1`,
      {
        token,
      },
    );
    assert.equal(reply.status, 200);
    assert.deepEqual(
      reply.json<Page<User>>().results.map((u) => u.name),
      [SEED.benYoung.name],
    );
    assert.equal((await call(sim, "POST", "/v7/TOKEN", { body: "grant_type=password" })).status, 400);
  });

  test("a version not served is a 404 on every path, ServiceInstance included", async (t) => {
    const sim = await startSimulator(t, { versions: ["v6", "v8"] });
    assert.equal((await call(sim, "GET", "/v6/ServiceInstance")).status, 401);
    assert.equal((await call(sim, "GET", "/v7/ServiceInstance")).status, 404);
    assert.equal((await call(sim, "POST", "/v7/token", { body: "grant_type=password" })).status, 404);
    assert.equal((await call(sim, "GET", "/v5/ServiceInstance")).status, 404);
    assert.equal((await call(sim, "GET", "/v8/ServiceInstance")).status, 401);
  });

  test("unknown routes are a 404 and wrong methods a 405, both as RESTExceptionInfo JSON", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const unknown = await v8.get("Organizations/x/Teams/y/z");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.contentType, "application/json; charset=utf-8");
    assert.equal(typeof unknown.json<{ message: string }>().message, "string");
    const deleted = await call(sim, "DELETE", `/v8/Organizations/${org}/AuditItems`, { token: v8.token });
    assert.equal(deleted.status, 405);
    assert.equal((await call(sim, "GET", "/")).status, 404);
  });

  test("answers JSON as utf-8 and keeps connections alive", async (t) => {
    const sim = await startSimulator(t);
    const token = await login(sim);
    const reply = await new Promise<{
      status: number | undefined;
      headers: IncomingHttpHeaders;
      body: string;
    }>((resolve, reject) => {
      const req = httpRequest(
        `${sim.url}/v8/Organizations/${org}`,
        { headers: { authorization: `Bearer ${token}` } },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(reply.headers.connection, "keep-alive");
    assert.equal(Number(reply.headers["content-length"]), Buffer.byteLength(reply.body));
  });
});

describe("lifecycle", () => {
  test("serves HTTPS with the given certificate", async (t) => {
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    const sim = await startSimulator(t, { tls: { key: pems.private, cert: pems.cert } });
    assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpsRequest(`${sim.url}/v8/ServiceInstance`, { ca: pems.cert }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 401);
  });

  test("close() ends open connections and parked long polls, and can be called twice", async () => {
    const sim = await createSimulator({ tokenRateLimit: false, latencyMs: 0 });
    const v8 = await session(sim, "v8");
    const { nextChangeToken } = (await v8.get("Events?from=latest")).json<{ nextChangeToken: string }>();
    const parked = v8.get(`Events?from=${nextChangeToken}&timeoutSeconds=60`).then(
      () => "answered",
      () => "cut",
    );
    sim.faults.setLatency(60_000, { path: /Organizations$/ });
    const delayed = v8.get("Organizations").then(
      () => "answered",
      () => "cut",
    );
    while (sim.stats.total() < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([sim.close(), sim.close()]);
    assert.deepEqual(await Promise.all([parked, delayed]), ["cut", "cut"]);
    await assert.rejects(call(sim, "GET", "/v8/ServiceInstance"));
  });

  test("listens on 127.0.0.1 and a free port by default", async (t) => {
    const a = await startSimulator(t);
    const b = await startSimulator(t);
    assert.match(a.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(a.url, b.url);
    assert.equal(typeof a.username, "string");
    assert.ok(a.password.length >= 16);
    assert.notEqual(a.password, b.password, "a fresh password per instance by default");
  });
});
