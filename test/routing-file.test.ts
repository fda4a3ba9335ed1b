import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadConfig, secretsOf } from "../src/config.ts";
import { parseRoutingFile } from "../src/routing-file.ts";

const dir = mkdtempSync(join(tmpdir(), "vbo-audit-routing-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const readFile = (path: string) => readFileSync(path, "utf8");

const EU_PASSWORD = "eu-Secret-Horse-91";
const US_PASSWORD = "us-Secret-Battery-27";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const caPath = file("eu-ca.pem", PEM);
const usUser = file("us-user", "PROVIDER\\svc-us\n");
const usPassword = file("us-password", `${US_PASSWORD}\n`);

const global = {
  SLACK_BOT_TOKEN: "xoxb-123-456-abcdef",
  SLACK_APP_TOKEN: "xapp-1-A1-1-abc",
  VBO_EU_PASSWORD: EU_PASSWORD,
};

const provider = `
servers:
  - name: default
    url: https://vbo-eu.provider.example:4443/
    username: PROVIDER\\svc-eu
    password: \${VBO_EU_PASSWORD}
    caFile: ${caPath}
  - name: us-1
    url: https://vbo-us.provider.example:4443
    usernameFile: ${usUser}
    passwordFile: ${usPassword}
    apiVersion: v8
routes:
  - name: contoso
    organizations: [{ name: contoso.onmicrosoft.com }]
    channels: { approvals: C0CONTOSO1, digest: C0CONTOSO1, alerts: C0CONTOSO1 }
    approvers: { users: [U0CONTSEC1, U0CONTSEC2, U0CONTSEC1] }
    viewers: { users: [U0CONTIT01] }
    requiredApprovals: 2
  - name: fabrikam
    organizations: [{ server: default, pattern: "fabrikam*" }]
    channels: { approvals: C0FABRIKAM, digest: C0FABRIKAM }
    approvers: { usergroup: S0FABSEC01 }
    requestTtlHours: 24
  - name: northwind
    organizations: [{ server: us-1, id: 5f0c3e52-8a1d-4b7e-9c39-2f8d1a6b4c10 }]
    channels: { approvals: C0NORTHWND, digest: C0NORTHWND }
    approvers: { users: [U0NWSEC001] }
    viewers: { everyone: true }
defaultRoute:
  channels: { approvals: C0NOCAPPRV, digest: C0NOCDIGST }
  approvers: { usergroup: S0NOCTEAM1 }
`;

function load(env: Record<string, string | undefined>) {
  return loadConfig(env, { readFile });
}
function problemsOf(env: Record<string, string | undefined>): string[] {
  const result = load(env);
  assert.equal(result.ok, false, "expected the configuration to be refused");
  return result.ok ? [] : result.problems;
}

describe("the routing file", () => {
  test("a provider's file: two servers, three tenants and a default route", () => {
    const result = load({ ...global, ROUTING_FILE: file("provider.yaml", provider) });
    if (!result.ok) assert.fail(result.problems.join("\n"));
    const { config } = result;
    assert.deepEqual(config.servers, [
      {
        name: "default",
        url: "https://vbo-eu.provider.example:4443",
        username: "PROVIDER\\svc-eu",
        password: EU_PASSWORD,
        apiVersion: "auto",
        tlsInsecure: false,
        caPem: PEM,
        caFile: caPath,
      },
      {
        name: "us-1",
        url: "https://vbo-us.provider.example:4443",
        username: "PROVIDER\\svc-us",
        password: US_PASSWORD,
        apiVersion: "v8",
        tlsInsecure: false,
      },
    ]);
    assert.deepEqual(config.routes, [
      {
        name: "contoso",
        organizations: [{ name: "contoso.onmicrosoft.com" }],
        approvals: {
          channelId: "C0CONTOSO1",
          approverUserIds: ["U0CONTSEC1", "U0CONTSEC2"],
          requiredApprovals: 2,
          allowSelfApproval: false,
          requestTtlHours: 72,
        },
        visibility: { audit: "viewers", viewerUserIds: ["U0CONTIT01"] },
        digestChannelId: "C0CONTOSO1",
        alertsChannelId: "C0CONTOSO1",
      },
      {
        name: "fabrikam",
        organizations: [{ server: "default", pattern: "fabrikam*" }],
        approvals: {
          channelId: "C0FABRIKAM",
          approverUserIds: [],
          approverUsergroupId: "S0FABSEC01",
          requiredApprovals: 1,
          allowSelfApproval: false,
          requestTtlHours: 24,
        },
        visibility: { audit: "viewers", viewerUserIds: [] },
        digestChannelId: "C0FABRIKAM",
      },
      {
        name: "northwind",
        organizations: [{ server: "us-1", id: "5f0c3e52-8a1d-4b7e-9c39-2f8d1a6b4c10" }],
        approvals: {
          channelId: "C0NORTHWND",
          approverUserIds: ["U0NWSEC001"],
          requiredApprovals: 1,
          allowSelfApproval: false,
          requestTtlHours: 72,
        },
        visibility: { audit: "everyone", viewerUserIds: [] },
        digestChannelId: "C0NORTHWND",
      },
    ]);
    const noc = {
      name: "default",
      organizations: [],
      approvals: {
        channelId: "C0NOCAPPRV",
        approverUserIds: [],
        approverUsergroupId: "S0NOCTEAM1",
        requiredApprovals: 1,
        allowSelfApproval: false,
        requestTtlHours: 72,
      },
      visibility: { audit: "viewers", viewerUserIds: [] },
      digestChannelId: "C0NOCDIGST",
    };
    assert.deepEqual(config.defaultRoute, noc);
    // What has one server and one route still reads the first server and the default route.
    assert.equal(config.vbo.url, "https://vbo-eu.provider.example:4443");
    assert.equal(config.vbo.password, EU_PASSWORD);
    assert.equal(config.approvals.channelId, "C0NOCAPPRV");
    assert.equal(config.approvals.maxOpenRequestsPerUser, 5);
    assert.equal(config.digest.channelId, "C0NOCDIGST");
    assert.deepEqual(config.alerts, {});
    assert.ok(secretsOf(config).includes(EU_PASSWORD));
    assert.ok(secretsOf(config).includes(US_PASSWORD));
  });

  test("without a default route, the first route stands for the old single-route fields", () => {
    const noDefault = provider.slice(0, provider.indexOf("defaultRoute:"));
    const result = load({ ...global, ROUTING_FILE: file("no-default.yaml", noDefault) });
    if (!result.ok) assert.fail(result.problems.join("\n"));
    assert.equal(result.config.defaultRoute, undefined);
    assert.equal(result.config.approvals.channelId, "C0CONTOSO1");
    assert.equal(result.config.alerts.channelId, "C0CONTOSO1");
  });

  test("a bad file lists every problem with its path at once, and never a secret", () => {
    const bad = `
servers:
  - name: EU/1
    url: ftp://vbo
    username: svc
    password: ${EU_PASSWORD}
    apiVersion: v9
  - name: us
    url: https://vbo-us
    username: svc
    password: \${VBO_US_PASSWORD}
    passwordFile: ${usPassword}
    tlsInsecur: true
  - name: us
    url: https://vbo-us2
    passwordFile: /nowhere/password
routes:
  - name: a
    organizations: [{ server: nowhere, name: a }, {}]
    channels: { approvals: "#approvals", digest: c0digest1 }
    approvers: { users: [boss] }
  - name: a
    organizations: []
    channels: { approvals: C0APPROVAL }
    approver: { users: [U0BOSS001] }
    approvers: { users: [U0BOSS001] }
    requiredApprovals: 3
    requestTtlHours: 1000
defaultRoute:
  organizations: [{ name: x }]
  channels: { approvals: C0APPROVAL, digest: C0DIGEST1 }
  approvers: {}
`;
    const problems = problemsOf({ ...global, ROUTING_FILE: file("bad.yaml", bad) });
    const expected = [
      `ROUTING_FILE servers[0].password: must not be written in the file: use passwordFile or a \${ENV} reference`,
      `ROUTING_FILE servers[1].password: \${VBO_US_PASSWORD} is not set in the environment`,
      "ROUTING_FILE servers[0].name: must be lower-case letters, digits and dashes (no /: `server/name` uses it), e.g. eu-1",
      "ROUTING_FILE servers[0].url: must be an http(s) URL, e.g. https://vbo-eu.example.net:4443",
      "ROUTING_FILE servers[0].apiVersion: must be v6, v7, v8 or auto",
      "ROUTING_FILE servers[1].tlsInsecur: is not a known setting",
      "ROUTING_FILE routes[0].organizations[1]: must give at least one of server, id, name, pattern",
      "ROUTING_FILE routes[0].channels.approvals: must be Slack channel ids such as C0123ABCD, not a channel name",
      "ROUTING_FILE routes[0].channels.digest: must be upper case: Slack writes channel ids as C0DIGEST1, so c0digest1 would never match",
      "ROUTING_FILE routes[0].approvers.users[0]: must be Slack user ids such as U0123ABCD, not names",
      "ROUTING_FILE routes[1].organizations: must list at least one organization match",
      "ROUTING_FILE routes[1].channels.digest: is required",
      "ROUTING_FILE routes[1].approver: is not a known setting",
      "ROUTING_FILE routes[1].requestTtlHours: must be at most 720",
      "ROUTING_FILE defaultRoute.organizations: is not a known setting",
    ];
    for (const line of expected)
      assert.ok(problems.includes(line), `missing: ${line}\nin:\n${problems.join("\n")}`);
    assert.equal(problems.length, expected.length, problems.join("\n"));
    for (const line of problems) {
      assert.ok(!line.includes(EU_PASSWORD), `a secret in: ${line}`);
      assert.ok(!line.includes(US_PASSWORD), `a secret in: ${line}`);
    }
  });

  test("checks across settings once each setting is well formed", () => {
    const text = `
servers:
  - { name: eu, url: https://a, username: svc, password: "\${VBO_EU_PASSWORD}" }
  - { name: eu, url: https://b, username: svc, passwordFile: /nowhere/password, caFile: /nowhere/ca.pem }
  - { name: us, url: https://c, usernameFile: ${usUser}, password: "\${VBO_EU_PASSWORD}", passwordFile: ${usPassword} }
  - { name: ap, url: https://d, password: "\${VBO_EU_PASSWORD}" }
routes:
  - name: a
    organizations: [{ server: nowhere, name: a }]
    channels: { approvals: C0APPROVAL, digest: C0DIGEST1 }
    approvers: { users: [U0BOSS001] }
    requiredApprovals: 2
  - name: a
    organizations: [{ name: b }]
    channels: { approvals: C0APPROVAL, digest: C0DIGEST1 }
    approvers: {}
`;
    const problems = problemsOf({ ...global, ROUTING_FILE: file("cross.yaml", text) });
    assert.deepEqual(problems.sort(), [
      "ROUTING_FILE routes[0].organizations[0].server: nowhere is not a server of this file",
      "ROUTING_FILE routes[0].requiredApprovals: needs 2 distinct approvers but approvers.users lists 1 and no approvers.usergroup is set",
      "ROUTING_FILE routes[1].approvers: list users or give a usergroup, so that someone can approve requests",
      "ROUTING_FILE routes[1].name: a is already the name of another route",
      "ROUTING_FILE servers[1].caFile: cannot read /nowhere/ca.pem",
      "ROUTING_FILE servers[1].name: eu is already the name of another server",
      "ROUTING_FILE servers[1].passwordFile: cannot read /nowhere/password",
      "ROUTING_FILE servers[2].password: set both password and passwordFile; use one",
      "ROUTING_FILE servers[3].username: is required (or usernameFile)",
    ]);
  });

  test(`\${NAME} works in any value; a reference inside a longer text too`, () => {
    const result = parseRoutingFile(
      `
servers:
  - { name: eu, url: "https://\${EU_HOST}:4443", username: "\${DOMAIN}\\\\svc", password: "\${PW}" }
defaultRoute:
  channels: { approvals: "\${APPROVALS}", digest: C0DIGEST1 }
  approvers: { users: [U0BOSS001] }
`,
      { EU_HOST: "vbo-eu.example", DOMAIN: "CORP", PW: "pw-from-env", APPROVALS: "C0FROMENV" },
      readFile,
    );
    if (!result.ok) assert.fail(result.problems.join("\n"));
    assert.equal(result.servers[0]?.url, "https://vbo-eu.example:4443");
    assert.equal(result.servers[0]?.username, "CORP\\svc");
    assert.equal(result.servers[0]?.password, "pw-from-env");
    assert.equal(result.defaultRoute?.approvals.channelId, "C0FROMENV");
  });

  test("a file with neither routes nor a default route sends requests nowhere", () => {
    const result = parseRoutingFile(
      `servers:\n  - { name: eu, url: https://a, username: svc, password: '\${PW}' }\n`,
      { PW: "x" },
      readFile,
    );
    assert.deepEqual(result.ok ? [] : result.problems, [
      "ROUTING_FILE routes: list at least one route, or give a defaultRoute, so that requests go somewhere",
    ]);
  });

  test("broken YAML is named by line and column, without quoting the line", () => {
    const result = parseRoutingFile(
      `servers:\n  - name: eu\n    password: "${EU_PASSWORD}\n  url: [`,
      {},
      readFile,
    );
    assert.equal(result.ok, false);
    const problems = result.ok ? [] : result.problems;
    assert.ok(problems.length > 0);
    for (const line of problems) {
      assert.match(line, /^ROUTING_FILE: line \d+, column \d+: /);
      assert.ok(!line.includes(EU_PASSWORD), line);
    }
    const dup = parseRoutingFile("servers: []\nservers: []\n", {}, readFile);
    assert.match(dup.ok ? "" : (dup.problems[0] ?? ""), /^ROUTING_FILE: line 2, column 1: .*unique/);
  });

  test("a ROUTING_FILE that cannot be read is a clear problem", () => {
    assert.deepEqual(problemsOf({ ...global, ROUTING_FILE: join(dir, "missing.yaml") }), [
      `ROUTING_FILE: cannot read ${join(dir, "missing.yaml")}`,
    ]);
  });

  test("the variables the file replaces are refused beside it: one truth", () => {
    const problems = problemsOf({
      ...global,
      ROUTING_FILE: file("provider2.yaml", provider),
      VBO_URL: "https://vbo.corp.local",
      VBO_PASSWORD_FILE: usPassword,
      APPROVALS_CHANNEL_ID: "C0APPROVAL",
      APPROVER_USER_IDS: "U0BOSS001",
    });
    assert.deepEqual(problems.sort(), [
      "APPROVALS_CHANNEL_ID: set in ROUTING_FILE's routes, not here",
      "APPROVER_USER_IDS: set in ROUTING_FILE's routes, not here",
      "VBO_PASSWORD_FILE: set in ROUTING_FILE's servers, not here",
      "VBO_URL: set in ROUTING_FILE's servers, not here",
    ]);
  });

  test("the README's provider example is a valid file", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### Service providers: several servers and tenants"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example, "the README's section has a yaml block");
    const files: Record<string, string> = {
      "/run/secrets/vbo-eu-ca.pem": PEM,
      "/run/secrets/vbo_us_username": "PROVIDER\\svc-us\n",
      "/run/secrets/vbo_us_password": `${US_PASSWORD}\n`,
    };
    const result = parseRoutingFile(example, { VBO_EU_PASSWORD: EU_PASSWORD }, (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    });
    if (!result.ok) assert.fail(result.problems.join("\n"));
    assert.deepEqual(
      result.servers.map((s) => s.name),
      ["default", "us-1"],
    );
    assert.deepEqual(
      result.routes.map((r) => r.name),
      ["contoso", "fabrikam", "northwind"],
    );
    assert.equal(result.defaultRoute?.name, "default");
  });
});
