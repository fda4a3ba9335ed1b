/**
 * The whole bot (`createBot`) for the benchmark: HTTP mode on 127.0.0.1, against a VB365 simulator
 * and the fake Slack (both real HTTP servers), on a temporary SQLite file. The bot logs warnings and
 * errors into counters, so that stderr can say whether a section ran clean.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bot, createBot } from "../src/bot.ts";
import { type Config, loadConfig, secretsOf } from "../src/config.ts";
import { createDevSlack, type DevSlack } from "../src/devslack/index.ts";
import { createLogger, type Logger } from "../src/logger.ts";
import type { RunningSimulator } from "../src/sim/server.ts";
import { SEED } from "../src/sim/types.ts";

export const SIGNING_SECRET = "bench-signing-secret-0123456789abcdef";
export const APPROVALS = "C0APPROVALS";
export const DIGEST = "C0DIGEST";
export const GENERAL = "C0GENERAL";
export const APPROVER = "U0BENCHBOSS";
export const USER = "U0BENCHUSER";

export interface BenchWorld {
  bot: Bot;
  fake: DevSlack;
  config: Config;
  /** The bot's logger, for parts the benchmark adds beside it (the baseline's Bolt app). */
  logger: Logger;
  /** Warnings and errors the bot logged, and the first error line (for stderr). */
  logged: { warn: number; error: number; firstError?: string; messages: Map<string, number> };
  /** The bot's HTTP base URL once `start()` ran. */
  url: string;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The fake Slack every section's bot talks to: the channels and people of the configuration below. */
export function createBenchSlack(): Promise<DevSlack> {
  return createDevSlack({
    channels: [APPROVALS, DIGEST, GENERAL],
    users: [
      { id: APPROVER, name: "boss", email: "boss@vbridge.co.nz" },
      { id: USER, name: "rita", email: "rita@vbridge.co.nz" },
    ],
  });
}

/** The bot's environment against `sim` and `fake`, as an operator's `.env` would hold it. */
export function benchEnvironment(
  sim: { url: string; username: string; password: string },
  fake: DevSlack,
  databasePath: string,
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: "0",
    VBO_URL: sim.url,
    VBO_USERNAME: sim.username,
    VBO_PASSWORD: sim.password,
    VBO_ORGANIZATION: SEED.organization.name,
    DATABASE_PATH: databasePath,
    APPROVALS_CHANNEL_ID: APPROVALS,
    APPROVER_USER_IDS: APPROVER,
    // Rita's `find` shows audited marks, as the commands section measures it: she is a viewer.
    VIEWER_USER_IDS: USER,
    DIGEST_CHANNEL_ID: DIGEST,
    LOG_LEVEL: "warn",
  };
}

export async function createBenchWorld(sim: RunningSimulator): Promise<BenchWorld> {
  const fake = await createBenchSlack();
  const dir = mkdtempSync(join(tmpdir(), "vbo-audit-bench-"));
  const loaded = loadConfig(benchEnvironment(sim, fake, join(dir, "vbo-audit.sqlite")));
  if (!loaded.ok) {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`bench configuration: ${loaded.problems.join("; ")}`);
  }
  const config = loaded.config;
  const logged: BenchWorld["logged"] = { warn: 0, error: 0, messages: new Map() };
  const logger = createLogger({
    level: "warn",
    secrets: secretsOf(config),
    sink: (line) => {
      const record = JSON.parse(line) as { level?: string; msg?: string };
      if (record.level === "error") {
        logged.error++;
        logged.firstError ??= line.slice(0, 500);
      } else logged.warn++;
      const msg = `${record.level}: ${record.msg}`;
      logged.messages.set(msg, (logged.messages.get(msg) ?? 0) + 1);
    },
  });
  const bot = createBot({
    config,
    host: "127.0.0.1",
    logger,
    // A benchmark measures the first answer: Slack's own retries would blur it.
    slackClientOptions: { retryConfig: { retries: 0 } },
    // Work still in flight after a section's bounded drain is not waited for long.
    shutdownGraceMs: 2_000,
    // A section runs what it measures; no schedule fires in between.
    jobs: false,
    // Every display read asks VB365, as the commands section measures acking while VB365 is slow
    // (kept for a minute, `find young` would ask it once and the baseline would never wait).
    core: { displayTtlMs: 0 },
  });

  let port: number | undefined;
  return {
    bot,
    fake,
    config,
    logger,
    logged,
    get url() {
      if (port === undefined) throw new Error("the bench bot is not started");
      return `http://127.0.0.1:${port}`;
    },
    async start() {
      ({ port } = await bot.start());
    },
    async close() {
      try {
        await bot.stop();
      } finally {
        await fake.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Tells stderr when the bot logged warnings or errors during a section. */
export function reportLogged(section: string, world: BenchWorld): void {
  const { warn, error, firstError, messages } = world.logged;
  if (warn + error === 0) return;
  process.stderr.write(`bench:   ${section}: the bot logged ${warn} warnings and ${error} errors\n`);
  const top = [...messages].sort((a, b) => b[1] - a[1]).slice(0, 5);
  for (const [msg, count] of top) process.stderr.write(`bench:     ${count} × ${msg}\n`);
  if (firstError) process.stderr.write(`bench:   first error: ${firstError}\n`);
}
