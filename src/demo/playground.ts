/**
 * `npm run demo` without Slack settings: the bot, the VB365 simulator and the Slack stand-in with
 * its playground page, in one process, all on 127.0.0.1. The bot runs in HTTP mode with a random
 * signing secret and reaches the stand-in's Web API; the page's clicks reach the bot's real
 * `/slack/events`, signed. Its database is a fresh temporary file: the stand-in forgets every
 * message when it stops, so requests from an earlier run would point at nothing.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { variableFrom } from "../config.ts";
import { startPlayground } from "../devslack/playground/index.ts";
import type { Jobs } from "../jobs/scheduler.ts";
import { runBot } from "../lifecycle.ts";
import type { RunningSimulator } from "../sim/server.ts";
import { simulatorControls } from "./controls.ts";
import { CHANNELS, MEMBERS, PERSONS, workspaceSettings } from "./workspace.ts";

type Env = Record<string, string | undefined>;

export const DEFAULT_PLAYGROUND_PORT = 3000;
const LOOPBACK = "127.0.0.1";

/** The page's port: `PORT` when set (0 picks a free one), else 3000. */
export function playgroundPort(env: Env): number | string {
  const raw = env.PORT?.trim();
  if (!raw) return DEFAULT_PLAYGROUND_PORT;
  const port = Number(raw);
  return Number.isInteger(port) && port >= 0 && port <= 65_535
    ? port
    : `PORT: must be a port number, got "${raw}"`;
}

export interface PlaygroundRunOptions {
  /** The demo's environment (VB365 already pointed at the simulator). */
  env: Env;
  cwd: string;
  sim: RunningSimulator;
  stderr(text: string): void;
}

export async function runPlayground(options: PlaygroundRunOptions): Promise<number> {
  const port = playgroundPort(options.env);
  if (typeof port === "string") {
    options.stderr(`vbo-audit demo cannot start: ${port}\n`);
    return 1;
  }
  let jobs: Jobs | undefined;
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  try {
    playground = await startPlayground({
      port,
      workspace: "vBridge",
      botName: "vbo-audit",
      command: "/vbo-audit",
      persons: PERSONS,
      members: MEMBERS,
      channels: Object.values(CHANNELS),
      controls: simulatorControls({ sim: options.sim, jobs: () => jobs, now: () => new Date() }),
    });
  } catch (err) {
    const inUse = (err as NodeJS.ErrnoException).code === "EADDRINUSE";
    options.stderr(
      inUse
        ? `vbo-audit demo cannot start: port ${port} is in use; set PORT to another one (0 picks a free port)\n`
        : `vbo-audit demo cannot start the playground: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), "vbo-audit-playground-"));
  const signingSecret = randomBytes(32).toString("hex");
  const slack = playground.slack;
  try {
    return await runBot({
      env: {
        ...options.env,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
        // Blank means unset: a real app's settings in .env must not take the bot elsewhere.
        SLACK_BOT_TOKEN_FILE: "",
        SLACK_SIGNING_SECRET_FILE: "",
        SLACK_APP_TOKEN: "",
        SLACK_APP_TOKEN_FILE: "",
        ...workspaceSettings(),
        PORT: "0",
        DATABASE_PATH: join(dir, "playground.sqlite"),
        // The terminal shows the URL; warnings and errors still come through.
        LOG_LEVEL: variableFrom(options.env, "LOG_LEVEL", { cwd: options.cwd }) ?? "warn",
      },
      cwd: options.cwd,
      host: LOOPBACK,
      name: "vbo-audit demo",
      onStarted: ({ port: botPort, jobs: started }) => {
        jobs = started;
        playground.connect({ eventsUrl: `http://${LOOPBACK}:${botPort}/slack/events`, signingSecret });
        options.stderr(
          [
            "",
            "vbo-audit playground: the bot, a simulated VB365 and a stand-in for Slack, on this machine only.",
            `  Open ${playground.url}`,
            "  Act as a requester, two approvers, a viewer or a bystander; type /vbo-audit help. Ctrl-C stops it.",
            "",
          ].join("\n"),
        );
      },
    });
  } finally {
    await playground.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
