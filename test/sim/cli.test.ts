import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import {
  banner,
  DEFAULT_CLI_CREDENTIALS,
  fleetBanner,
  fleetSpecs,
  parseCli,
  SHARED_TENANT,
} from "../../src/sim/cli.ts";
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

describe("npm run sim: --servers", () => {
  test("one server unless told; --servers N gives N specs on consecutive ports", () => {
    const one = parseCli([], noFiles);
    assert.equal(one.kind === "run" && one.servers, 1);
    const parsed = parseCli(["--servers", "3", "--organizations", "2"], noFiles);
    assert.equal(parsed.kind, "run");
    if (parsed.kind !== "run") return;
    assert.equal(parsed.servers, 3);
    const specs = fleetSpecs(parsed.options, parsed.servers);
    assert.deepEqual(
      specs.map((s) => [s.name, s.port, s.username, s.password, s.seed]),
      [
        ["server1", 4443, "vbo-audit-svc-1", "vbo-sim-password-1", 1],
        ["server2", 4444, "vbo-audit-svc-2", "vbo-sim-password-2", 2],
        ["server3", 4445, "vbo-audit-svc-3", "vbo-sim-password-3", 3],
      ],
    );
    assert.deepEqual(specs[1]?.organizationNames, ["Alpha 2", "Bravo 2", SHARED_TENANT]);
    assert.equal(specs[2]?.organizations, 2);
    // --port 0: every server on a free port of its own.
    const free = parseCli(["--servers=2", "--port=0", "--username", "svc", "--password", "pw"], noFiles);
    assert.ok(free.kind === "run");
    assert.deepEqual(
      fleetSpecs(free.options, free.servers).map((s) => [s.port, s.username, s.password]),
      [
        [0, "svc-1", "pw-1"],
        [0, "svc-2", "pw-2"],
      ],
    );
  });

  test("mistakes with --servers are reported", () => {
    for (const [argv, message] of [
      [["--servers", "0"], /at least 1/],
      [["--servers", "51"], /up to 50/],
      [["--servers", "two"], /whole number/],
      [["--servers", "2", "--users", "5"], /--users-per-organization/],
      [["--servers", "2", "--port", "65535"], /no room for 2 servers/],
    ] as const) {
      const parsed = parseCli([...argv], noFiles);
      assert.equal(parsed.kind, "error", argv.join(" "));
      if (parsed.kind === "error") assert.match(parsed.message, message);
    }
  });

  test("the fleet banner gives each server and a routing file servers: block that parses", () => {
    const servers = [1, 2].map((i) => ({
      name: `server${i}`,
      url: `https://127.0.0.1:${4442 + i}`,
      username: `svc-${i}`,
      password: `pw-${i}`,
      organizations: [
        { id: `id-a${i}`, name: `Alpha ${i}` },
        { id: `id-c${i}`, name: SHARED_TENANT },
      ],
    }));
    const text = fleetBanner(servers, {}, "/tmp/c.pem");
    const lines = text.split("\n");
    for (const line of [
      "SIM_SERVER1_PASSWORD=pw-1",
      "SIM_SERVER2_PASSWORD=pw-2",
      "ROUTING_FILE=routing.yaml",
    ])
      assert.ok(lines.includes(line), line);
    assert.match(text, /server2 on https:\/\/127\.0\.0\.1:4444/);
    assert.match(text, /Common Ltd \(id-c2\)/);
    assert.match(text, /name it server1\/Common Ltd/);
    const yaml = text.slice(text.indexOf("servers:\n"), text.indexOf("\nCtrl-C"));
    assert.deepEqual(parseYaml(yaml), {
      servers: [1, 2].map((i) => ({
        name: `server${i}`,
        url: `https://127.0.0.1:${4442 + i}`,
        username: `svc-${i}`,
        password: `\${SIM_SERVER${i}_PASSWORD}`,
        apiVersion: "auto",
        caFile: "/tmp/c.pem",
      })),
    });
    // The passwords go to the environment, never into the file.
    assert.ok(!yaml.includes("pw-1"));
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

  test("--servers 2 serves two servers, each refusing the other's credentials", async (t) => {
    const cli = join(import.meta.dirname, "../../src/sim/cli.ts");
    // Three logins on one server within a second: no /token throttling.
    const args = ["--import", "tsx", cli, "--servers", "2", "--port", "0", "--no-rate-limit"];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    // A failed assertion must not leave the servers running.
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("Ctrl-C stops them.")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    const yaml = out.slice(out.indexOf("servers:\n"), out.indexOf("\nCtrl-C"));
    const { servers } = parseYaml(yaml) as {
      servers: Array<{ name: string; url: string; username: string }>;
    };
    const password = (name: string) =>
      new RegExp(`^SIM_${name.toUpperCase()}_PASSWORD=(\\S+)$`, "m").exec(out)?.[1];
    assert.deepEqual(
      servers.map((s) => s.name),
      ["server1", "server2"],
    );
    const [one, two] = servers;
    assert.ok(one && two);
    assert.notEqual(one.url, two.url);
    const login = (url: string, username: string, pw: string | undefined) =>
      call({ url }, "POST", "/v8/token", {
        body: new URLSearchParams({ grant_type: "password", username, password: pw ?? "" }),
      });
    assert.equal((await login(one.url, one.username, password(one.name))).status, 200);
    assert.equal((await login(two.url, two.username, password(two.name))).status, 200);
    assert.equal((await login(two.url, one.username, password(one.name))).status, 400);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0);
  });
});
