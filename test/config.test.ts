import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { databasePathFrom, loadConfig, logKeyFrom, secretsOf } from "../src/config.ts";

const dir = mkdtempSync(join(tmpdir(), "vbo-audit-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const valid = {
  SLACK_BOT_TOKEN: "xoxb-123-456-abcdef",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
  VBO_URL: "https://vbo.corp.local:4443/",
  VBO_USERNAME: "CORP\\svc-vbo-audit",
  VBO_PASSWORD: "correct horse battery staple",
  APPROVALS_CHANNEL_ID: "C0APPROVAL",
  DIGEST_CHANNEL_ID: "C0DIGEST1",
  APPROVER_USER_IDS: "U0BOSS001, U0BOSS002",
};

function ok(env: Record<string, string | undefined>, cwd?: string) {
  const result = loadConfig(env, cwd === undefined ? {} : { cwd });
  if (!result.ok) assert.fail(`expected a valid config, got ${result.problems.join("; ")}`);
  return result;
}

function problems(env: Record<string, string | undefined>, cwd?: string): string[] {
  const result = loadConfig(env, cwd === undefined ? {} : { cwd });
  assert.equal(result.ok, false, "expected the configuration to be refused");
  return result.ok ? [] : result.problems;
}

describe("configuration", () => {
  test("applies the contract's defaults", () => {
    const { config } = ok(valid);
    assert.equal(config.slack.mode, "http");
    assert.equal(config.slack.apiUrl, "https://slack.com/api/");
    assert.equal(config.port, 3000);
    assert.equal(config.vbo.url, "https://vbo.corp.local:4443");
    assert.equal(config.vbo.apiVersion, "auto");
    assert.equal(config.vbo.tlsInsecure, false);
    assert.equal(config.databasePath, "./data/vbo-audit.sqlite");
    assert.deepEqual(config.approvals.approverUserIds, ["U0BOSS001", "U0BOSS002"]);
    assert.equal(config.approvals.requiredApprovals, 1);
    assert.equal(config.approvals.allowSelfApproval, false);
    assert.equal(config.approvals.requestTtlHours, 72);
    assert.equal(config.digest.cron, "0 9 * * 1-5");
    assert.equal(config.digest.timezone, "UTC");
    assert.equal(config.alerts.channelId, undefined);
    assert.equal(config.logLevel, "info");
    assert.equal(config.approvals.maxOpenRequestsPerUser, 5);
    assert.deepEqual(config.visibility, { audit: "viewers", viewerUserIds: [] });
  });

  test("SLACK_APP_TOKEN switches to Socket Mode, where no signing secret is needed", () => {
    const { config } = ok({ ...valid, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: "xapp-1-A1-1-abc" });
    assert.equal(config.slack.mode, "socket");
    assert.equal(config.slack.appToken, "xapp-1-A1-1-abc");
  });

  test("reads every variable it documents", () => {
    const { config } = ok({
      ...valid,
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      PORT: "8080",
      VBO_API_VERSION: "V7",
      VBO_TLS_INSECURE: "true",
      VBO_ORGANIZATION: "vBridge",
      DATABASE_PATH: "/data/x.sqlite",
      APPROVER_USERGROUP_ID: "S0APPROVERS",
      REQUIRED_APPROVALS: "2",
      ALLOW_SELF_APPROVAL: "true",
      REQUEST_TTL_HOURS: "1.5",
      DIGEST_CRON: "30 8 * * *",
      DIGEST_TIMEZONE: "Pacific/Auckland",
      ALERTS_CHANNEL_ID: "C0ALERTS1",
      LOG_LEVEL: "DEBUG",
      MAX_OPEN_REQUESTS_PER_USER: "3",
      VIEWER_USER_IDS: "U0VIEW001,W0VIEW002",
      VIEWER_USERGROUP_ID: "S0VIEWERS",
      AUDIT_VISIBILITY: "Everyone",
    });
    assert.equal(config.slack.apiUrl, "http://127.0.0.1:9999/api/");
    assert.equal(config.port, 8080);
    assert.equal(config.vbo.apiVersion, "v7");
    assert.equal(config.vbo.tlsInsecure, true);
    assert.equal(config.vbo.organization, "vBridge");
    assert.equal(config.databasePath, "/data/x.sqlite");
    assert.equal(config.approvals.approverUsergroupId, "S0APPROVERS");
    assert.equal(config.approvals.requiredApprovals, 2);
    assert.equal(config.approvals.allowSelfApproval, true);
    assert.equal(config.approvals.requestTtlHours, 1.5);
    assert.equal(config.digest.cron, "30 8 * * *");
    assert.equal(config.digest.timezone, "Pacific/Auckland");
    assert.equal(config.alerts.channelId, "C0ALERTS1");
    assert.equal(config.logLevel, "debug");
    assert.equal(config.approvals.maxOpenRequestsPerUser, 3);
    assert.deepEqual(config.visibility, {
      audit: "everyone",
      viewerUserIds: ["U0VIEW001", "W0VIEW002"],
      viewerUsergroupId: "S0VIEWERS",
    });
  });

  test("'false' means false (not the truthy string)", () => {
    const { config } = ok({ ...valid, VBO_TLS_INSECURE: "false", ALLOW_SELF_APPROVAL: "false" });
    assert.equal(config.vbo.tlsInsecure, false);
    assert.equal(config.approvals.allowSelfApproval, false);
  });

  test("reports every problem at once, one line each naming its variable", () => {
    const lines = problems({
      SLACK_BOT_TOKEN: "xoxp-user-token",
      PORT: "eighty",
      VBO_API_VERSION: "v9",
      VBO_TLS_INSECURE: "maybe",
      APPROVALS_CHANNEL_ID: "#approvals",
      REQUIRED_APPROVALS: "0",
      REQUEST_TTL_HOURS: "-1",
      DIGEST_CRON: "every day",
      DIGEST_TIMEZONE: "Middle/Earth",
      LOG_LEVEL: "loud",
    });
    const named = (name: string) => lines.some((line) => line.startsWith(`${name}: `));
    for (const name of [
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
      "PORT",
      "VBO_URL",
      "VBO_USERNAME",
      "VBO_PASSWORD",
      "VBO_API_VERSION",
      "VBO_TLS_INSECURE",
      "APPROVALS_CHANNEL_ID",
      "APPROVER_USER_IDS",
      "REQUIRED_APPROVALS",
      "REQUEST_TTL_HOURS",
      "DIGEST_CHANNEL_ID",
      "DIGEST_CRON",
      "DIGEST_TIMEZONE",
      "LOG_LEVEL",
    ]) {
      assert.ok(named(name), `no problem reported for ${name}:\n${lines.join("\n")}`);
    }
    for (const line of lines) assert.ok(!line.includes("\n"), "one line per problem");
  });

  test("needs someone who can approve, and enough of them for the quorum", () => {
    const noApprovers = problems({ ...valid, APPROVER_USER_IDS: "" });
    assert.ok(noApprovers.some((l) => l.startsWith("APPROVER_USER_IDS:")));
    const quorum = problems({ ...valid, REQUIRED_APPROVALS: "3" });
    assert.ok(quorum.some((l) => l.startsWith("REQUIRED_APPROVALS:") && l.includes("3")));
    ok({ ...valid, APPROVER_USER_IDS: "", APPROVER_USERGROUP_ID: "S0GROUP01", REQUIRED_APPROVALS: "3" });
  });

  test("secrets may come from files, but not from both places", () => {
    const password = join(dir, "vbo-password");
    writeFileSync(password, "from-a-file\n");
    const token = join(dir, "bot-token");
    writeFileSync(token, "xoxb-from-file");
    const { config } = ok({
      ...valid,
      VBO_PASSWORD: undefined,
      VBO_PASSWORD_FILE: password,
      SLACK_BOT_TOKEN: "",
      SLACK_BOT_TOKEN_FILE: token,
    });
    assert.equal(config.vbo.password, "from-a-file");
    assert.equal(config.slack.botToken, "xoxb-from-file");

    const appToken = join(dir, "app-token");
    writeFileSync(appToken, "xapp-1-from-file\n");
    const signing = join(dir, "signing-secret");
    writeFileSync(signing, "signing-from-file");
    const socket = ok({ ...valid, SLACK_APP_TOKEN_FILE: appToken });
    assert.equal(socket.config.slack.appToken, "xapp-1-from-file");
    const http = ok({ ...valid, SLACK_SIGNING_SECRET: undefined, SLACK_SIGNING_SECRET_FILE: signing });
    assert.equal(http.config.slack.signingSecret, "signing-from-file");

    const both = problems({ ...valid, VBO_PASSWORD_FILE: password });
    assert.ok(both.some((l) => l.startsWith("VBO_PASSWORD:") && l.includes("VBO_PASSWORD_FILE")));
    const missing = problems({ ...valid, VBO_PASSWORD: undefined, VBO_PASSWORD_FILE: join(dir, "nope") });
    assert.ok(missing.some((l) => l.startsWith("VBO_PASSWORD_FILE:")));
  });

  test("reads .env from the working directory; the real environment wins", () => {
    const cwd = mkdtempSync(join(dir, "dotenv-"));
    writeFileSync(join(cwd, ".env"), "VBO_USERNAME=from-dotenv\nPORT=4000\nLOG_LEVEL=warn\n");
    const { config } = ok({ ...valid, VBO_USERNAME: undefined, PORT: "5000" }, cwd);
    assert.equal(config.vbo.username, "from-dotenv");
    assert.equal(config.port, 5000);
    assert.equal(config.logLevel, "warn");
    assert.equal(databasePathFrom({}, { cwd }), "./data/vbo-audit.sqlite");
  });

  test("a secret file in the real environment wins over the secret in .env", () => {
    const cwd = mkdtempSync(join(dir, "dotenv-secret-"));
    writeFileSync(join(cwd, ".env"), "VBO_PASSWORD=from-dotenv\n");
    const file = join(cwd, "password");
    writeFileSync(file, "from-the-file");
    const { config } = ok({ ...valid, VBO_PASSWORD: undefined, VBO_PASSWORD_FILE: file }, cwd);
    assert.equal(config.vbo.password, "from-the-file");
    writeFileSync(join(cwd, ".env"), `VBO_PASSWORD=from-dotenv\nVBO_PASSWORD_FILE=${file}\n`);
    assert.ok(
      problems({ ...valid, VBO_PASSWORD: undefined }, cwd).some((l) => l.startsWith("VBO_PASSWORD:")),
    );
  });

  test("ids are checked loosely: short ids pass, names given for ids do not", () => {
    const { config } = ok({
      ...valid,
      APPROVALS_CHANNEL_ID: "C1",
      DIGEST_CHANNEL_ID: "G2",
      APPROVER_USER_IDS: "U1",
      SLACK_SIGNING_SECRET: "s",
    });
    assert.equal(config.approvals.channelId, "C1");
    const lines = problems({
      ...valid,
      APPROVALS_CHANNEL_ID: "#approvals",
      APPROVER_USER_IDS: "@boss",
      APPROVER_USERGROUP_ID: "@security",
    });
    for (const name of ["APPROVALS_CHANNEL_ID", "APPROVER_USER_IDS", "APPROVER_USERGROUP_ID"]) {
      assert.ok(
        lines.some((l) => l.startsWith(`${name}:`)),
        name,
      );
    }
  });

  test("a lower-case id is refused with the id it should be, not silently never matched", () => {
    const lines = problems({
      ...valid,
      APPROVALS_CHANNEL_ID: "c0approval",
      APPROVER_USER_IDS: "U0BOSS001,u0boss002",
      APPROVER_USERGROUP_ID: "s0approvers",
      VIEWER_USER_IDS: "w0viewer",
      VIEWER_USERGROUP_ID: "@viewers",
    });
    const about = (name: string) => lines.filter((l) => l.startsWith(`${name}: `)).join("\n");
    assert.match(about("APPROVALS_CHANNEL_ID"), /upper case.*C0APPROVAL/);
    assert.match(about("APPROVER_USER_IDS"), /upper case.*U0BOSS002/);
    assert.match(about("APPROVER_USERGROUP_ID"), /upper case.*S0APPROVERS/);
    assert.match(about("VIEWER_USER_IDS"), /upper case.*W0VIEWER/);
    assert.match(about("VIEWER_USERGROUP_ID"), /user group ids such as S0123ABCD/);
    // Each kind of id has its own first letter: a channel given for a member is refused too.
    assert.ok(
      problems({ ...valid, VIEWER_USER_IDS: "C0GENERAL" }).some((l) => l.startsWith("VIEWER_USER_IDS:")),
    );
    assert.ok(
      problems({ ...valid, DIGEST_CHANNEL_ID: "U0BOSS001" }).some((l) => l.startsWith("DIGEST_CHANNEL_ID:")),
    );
  });

  test("an approver listed twice counts once, for the quorum too", () => {
    const { config } = ok({
      ...valid,
      APPROVER_USER_IDS: "U0BOSS001,U0BOSS002,U0BOSS001",
      VIEWER_USER_IDS: "U0V1,U0V1",
    });
    assert.deepEqual(config.approvals.approverUserIds, ["U0BOSS001", "U0BOSS002"]);
    assert.deepEqual(config.visibility.viewerUserIds, ["U0V1"]);
    const quorum = problems({ ...valid, APPROVER_USER_IDS: "U0BOSS001, U0BOSS001", REQUIRED_APPROVALS: "2" });
    assert.ok(
      quorum.some((l) => l.startsWith("REQUIRED_APPROVALS:") && l.includes("lists 1 distinct one")),
      quorum.join("\n"),
    );
  });

  test("REQUEST_TTL_HOURS is 1 to 720 hours; the cap and the visibility are checked", () => {
    for (const hours of ["0.5", "721", "100000000"]) {
      assert.ok(
        problems({ ...valid, REQUEST_TTL_HOURS: hours }).some((l) => l.startsWith("REQUEST_TTL_HOURS:")),
        hours,
      );
    }
    assert.equal(ok({ ...valid, REQUEST_TTL_HOURS: "720" }).config.approvals.requestTtlHours, 720);
    assert.equal(ok({ ...valid, REQUEST_TTL_HOURS: "1" }).config.approvals.requestTtlHours, 1);
    const lines = problems({ ...valid, MAX_OPEN_REQUESTS_PER_USER: "0", AUDIT_VISIBILITY: "public" });
    assert.ok(lines.some((l) => l.startsWith("MAX_OPEN_REQUESTS_PER_USER:")));
    assert.ok(lines.some((l) => l === "AUDIT_VISIBILITY: must be viewers or everyone"));
  });

  test("VBO_CA_FILE must hold a PEM certificate; its text is loaded", () => {
    const pem = join(dir, "ca.pem");
    writeFileSync(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const { config } = ok({ ...valid, VBO_CA_FILE: pem });
    assert.match(config.vbo.caPem ?? "", /BEGIN CERTIFICATE/);
    const notPem = join(dir, "not.pem");
    writeFileSync(notPem, "hello");
    assert.ok(problems({ ...valid, VBO_CA_FILE: notPem }).some((l) => l.startsWith("VBO_CA_FILE:")));
  });

  test("never echoes a secret value in a problem", () => {
    const secret = "xoxp-this-is-a-user-token-not-a-bot-token";
    const appToken = "xoxb-given-where-an-app-token-belongs";
    const lines = problems({
      ...valid,
      SLACK_BOT_TOKEN: secret,
      SLACK_APP_TOKEN: appToken,
      VBO_URL: "not a url",
    });
    assert.ok(lines.some((l) => l.startsWith("SLACK_BOT_TOKEN:")));
    assert.ok(lines.some((l) => l.startsWith("SLACK_APP_TOKEN:")));
    for (const line of lines) {
      assert.ok(!line.includes(secret), line);
      assert.ok(!line.includes(appToken), line);
    }
  });

  test("integrity settings: when a refused apply ends, and the log's key (a secret, from a file too)", () => {
    const { config } = ok(valid);
    assert.deepEqual(config.applies, { maxDefiniteFailures: 5, maxAgeHours: 24 });
    assert.deepEqual(config.log, {});
    const key = "5f0c8d7e6b5a49382716f5e4d3c2b1a0a1b2c3d4e5f60718";
    const keyFile = join(dir, "log.key");
    writeFileSync(keyFile, `${key}\n`);
    const set = ok({
      ...valid,
      APPLY_MAX_FAILURES: "3",
      APPLY_MAX_AGE_HOURS: "12.5",
      LOG_HMAC_KEY_FILE: keyFile,
    });
    assert.deepEqual(set.config.applies, { maxDefiniteFailures: 3, maxAgeHours: 12.5 });
    assert.equal(set.config.log.hmacKey, key);
    assert.ok(secretsOf(set.config).includes(key), "scrubbed from logs");
    assert.deepEqual(logKeyFrom({ LOG_HMAC_KEY_FILE: keyFile }), { key });
    assert.deepEqual(logKeyFrom({}), {});

    const short = "too-short-a-key";
    const lines = problems({ ...valid, LOG_HMAC_KEY: short, APPLY_MAX_FAILURES: "0" });
    assert.deepEqual(
      lines.filter((l) => l.startsWith("LOG_HMAC_KEY")),
      ["LOG_HMAC_KEY: must be at least 32 characters, e.g. the output of openssl rand -hex 32"],
    );
    assert.ok(lines.includes("APPLY_MAX_FAILURES: must be at least 1"));
    assert.ok(!lines.some((l) => l.includes(short)));
    assert.match(logKeyFrom({ LOG_HMAC_KEY: short }).problem ?? "", /^LOG_HMAC_KEY: must be at least 32/);
    assert.match(
      logKeyFrom({ LOG_HMAC_KEY: key, LOG_HMAC_KEY_FILE: keyFile }).problem ?? "",
      /set both LOG_HMAC_KEY and LOG_HMAC_KEY_FILE/,
    );
  });

  test("lists its secrets for the logger to scrub", () => {
    const { config } = ok(valid);
    assert.deepEqual(
      secretsOf(config).sort(),
      [valid.SLACK_BOT_TOKEN, valid.SLACK_SIGNING_SECRET, valid.VBO_PASSWORD].sort(),
    );
  });
});
