/**
 * The bot as a process, shared by `src/main.ts` and `src/demo.ts`: read the configuration (every
 * problem listed, nothing connected), build and start the bot with its scheduled jobs, finish the
 * approvals an earlier process left unapplied, and shut down gracefully on SIGTERM / SIGINT or an
 * uncaught exception. Unexpected errors become structured log lines; none is swallowed.
 */
import { createBot, SHUTDOWN_GRACE_MS } from "./bot.ts";
import { systemClock } from "./clock.ts";
import { type Config, loadConfig, secretsOf } from "./config.ts";
import { plural } from "./core/vocabulary.ts";
import type { Jobs } from "./jobs/scheduler.ts";
import { createLogger, type Logger } from "./logger.ts";

/**
 * Past the grace period (and the bot's short wait for cancelled work to record its outcome), a stop
 * that still has not finished is abandoned: the process exits rather than hang.
 */
const STOP_BACKSTOP_MS = SHUTDOWN_GRACE_MS + 5_000;

export interface RunOptions {
  /** The environment to configure from (`processEnvironment()`); a `.env` in `cwd` is read too. */
  env: Record<string, string | undefined>;
  cwd: string;
  /** How the "cannot start" line names the program. */
  name?: string;
  /** Where configuration problems go; default stderr (the logger is not set up yet). */
  stderr?: (text: string) => void;
  /** Listen address of the HTTP server; default all interfaces (the demo's playground: 127.0.0.1). */
  host?: string;
  /** Called once the bot is up, e.g. for the demo to say where its simulator is. */
  onStarted?: (started: { port: number; config: Config; logger: Logger; jobs: Jobs | undefined }) => void;
}

/** Why the process stops, and with which exit code. */
export interface StopReason {
  reason: string;
  code: number;
}

/**
 * Runs the bot until a signal or an uncaught exception, then stops it. Resolves with the exit code:
 * 0 after a signal, 1 when it could not start or an uncaught exception stopped it. Installs process
 * handlers for the duration and removes them before resolving.
 */
export async function runBot(options: RunOptions): Promise<number> {
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const name = options.name ?? "vbo-audit";
  const loaded = loadConfig(options.env, { cwd: options.cwd });
  if (!loaded.ok) {
    // Problem lines name variables, never values: config.ts keeps secrets out of them.
    const count = loaded.problems.length;
    stderr(`${name} cannot start: ${plural(count, "configuration problem")}\n`);
    for (const problem of loaded.problems) stderr(`  ${problem}\n`);
    return 1;
  }
  const { config } = loaded;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), clock: systemClock });
  for (const warning of loaded.warnings) logger.warn(warning);

  const stopping = stopRequests(logger);
  const fatal = fatalErrorHandlers(logger, stopping.request);
  const onSigterm = () => stopping.request({ reason: "SIGTERM", code: 0 });
  const onSigint = () => stopping.request({ reason: "SIGINT", code: 0 });
  process.on("unhandledRejection", fatal.unhandledRejection);
  process.on("uncaughtException", fatal.uncaughtException);
  process.on("SIGTERM", onSigterm);
  process.on("SIGINT", onSigint);
  try {
    let bot: ReturnType<typeof createBot>;
    try {
      bot = createBot({
        config,
        logger,
        ...(options.host === undefined ? {} : { host: options.host }),
        shutdownGraceMs: SHUTDOWN_GRACE_MS,
      });
    } catch (err) {
      logger.error(`${name} could not be set up`, { error: err });
      return 1;
    }

    try {
      const { port } = await bot.start();
      options.onStarted?.({ port, config, logger, jobs: bot.jobs });
    } catch (err) {
      logger.error(`${name} could not start`, { error: err });
      await bot.stop();
      return 1;
    }
    // An approval whose apply an earlier process did not finish (it was stopped or crashed
    // mid-call) is applied now rather than at the next minute's tick.
    bot.jobs?.runNow("retry-applies").then(
      (result) => logger.info("approved requests left unapplied: checked at start", { ...result }),
      (err: unknown) => logger.error("checking approved requests at start failed", { error: err }),
    );

    // Runs until asked to stop: the HTTP server and the Slack connection keep the process alive.
    const stop = await stopping.requested;
    logger.info("shutting down", { reason: stop.reason, graceMs: SHUTDOWN_GRACE_MS });
    const backstop = setTimeout(() => {
      logger.error("shutdown did not finish in time: exiting without it", { reason: stop.reason });
      process.exit(1);
    }, STOP_BACKSTOP_MS);
    backstop.unref();
    await bot.stop();
    clearTimeout(backstop);
    return stopping.code();
  } finally {
    process.off("unhandledRejection", fatal.unhandledRejection);
    process.off("uncaughtException", fatal.uncaughtException);
    process.off("SIGTERM", onSigterm);
    process.off("SIGINT", onSigint);
  }
}

interface StopRequests {
  /** Resolves with the first request to stop. */
  readonly requested: Promise<StopReason>;
  request(stop: StopReason): void;
  /** The exit code: non-zero when any request to stop was for a failure. */
  code(): number;
}

/**
 * The first request to stop starts the shutdown. A second signal means "now": the process exits
 * without waiting. A failure during the shutdown only makes the exit code non-zero.
 */
function stopRequests(logger: Logger): StopRequests {
  let first: StopReason | undefined;
  let code = 0;
  let resolve: (stop: StopReason) => void = () => {};
  const requested = new Promise<StopReason>((r) => {
    resolve = r;
  });
  return {
    requested,
    request(stop) {
      code = Math.max(code, stop.code);
      if (first === undefined) {
        first = stop;
        resolve(stop);
        return;
      }
      if (stop.reason.startsWith("SIG")) {
        logger.warn("second signal: exiting without waiting", { signal: stop.reason });
        process.exit(1);
      }
    },
    code: () => code,
  };
}

/**
 * What the process does with errors nothing else caught. A rejected promise nobody handled is a
 * bug worth an error line, but the bot carries on. An uncaught exception leaves the process in an
 * unknown state: it is logged, and the bot shuts down (as for a signal) and exits non-zero.
 */
export function fatalErrorHandlers(
  logger: Logger,
  requestStop: (stop: StopReason) => void,
): {
  unhandledRejection: (reason: unknown) => void;
  uncaughtException: (err: Error, origin: string) => void;
} {
  return {
    unhandledRejection: (reason) => {
      logger.error("unhandled promise rejection", { error: reason });
    },
    uncaughtException: (err, origin) => {
      logger.error("uncaught exception: shutting down", { error: err, origin });
      requestStop({ reason: "uncaughtException", code: 1 });
    },
  };
}
