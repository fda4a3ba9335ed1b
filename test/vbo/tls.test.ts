import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { generate } from "selfsigned";
import { SEED } from "../../src/sim/types.ts";
import { isVboError } from "../../src/vbo/errors.ts";
import { createDispatchers } from "../../src/vbo/tls.ts";
import { jsonLogger } from "../support/logger.ts";
import { startSimulator } from "../support/simulator.ts";
import { connect } from "./helpers.ts";

const org = SEED.organization.id;

describe("TLS to VB365", () => {
  let pems: { private: string; cert: string };
  before(async () => {
    // The server's own self-signed certificate, as a fresh VB365 install has.
    pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
  });

  const start = (t: Parameters<typeof startSimulator>[0]) =>
    startSimulator(t, { tls: { key: pems.private, cert: pems.cert } });

  test("a pinned self-signed certificate is trusted", async (t) => {
    const sim = await start(t);
    assert.match(sim.url, /^https:/);
    const logs = jsonLogger();
    const pools = createDispatchers({ caPem: pems.cert, tlsInsecure: false }, logs.logger);
    t.after(() => pools.close());
    const { client } = connect(t, sim, { dispatcher: pools.reads, applyDispatcher: pools.applies });
    const items = await client.listAuditItems(org);
    assert.ok(Array.isArray(items));
    assert.deepEqual(await client.forApplies().listAuditItems(org), items, "the applies' pool trusts it too");
    assert.equal(
      logs.lines().filter((l) => l.level === "warn").length,
      0,
      "pinning is the normal case: no warning",
    );
  });

  test("the same server is refused when its certificate is not pinned", async (t) => {
    const sim = await start(t);
    const pools = createDispatchers({ tlsInsecure: false }, jsonLogger().logger);
    t.after(() => pools.close());
    const { client, waits } = connect(t, sim, {
      dispatcher: pools.reads,
      applyDispatcher: pools.applies,
      maxRetries: 1,
    });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "network");
      assert.match(err.message, /TLS certificate is signed by a CA the bot does not trust/);
      assert.match(err.describe(), /VBO_CA_FILE/);
      assert.doesNotMatch(err.message, /not 127\.0\.0\.1/, "not a name problem");
      return true;
    });
    assert.equal(sim.stats.total(), 0, "no request reached the server");
    assert.deepEqual(waits, [], "an untrusted certificate is not retried");
  });

  test("a trusted certificate for other names: the mismatch, and the names it carries", async (t) => {
    const named = await generate([{ name: "commonName", value: "vbo.corp.local" }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "vbo.corp.local" },
            { type: 2, value: "vbo" },
          ],
        },
      ],
    });
    const sim = await startSimulator(t, { tls: { key: named.private, cert: named.cert } });
    // Pinned, so the CA is trusted: what fails is the name, 127.0.0.1 in VBO_URL.
    const pools = createDispatchers({ caPem: named.cert, tlsInsecure: false }, jsonLogger().logger);
    t.after(() => pools.close());
    const { client, waits } = connect(t, sim, {
      dispatcher: pools.reads,
      applyDispatcher: pools.applies,
      maxRetries: 2,
    });
    await assert.rejects(client.listAuditItems(org), (err: unknown) => {
      assert.ok(isVboError(err));
      assert.equal(err.kind, "network");
      assert.match(
        err.describe(),
        /the server's TLS certificate is for vbo\.corp\.local, vbo, not 127\.0\.0\.1 \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
      );
      assert.match(err.describe(), /VBO_URL/);
      assert.doesNotMatch(err.describe(), /does not trust/, "not a CA problem");
      return true;
    });
    assert.deepEqual(waits, [], "a wrong name is not retried");
  });

  test("a different pinned certificate does not trust this server", async (t) => {
    const sim = await start(t);
    const other = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    const pools = createDispatchers({ caPem: other.cert, tlsInsecure: false }, jsonLogger().logger);
    t.after(() => pools.close());
    const { client } = connect(t, sim, {
      dispatcher: pools.reads,
      applyDispatcher: pools.applies,
      maxRetries: 0,
    });
    await assert.rejects(
      client.listAuditItems(org),
      (err: unknown) => isVboError(err) && err.kind === "network",
    );
  });

  test("VBO_TLS_INSECURE accepts the server and logs a warning", async (t) => {
    const sim = await start(t);
    const logs = jsonLogger();
    const pools = createDispatchers({ tlsInsecure: true }, logs.logger);
    t.after(() => pools.close());
    const { client } = connect(t, sim, { dispatcher: pools.reads, applyDispatcher: pools.applies });
    assert.ok(Array.isArray(await client.listAuditItems(org)));
    const warnings = logs.lines().filter((l) => l.level === "warn");
    assert.equal(warnings.length, 1, "one warning for both pools");
    assert.match(warnings[0]!.msg, /VBO_TLS_INSECURE/);
  });
});
