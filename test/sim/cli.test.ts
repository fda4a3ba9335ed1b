import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, test } from "node:test";
import { banner, DEFAULT_CLI_CREDENTIALS, parseCli } from "../../src/sim/cli.ts";
import { call } from "./helpers.ts";

const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

describe("npm run sim: flags", () => {
  test("defaults: port 4443, all versions, fixed development credentials", () => {
    const parsed = parseCli([], noFiles);
    assert.equal(parsed.kind, "run");
    if (parsed.kind !== "run") return;
    assert.equal(parsed.options.port, 4443);
    assert.deepEqual(parsed.options.versions, ["v6", "v7", "v8"]);
    assert.equal(parsed.options.username, DEFAULT_CLI_CREDENTIALS.username);
    assert.equal(parsed.options.password, DEFAULT_CLI_CREDENTIALS.password);
    assert.equal(parsed.options.tls, undefined);
  });

  test("every flag maps to its option", () => {
    const files: Record<string, string> = { "k.pem": "KEY", "c.pem": "CERT" };
    const parsed = parseCli(
      [
        "--port=0",
        "--versions",
        "V7, v8",
        "--users",
        "100000",
        "--organizations",
        "50",
        "--users-per-organization",
        "500",
        "--latency",
        "1000",
        "--token-lifetime",
        "120",
        "--tls-key",
        "k.pem",
        "--tls-cert",
        "c.pem",
        "--no-rate-limit",
        "--sparse",
      ],
      (path) => files[path] ?? noFiles(path),
    );
    assert.equal(parsed.kind, "run");
    if (parsed.kind !== "run") return;
    const { options } = parsed;
    assert.deepEqual(
      [options.port, options.versions, options.users, options.organizations, options.usersPerOrganization],
      [0, ["v7", "v8"], 100_000, 50, 500],
    );
    assert.deepEqual(
      [options.latencyMs, options.tokenLifetimeSeconds, options.tokenRateLimit, options.fields],
      [1000, 120, false, "sparse"],
    );
    assert.deepEqual(options.tls, { key: "KEY", cert: "CERT" });
    assert.match(parsed.tlsCertFile ?? "", /c\.pem$/);
  });

  test("mistakes are reported, not thrown", () => {
    for (const argv of [
      ["--users", "many"],
      ["--versions", "v9"],
      ["--tls-key", "k.pem"],
      ["--bogus"],
      ["--port", "70000"],
    ]) {
      const parsed = parseCli(argv, noFiles);
      assert.equal(parsed.kind, "error", argv.join(" "));
    }
    assert.equal(parseCli(["--help"], noFiles).kind, "help");
  });

  test("the banner gives the URL, the credentials and the lines for .env", () => {
    const text = banner(
      { url: "https://127.0.0.1:4443", username: "u", password: "p" },
      { users: 5 },
      "/tmp/c.pem",
    );
    for (const line of [
      "VBO_URL=https://127.0.0.1:4443",
      "VBO_USERNAME=u",
      "VBO_PASSWORD=p",
      "VBO_CA_FILE=/tmp/c.pem",
    ]) {
      assert.ok(text.split("\n").includes(line), line);
    }
  });
});

describe("npm run sim: the process", () => {
  test("prints where it listens, serves, and stops cleanly on SIGTERM", async () => {
    const cli = join(import.meta.dirname, "../../src/sim/cli.ts");
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0", "--users", "10"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: string) => {
        out += chunk;
        const m = /^VBO_URL=(\S+)$/m.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    assert.match(out, /^VBO_USERNAME=vbo-audit-svc$/m);
    assert.equal((await call({ url }, "GET", "/v8/ServiceInstance")).status, 401);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0);
  });
});
