/**
 * The process: read the configuration (refusing to start, with every problem listed, before
 * connecting anywhere), build the bot, start it, and shut it down gracefully on SIGTERM / SIGINT.
 * Everything else is in `createBot` (src/bot.ts), which tests and the demo run in-process.
 */
import { createBot } from "./bot.ts";
import { systemClock } from "./clock.ts";
import { loadConfig, processEnvironment, secretsOf } from "./config.ts";
import { createJobs } from "./jobs/scheduler.ts";
import { createLogger } from "./logger.ts";

/** How long a signal waits for work in flight before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<number> {
  const loaded = loadConfig(processEnvironment(), { cwd: process.cwd() });
  if (!loaded.ok) {
    // Problem lines name variables, never values: config.ts keeps secrets out of them.
    process.stderr.write(
      `vbo-audit cannot start: ${loaded.problems.length} configuration problem${loaded.problems.length === 1 ? "" : "s"}\n`,
    );
    for (const problem of loaded.problems) process.stderr.write(`  ${problem}\n`);
    return 1;
  }
  const { config } = loaded;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), clock: systemClock });
  for (const warning of loaded.warnings) logger.warn(warning);

  let bot: ReturnType<typeof createBot>;
  try {
    bot = createBot({
      config,
      logger,
      shutdownGraceMs: SHUTDOWN_GRACE_MS,
      // The digest, reminders, expiry, retries, directory sync and access alerts.
      jobs: (context) =>
        createJobs({ ...context, roster: context.approvers, options: { stopTimeoutMs: SHUTDOWN_GRACE_MS } }),
    });
  } catch (err) {
    logger.error("vbo-audit could not be set up", { error: err });
    return 1;
  }

  let received: string | undefined;
  let onSignal: (signal: string) => void = () => {};
  const signalled = new Promise<string>((resolve) => {
    onSignal = resolve;
  });
  const shutdown = (signal: string) => {
    if (received !== undefined) {
      logger.warn("second signal: exiting without waiting", { signal });
      process.exit(1);
    }
    received = signal;
    onSignal(signal);
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  try {
    await bot.start();
  } catch (err) {
    logger.error("vbo-audit could not start", { error: err });
    await bot.stop();
    return 1;
  }
  // Runs until a signal: the HTTP server and the Slack connection keep the process alive.
  const signal = await signalled;
  logger.info("signal received: shutting down", { signal });
  await bot.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`vbo-audit failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
