/**
 * The composition root as a function: `createBot(options)` builds every part of the bot from a
 * `Config` and wires them together, here and nowhere else: the store (`createStore`), the VB365
 * client, the Slack adapters of the core's ports (notifiers, approvers, members' profiles), the
 * core itself (`createCore`), the scheduled jobs, the Slack app and the HTTP server. `start()`
 * connects and listens, `stop()` shuts down in order. `src/lifecycle.ts` runs it as a process;
 * end-to-end tests, `npm run demo` and the benchmark run it in-process.
 *
 * Start: the database is opened (and migrated) here, so a bad database fails before anything
 * connects; `start()` then checks the Slack token, listens, connects Socket Mode and starts jobs.
 * Stop: stop taking work (jobs, HTTP, Socket Mode), let work in flight finish within one grace
 * period, then cancel the VB365 calls still running (the work they belong to records its outcome:
 * an interrupted apply stays approved and is retried), and close the connections and the database.
 */
import type { WebClient, WebClientOptions } from "@slack/web-api";
import { type Clock, sleep, systemClock } from "./clock.ts";
import { type Config, secretsOf } from "./config.ts";
import { type Core, type CoreSettings, createCore } from "./core/index.ts";
import { policyFromConfig } from "./core/requests/decide.ts";
import type { Approvers } from "./core/requests/ports.ts";
import { type Routing, routingFromRoutes, singleRoute } from "./core/routing.ts";
import { createFleet } from "./core/servers.ts";
import { EVERYONE, type Viewers } from "./core/visibility.ts";
import { createHttpServer } from "./http/server.ts";
import { createJobs, type JobOptions, type Jobs } from "./jobs/scheduler.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createSlackApp, type SlackApp } from "./slack/app.ts";
import { createApprovers, createViewers } from "./slack/approvers.ts";
import { createChatOut } from "./slack/chat.ts";
import { createWebClient, webClientOptions } from "./slack/client.ts";
import { createAlertNotifier } from "./slack/notifiers/alerts.ts";
import { createDigestNotifier } from "./slack/notifiers/digest.ts";
import { createRequestNotifier } from "./slack/notifiers/requests.ts";
import { createMemberProfiles } from "./slack/profiles.ts";
import { createStore, openDatabase, type Store } from "./store/index.ts";
import { createVboClient, type VboClient, type VboClientOptions } from "./vbo/client.ts";
import { createDispatchers } from "./vbo/tls.ts";

export interface BotOptions {
  config: Config;
  clock?: Clock;
  /** Default: JSON lines on stdout at `config.logLevel`, with the configured secrets scrubbed. */
  logger?: Logger;
  /** Listen address of the HTTP server; default all interfaces. Tests use 127.0.0.1. */
  host?: string;
  /** Overrides for both Slack Web API clients, e.g. `{ retryConfig: { retries: 0 } }` in tests. */
  slackClientOptions?: WebClientOptions;
  /** Overrides for the VB365 client (timeouts, retries). */
  vboClientOptions?: Partial<VboClientOptions>;
  /** Settings of the core beyond the configuration (backoff of applies, reminder hours, the watcher). */
  core?: Omit<CoreSettings, "defaultOrganization" | "vbo" | "maxOpenRequestsPerUser">;
  /**
   * The scheduled jobs (the digest, reminders, expiry, retries, directory sync, access alerts):
   * their options, or false for none (then `/vbo-audit digest` says it is not available).
   */
  jobs?: JobOptions | false;
  /** How long `stop()` waits for work in flight before closing anyway; default 10 s. */
  shutdownGraceMs?: number;
}

export interface Bot {
  readonly config: Config;
  readonly clock: Clock;
  readonly store: Store;
  readonly vbo: VboClient;
  readonly web: WebClient;
  readonly core: Core;
  /** Undefined when built with `jobs: false`. */
  readonly jobs: Jobs | undefined;
  readonly slack: SlackApp;
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  /** Settles when background work started so far (re-renders, directory syncs) has finished. */
  idle(): Promise<void>;
}

/**
 * The one route of today's configuration: every organization's requests, digest and alerts, its
 * approvers, and its viewers (everyone, with `AUDIT_VISIBILITY=everyone`).
 */
export function routingFromConfig(
  config: Pick<Config, "approvals" | "digest" | "alerts" | "visibility">,
  people: { approvers: Approvers; viewers: Viewers },
): Routing {
  return singleRoute({
    name: "default",
    policy: policyFromConfig(config.approvals),
    approvers: people.approvers,
    viewers: config.visibility.audit === "everyone" ? EVERYONE : people.viewers,
    destinations: {
      approvals: config.approvals.channelId,
      digest: config.digest.channelId,
      alerts: config.alerts.channelId,
    },
  });
}

export function createBot(options: BotOptions): Bot {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config), clock });

  const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;

  const db = openDatabase(config.databasePath, { logger });
  let store: Store;
  try {
    store = createStore(db, { log: { key: config.log.hmacKey } });
    // With a key, the log records where keying starts before anything else is written.
    const keyed = store.log.startKeying(clock.now());
    if (keyed) logger.info("the approval log is keyed from here on", { seq: keyed.id });
  } catch (err) {
    db.close();
    throw err;
  }
  // One client per VB365 server: its own token, version, TLS trust, connections and health.
  const servers = config.servers.map((server) => {
    const pools = createDispatchers(server, logger.child({ server: server.name }));
    const client = createVboClient({
      baseUrl: server.url,
      username: server.username,
      password: server.password,
      apiVersion: server.apiVersion,
      dispatcher: pools.reads,
      applyDispatcher: pools.applies,
      logger: logger.child({ server: server.name }),
      clock,
      ...options.vboClientOptions,
    });
    return { server, pools, client };
  });
  const fleet = createFleet(
    servers.map(({ server, client }) => ({
      name: server.name,
      vbo: client,
      url: server.url,
      apiVersion: server.apiVersion,
    })),
    logger,
  );
  const vbo = (servers[0] as (typeof servers)[number]).client;

  const clientOptions = webClientOptions(config.slack, logger, config.logLevel, options.slackClientOptions);
  const web = createWebClient(config.slack, logger, config.logLevel, options.slackClientOptions);
  const chat = createChatOut(web, logger);
  // Each route's approvers and viewers, read from Slack and cached on their own.
  const routing = routingFromRoutes(config, (route) => ({
    approvers: createApprovers({ web, config: route.approvals, clock, logger }),
    viewers: createViewers({ web, config: route.visibility, clock, logger }),
  }));
  const timeZone = config.digest.timezone;
  const core = createCore({
    store,
    vbo: fleet,
    routing,
    notifiers: {
      requests: createRequestNotifier({ web, store, chat, routing, clock, logger }),
      digest: createDigestNotifier({ chat, timeZone }),
      alerts: createAlertNotifier({ chat, timeZone }),
    },
    profiles: createMemberProfiles({ web, clock }),
    clock,
    logger,
    settings: {
      ...options.core,
      retry: {
        maxDefiniteFailures: config.applies.maxDefiniteFailures,
        maxAgeMs: Math.round(config.applies.maxAgeHours * 3_600_000),
        ...options.core?.retry,
      },
      defaultOrganization: config.vbo.organization,
      maxOpenRequestsPerUser: config.approvals.maxOpenRequestsPerUser,
      vbo: { url: config.vbo.url, apiVersion: config.vbo.apiVersion },
    },
  });
  const jobs =
    options.jobs === false
      ? undefined
      : createJobs({
          core,
          store,
          schedule: { digestCron: config.digest.cron, timezone: timeZone },
          clock,
          logger,
          options: { stopTimeoutMs: graceMs, ...options.jobs },
        });

  const slack = createSlackApp({
    slack: config.slack,
    logLevel: config.logLevel,
    clientOptions,
    logger,
    listeners: { core, digest: jobs?.digest, web, logger },
  });
  const http = createHttpServer({
    port: config.port,
    host: options.host,
    clock,
    logger,
    readiness: () => core.queries.readiness(),
    slack:
      slack.requestListener && config.slack.signingSecret
        ? { events: slack.requestListener, signingSecret: config.slack.signingSecret }
        : undefined,
  });

  let state: "new" | "started" | "stopped" = "new";
  const idle = () => core.idle();
  /** Waits up to `ms` for Slack listeners and the background work they started to finish. */
  const drain = async (ms: number) => {
    const until = performance.now() + ms;
    while (slack.inFlight() > 0 && performance.now() < until) await sleep(25);
    await within(Math.max(0, until - performance.now()), idle());
  };

  return {
    config,
    clock,
    store,
    vbo,
    web,
    core,
    jobs,
    slack,
    idle,
    async start() {
      if (state !== "new") throw new Error(`the bot cannot start: it is ${state}`);
      state = "started";
      await slack.start();
      const { port } = await http.start();
      await jobs?.start();
      logger.info("vbo-audit started", {
        mode: config.slack.mode,
        port,
        vboUrl: config.vbo.url,
        vboApiVersion: config.vbo.apiVersion,
        approvalsChannel: config.approvals.channelId,
        requiredApprovals: config.approvals.requiredApprovals,
      });
      return { port };
    },
    async stop() {
      if (state === "stopped") return;
      const wasStarted = state === "started";
      state = "stopped";
      logger.info("vbo-audit stopping", { graceMs });
      // One budget for the whole stop, real time whatever the bot's clock says: it bounds how long
      // the process lingers after a signal (a container runtime kills it soon after).
      const now = () => performance.now();
      const deadline = now() + graceMs;
      const left = () => Math.max(0, deadline - now());
      if (wasStarted) {
        // Stop taking work: no new job runs, no new Slack requests.
        await settle(logger, "stopping jobs", () => within(left(), jobs?.stop() ?? Promise.resolve()));
        await settle(logger, "stopping the HTTP server", () => http.stop(left()));
        await settle(logger, "disconnecting from Slack", () => slack.stop());
        // Work in flight (a command waiting on VB365, an apply) may finish, up to the bound.
        await drain(left());
        if (slack.inFlight() > 0)
          logger.warn("grace period over: cancelling VB365 calls still in flight", {
            count: slack.inFlight(),
            graceMs,
          });
      }
      // Cancels VB365 calls still running. Work cut short then records its outcome (an apply
      // becomes apply_failed, to be retried) while the database is still open.
      await settle(logger, "closing the VB365 clients", () =>
        Promise.all(servers.map(({ client }) => client.close())).then(() => undefined),
      );
      if (wasStarted) {
        await drain(RECORD_AFTER_CANCEL_MS);
        if (slack.inFlight() > 0)
          logger.warn("stopping with Slack work still in flight", { count: slack.inFlight() });
      }
      await settle(logger, "closing the VB365 connections", () =>
        Promise.all(servers.map(({ pools }) => pools.close())).then(() => undefined),
      );
      try {
        db.close();
      } catch (err) {
        logger.error("closing the database failed", { error: err });
      }
      logger.info("vbo-audit stopped");
    },
  };
}

/** How long a shutdown waits for work in flight (an apply, a command waiting on VB365) before cancelling it. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** After cancelling VB365 calls: how long the work they belonged to gets to record its outcome. */
const RECORD_AFTER_CANCEL_MS = 2_000;

/** Settles when `promise` does or after `ms`, whichever comes first; never rejects. */
async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  // The timer is cleared, not left running: a stopped bot must not hold its process open.
  await Promise.race([promise.catch(() => undefined), elapsed]);
  clearTimeout(timer);
}

async function settle(logger: Logger, what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    logger.warn(`${what} failed`, { error: err });
  }
}
