/**
 * `src/main.ts` as a process: with configuration problems it prints every one of them (naming the
 * variable, never a secret) and exits non-zero before connecting anywhere.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createDevSlack } from "../src/devslack/index.ts";
import { startSimulator } from "./support/simulator.ts";
import { tempDir } from "./support/store.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

/** Runs `src/main.ts` in `cwd` with only PATH and `env`, to its exit; `output` is both streams as they came. */
async function runMain(cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", TSX, MAIN], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  let stdout = "";
  let stderr = "";
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    output += chunk;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr, output };
}

test("main with missing and invalid variables prints every problem, never the password, and exits non-zero", async (t) => {
  // A folder without a .env, so only the variables given here count.
  const cwd = tempDir(t, "vbo-audit-main-");
  const password = "Sup3r-Secret-VBO-Passw0rd!";
  const { code, stdout, stderr } = await runMain(cwd, {
    // Missing: SLACK_BOT_TOKEN, VBO_URL, VBO_USERNAME, APPROVALS_CHANNEL_ID, DIGEST_CHANNEL_ID.
    VBO_PASSWORD: password,
    SLACK_SIGNING_SECRET: "a-signing-secret-long-enough",
    APPROVER_USER_IDS: "U0BOSS",
    REQUIRED_APPROVALS: "zero",
  });

  assert.notEqual(code, 0);
  const lines = stderr.trim().split("\n");
  assert.match(lines[0] ?? "", /cannot start: \d+ configuration problems/);
  for (const variable of [
    "SLACK_BOT_TOKEN",
    "VBO_URL",
    "VBO_USERNAME",
    "APPROVALS_CHANNEL_ID",
    "DIGEST_CHANNEL_ID",
    "REQUIRED_APPROVALS",
  ]) {
    assert.ok(
      lines.slice(1).some((line) => line.trim().startsWith(`${variable}:`)),
      `a line names ${variable}:\n${stderr}`,
    );
  }
  assert.ok(!stderr.includes(password) && !stdout.includes(password), "the password is never printed");
  assert.ok(!stderr.includes("a-signing-secret-long-enough"), "nor the signing secret");
});

test("main reads .env from its working directory, and X_FILE secrets; the environment wins", async (t) => {
  const cwd = tempDir(t, "vbo-audit-main-");
  const password = "Dotenv-Secret-Passw0rd!";
  writeFileSync(join(cwd, "bot-token"), "xoxb-from-a-file\n");
  writeFileSync(
    join(cwd, ".env"),
    [
      `VBO_PASSWORD=${password}`,
      "VBO_URL=https://vbo.example:4443",
      "VBO_USERNAME=svc",
      "SLACK_BOT_TOKEN_FILE=./bot-token",
      "SLACK_SIGNING_SECRET=dotenv-signing-secret",
      "APPROVALS_CHANNEL_ID=C0APPROVALS",
      "APPROVER_USER_IDS=U0BOSS",
      "LOG_LEVEL=loud",
    ].join("\n"),
  );
  // Only DIGEST_CHANNEL_ID is missing, and the environment's LOG_LEVEL overrides the .env's bad one.
  const { code, output } = await runMain(cwd, { LOG_LEVEL: "info", PORT: "not-a-port" });
  assert.equal(code, 1);
  const problems = output
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(":")[0]);
  assert.deepEqual(problems.sort(), ["DIGEST_CHANNEL_ID", "PORT"], output);
  assert.ok(!output.includes(password) && !output.includes("xoxb-from-a-file"));
});

test("main starts, logs one start line without secrets, serves /healthz, and exits 0 on SIGTERM", async (t) => {
  const cwd = tempDir(t, "vbo-audit-main-");
  const sim = await startSimulator(t);
  const fake = await createDevSlack({ channels: ["C0APPROVALS", "C0DIGEST"] });
  t.after(() => fake.close());
  const secret = "main-test-signing-secret-0123456789";
  const child = spawn(process.execPath, ["--import", TSX, MAIN], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
      PORT: "0",
      VBO_URL: sim.url,
      VBO_USERNAME: sim.username,
      VBO_PASSWORD: sim.password,
      DATABASE_PATH: join(cwd, "data", "bot.sqlite"),
      APPROVALS_CHANNEL_ID: "C0APPROVALS",
      DIGEST_CHANNEL_ID: "C0DIGEST",
      APPROVER_USER_IDS: "U0BOSS",
    },
  });
  t.after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  child.stderr.resume();
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      for (const line of stdout.split("\n")) {
        if (line.includes('"vbo-audit started"')) resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    child.once("exit", (code) => reject(new Error(`main exited early with ${code}: ${stdout}`)));
  });
  const line = await started;
  assert.equal(line.mode, "http");
  assert.equal(line.vboUrl, sim.url);
  assert.equal(line.vboApiVersion, "auto");
  assert.equal(typeof line.port, "number");
  const health = await fetch(`http://127.0.0.1:${line.port}/healthz`);
  assert.equal(health.status, 200);

  const exited = once(child, "exit") as Promise<[number | null, string | null]>;
  child.kill("SIGTERM");
  const [code] = await exited;
  assert.equal(code, 0);
  assert.match(stdout, /"vbo-audit stopped"/);
  for (const value of [secret, fake.botToken, sim.password])
    assert.ok(!stdout.includes(value), "no secret is logged");
});
