import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, type TestContext, test } from "node:test";
import { sleep as realSleep, systemClock } from "../../src/clock.ts";
import { SEED } from "../../src/sim/types.ts";
import { createVboClient } from "../../src/vbo/client.ts";
import { isVboError } from "../../src/vbo/errors.ts";
import { findAuditItem } from "../../src/vbo/principals.ts";
import type { PrincipalRef } from "../../src/vbo/schemas.ts";
import { jsonLogger } from "../support/logger.ts";
import { startSimulator } from "../support/simulator.ts";
import { connect, recordingSleep, setup } from "./helpers.ts";

const org = SEED.organization.id;
const ben: PrincipalRef = { type: "User", ...SEED.benYoung };
const auditedBen = (items: Parameters<typeof findAuditItem>[0]) =>
  items.filter((i) => findAuditItem([i], ben) !== undefined).length;

describe("an ambiguous POST is settled by reading back", () => {
  test("connection dropped after the server applied the add: resolves 'readback', no duplicate", async (t) => {
    const { client, sim } = await setup(t);
    await client.listAuditItems(org); // logged in, so the drop hits the POST itself
    sim.faults.dropNext(1, { method: "POST", path: /\/AuditItems$/i, when: "after" });
    assert.equal(await client.addAuditItems(org, [ben]), "readback");
    assert.equal(sim.stats.count("POST", /\/AuditItems$/i), 1, "never sent twice");
    assert.equal(auditedBen(await client.listAuditItems(org)), 1);
  });

  test("connection dropped before the server applied it: not_applied, and nothing was added", async (t) => {
    const { client, sim } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.dropNext(1, { method: "POST", path: /\/AuditItems$/i, when: "before" });
    await assert.rejects(client.addAuditItems(org, [ben]), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "not_applied");
      assert.equal(err.operation, "addAuditItems");
      return true;
    });
    assert.equal(sim.stats.count("POST", /\/AuditItems$/i), 1);
    assert.equal(auditedBen(await client.listAuditItems(org)), 0);
    // Trying again later applies it exactly once.
    assert.equal(await client.addAuditItems(org, [ben]), "response");
    assert.equal(auditedBen(await client.listAuditItems(org)), 1);
  });

  test("a 503 from the POST is checked the same way", async (t) => {
    const { client, sim } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(1, 503, { method: "POST", path: /\/AuditItems$/i });
    await assert.rejects(
      client.addAuditItems(org, [ben]),
      (err: unknown) => isVboError(err) && err.kind === "not_applied" && err.status === 503,
    );
    assert.equal(sim.stats.count("POST", /\/AuditItems$/i), 1);
  });

  test("a removal whose answer was lost after it applied resolves 'readback'", async (t) => {
    const { client, sim } = await setup(t);
    const itemId = sim.control.addAuditItem(org, { type: "User", ...SEED.benYoung });
    await client.listAuditItems(org);
    sim.faults.dropNext(1, { method: "POST", path: /\/AuditItems\/remove$/i, when: "after" });
    assert.equal(await client.removeAuditItems(org, [itemId]), "readback");
    assert.ok(!sim.control.auditItems(org).some((i) => i.id === itemId));
    assert.equal(sim.stats.count("POST", /\/AuditItems\/remove$/i), 1);
  });

  test("a removal lost before it applied is not_applied and the item is still there", async (t) => {
    const { client, sim } = await setup(t);
    const itemId = sim.control.addAuditItem(org, { type: "User", ...SEED.benYoung });
    await client.listAuditItems(org);
    sim.faults.dropNext(1, { method: "POST", path: /\/AuditItems\/remove$/i, when: "before" });
    await assert.rejects(
      client.removeAuditItems(org, [itemId]),
      (err: unknown) => isVboError(err) && err.kind === "not_applied",
    );
    assert.ok(sim.control.auditItems(org).some((i) => i.id === itemId));
  });

  for (const version of ["v6", "v7"] as const) {
    test(`${version}: a group without mail is found by the read-back too, and then as already audited`, async (t) => {
      const { client, sim } = await setup(t, { versions: [version] });
      const legalHold: PrincipalRef = { type: "Group", ...SEED.groups.legalHold };
      assert.equal(await client.apiVersion(), version);
      await client.listAuditItems(org);
      sim.faults.dropNext(1, { method: "POST", path: /\/AuditItems$/i, when: "after" });
      assert.equal(await client.addAuditItems(org, [legalHold]), "readback");
      assert.equal(sim.stats.count("POST", /\/AuditItems$/i), 1, "never sent twice");
      const items = await client.listAuditItems(org);
      assert.equal(items.filter((i) => findAuditItem([i], legalHold) !== undefined).length, 1);
    });
  }

  test("when the read-back fails too, the original failure stands", async (t) => {
    const { client, sim } = await setup(t, {}, { maxRetries: 0 });
    await client.listAuditItems(org);
    sim.faults.dropNext(1, { method: "POST", path: /\/AuditItems$/i, when: "before" });
    sim.faults.failNext(1, 503, { method: "GET", path: /\/AuditItems$/i });
    await assert.rejects(
      client.addAuditItems(org, [ben]),
      (err: unknown) => isVboError(err) && err.kind === "network" && err.operation === "addAuditItems",
    );
  });
});

describe("GET retries", () => {
  test("a 503 is retried with backoff and a warning, then succeeds", async (t) => {
    const { client, sim, waits, logs } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(2, 503, { method: "GET", path: /\/AuditItems$/i });
    await client.listAuditItems(org);
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 4);
    assert.deepEqual(waits, [250, 500]);
    assert.equal(logs.messages("vbo call failed; retrying").length, 2);
  });

  test("Retry-After on a 429 is honoured", async (t) => {
    const { client, sim, waits } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(1, 429, { method: "GET", path: /\/AuditItems$/i, retryAfterSeconds: 3 });
    await client.listAuditItems(org);
    assert.deepEqual(waits, [3000]);
  });

  test("a Retry-After beyond the cap is not waited out: the 429 is returned", async (t) => {
    const { client, sim, waits } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(1, 429, { method: "GET", path: /\/AuditItems$/i, retryAfterSeconds: 3600 });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => isVboError(err) && err.status === 429);
    assert.deepEqual(waits, []);
  });

  test("a dropped connection is retried", async (t) => {
    const { client, sim, waits } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.dropNext(1, { method: "GET", path: /\/AuditItems$/i });
    assert.ok(Array.isArray(await client.listAuditItems(org)));
    assert.equal(waits.length, 1);
  });

  test("retries are bounded by maxRetries", async (t) => {
    const { client, sim, waits } = await setup(t, {}, { maxRetries: 2 });
    await client.listAuditItems(org);
    sim.faults.failNext(10, 502, { method: "GET", path: /\/AuditItems$/i });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => isVboError(err) && err.status === 502);
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 4);
    assert.equal(waits.length, 2);
  });

  test("a POST is never retried blindly, even on 429", async (t) => {
    const { client, sim, waits } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(1, 429, { method: "POST", path: /\/AuditItems$/i, retryAfterSeconds: 1 });
    await assert.rejects(
      client.addAuditItems(org, [ben]),
      (err: unknown) => isVboError(err) && err.status === 429,
    );
    assert.equal(sim.stats.count("POST", /\/AuditItems$/i), 1);
    assert.deepEqual(waits, []);
  });
});

describe("timeouts", () => {
  test("a call slower than timeoutMs is cancelled and reported as a timeout, not retried", async (t) => {
    const { client, sim } = await setup(t, {}, { timeoutMs: 300 });
    await client.listAuditItems(org);
    sim.faults.setLatency(3000, { method: "GET", path: /\/AuditItems$/i });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "timeout");
      assert.equal(err.operation, "listAuditItems");
      return true;
    });
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 2);
    assert.equal(client.health().lastCallOk, false);
    assert.match(client.health().lastError ?? "", /did not answer in time/);
    sim.faults.reset();
    assert.ok(Array.isArray(await client.listAuditItems(org)));
  });
});

describe("a caller's deadline", () => {
  test("a signal ends a call in flight: a timeout, not retried, and no answer waited for", async (t) => {
    const { client, sim } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.setLatency(60_000, { method: "GET", path: /\/AuditItems$/i });
    const signal = AbortSignal.timeout(100);
    await assert.rejects(client.listAuditItems(org, { signal }), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "timeout");
      assert.match(err.message, /time ran out/);
      return true;
    });
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 2);
  });

  test("a signal ends the wait for a Retry-After, so work never outlives its lease in a sleep", async (t) => {
    // The real sleep: without the signal this test would wait the 50 seconds out.
    const { client, sim } = await setup(t, {}, { sleep: realSleep });
    await client.listAuditItems(org);
    sim.faults.failNext(1, 429, { method: "GET", path: /\/AuditItems$/i, retryAfterSeconds: 50 });
    await assert.rejects(
      client.listAuditItems(org, { signal: AbortSignal.timeout(200) }),
      (err: unknown) => isVboError(err) && err.kind === "timeout",
    );
    assert.equal(sim.stats.count("GET", /\/AuditItems$/i), 2, "the retry was never sent");
  });

  test("the worst case comes from the timeouts, the retries and the Retry-After cap", async (t) => {
    const sim = await startSimulator(t);
    const { client } = connect(t, sim, { timeoutMs: 1_000, maxRetries: 2 });
    // One GET: 3 attempts timing out, 2 waits of up to 60 s (the Retry-After cap).
    const get = 3 * 1_000 + 2 * 60_000;
    const token = 2 * get;
    const read = 2 * (token + get);
    assert.deepEqual(client.worstCase(), {
      readMs: read,
      writeMs: 2 * (token + 1_000) + read,
      settleMs: 1_000,
    });
    const { client: longer } = connect(t, sim, { timeoutMs: 30_000, maxRetries: 4 });
    assert.ok(longer.worstCase().readMs > client.worstCase().readMs);
  });
});

describe("answers that do not fit", () => {
  test("a 2xx body of the wrong shape is invalid_response", async (t) => {
    const { client, sim } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(1, 200, { method: "GET", path: /\/AuditItems$/i, body: { message: "not a list" } });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "invalid_response");
      assert.equal(err.status, 200);
      return true;
    });
  });

  test("an error body's stack trace never reaches the caller", async (t) => {
    const { client, sim } = await setup(t);
    await client.listAuditItems(org);
    sim.faults.failNext(1, 500, {
      method: "GET",
      path: /\/AuditEmailSettings$/i,
      body: {
        message: "Something failed.",
        errorCode: "HttpError",
        stackTrace: "   at Veeam.Archiver.REST.Secret.Method() in C:\\src\\x.cs:line 1",
      },
    });
    await assert.rejects(client.getAuditEmailSettings(), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.message, "Something failed.");
      assert.equal(err.errorCode, "HttpError");
      assert.doesNotMatch(`${err.message} ${err.describe()} ${JSON.stringify(err)}`, /Veeam\.Archiver|x\.cs/);
      return true;
    });
  });

  test("an HTML page in place of JSON, from the simulator, is invalid_response or the bare status", async (t) => {
    const { client, sim } = await setup(t, {}, { maxRetries: 0 });
    await client.listAuditItems(org);
    const page = "<html><body><h1>Access denied by proxy</h1></body></html>";
    sim.faults.failNext(1, 200, { method: "GET", path: /\/AuditEmailSettings$/i, rawBody: page });
    await assert.rejects(client.getAuditEmailSettings(), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "invalid_response");
      assert.equal(err.message, "the answer is not JSON (text/html)");
      return true;
    });
    sim.faults.failNext(1, 502, { method: "GET", path: /\/AuditItems$/i, rawBody: page });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "http");
      assert.equal(err.status, 502);
      assert.equal(err.message, "Bad Gateway");
      return true;
    });
  });

  test("HTML from a proxy, on success or failure, becomes a VboError without the page or secrets", async (t) => {
    const page = "<!DOCTYPE html><html><body><h1>Proxy login</h1><script>leak()</script></body></html>";
    // A fake reverse proxy in front of VB365 that answers HTML to everything but /token.
    const proxy = await listen(t, (req, res) => {
      if (req.url?.endsWith("/ServiceInstance")) {
        res.writeHead(401).end();
      } else if (req.url?.endsWith("/token")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            access_token: "tok-very-secret-1",
            refresh_token: "ref-very-secret-1",
            token_type: "bearer",
            expires_in: 3600,
          }),
        );
      } else if (req.url?.includes("AuditEmailSettings")) {
        res.writeHead(200, { "content-type": "text/html" }).end(page);
      } else {
        res.writeHead(502, { "content-type": "text/html" }).end(page);
      }
    });
    const logs = jsonLogger();
    const client = createVboClient({
      baseUrl: proxy,
      username: "svc",
      password: "Pa55word-very-secret",
      apiVersion: "auto",
      logger: logs.logger,
      clock: systemClock,
      sleep: recordingSleep().sleep,
      maxRetries: 1,
    });
    t.after(() => client.close());
    const check = (kind: string) => (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, kind);
      const shown = `${err.message} ${err.describe()} ${JSON.stringify(err)}`;
      assert.doesNotMatch(shown, /<html|leak\(\)|Proxy login|very-secret/i);
      return true;
    };
    await assert.rejects(client.getAuditEmailSettings(), check("invalid_response"));
    await assert.rejects(client.listAuditItems(org), check("http"));
    for (const line of logs.raw) assert.doesNotMatch(line, /very-secret|<html/i);
  });
});

async function listen(t: TestContext, handler: Parameters<typeof createServer>[1] & object): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
