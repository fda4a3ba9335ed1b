/**
 * The composition root as a function: `createBot(options)` builds every part of the bot from a
 * `Config` (database, VB365 client, resolver, request lifecycle, Slack app, HTTP server) and wires
 * them together; `start()` connects and listens, `stop()` shuts down in order. `src/main.ts` runs it
 * for real; end-to-end tests, `npm run demo` and the benchmark run it in-process.
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
import { createResolver, type Resolver } from "./core/directory/resolver.ts";
import { createOrganizations, type Organizations } from "./core/organizations.ts";
import { createQueries, type Queries } from "./core/queries/queries.ts";
import { policyFromConfig } from "./core/requests/decide.ts";
import { type Commands, createCommands } from "./core/requests/flows.ts";
import { RequestService, type RetryPolicy } from "./core/requests/lifecycle.ts";
import type { ChatOut, DigestPoster, RequestNotifier } from "./core/requests/ports.ts";
import { describeError } from "./errors.ts";
import { createHttpServer } from "./http/server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createSlackApp, type SlackApp } from "./slack/app.ts";
import { type Approvers, createApprovers } from "./slack/approvers.ts";
import { createChatOut } from "./slack/chat.ts";
import { createWebClient, webClientOptions } from "./slack/client.ts";
import { createRequestNotifier } from "./slack/notifier.ts";
import { createMemberProfiles } from "./slack/profiles.ts";
import { ChoiceRepository } from "./store/choices.ts";
import { createStore, openDatabase, type Store } from "./store/index.ts";
import { NotificationQueue } from "./store/jobs.ts";
import { createVboClient, type VboClient, type VboClientOptions } from "./vbo/client.ts";
import { createDispatcher } from "./vbo/tls.ts";

/** Everything the bot is made of, for jobs (the digest, reminders, retries) and for tests. */
export interface BotContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  store: Store;
  vbo: VboClient;
  web: WebClient;
  chat: ChatOut;
  notifier: RequestNotifier;
  requests: RequestService;
  resolver: Resolver;
  organizations: Organizations;
  approvers: Approvers;
}

/** Scheduled jobs, started once the bot is connected and stopped first at shutdown. */
export interface JobsHandle {
  start(): void | Promise<void>;
  stop(): Promise<void>;
  /** The digest on demand, when the jobs provide it (used unless `BotOptions.digest` is given). */
  readonly digest?: DigestPoster;
}

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
  /** Backoff of failed applies. */
  retry?: Partial<RetryPolicy>;
  /** Builds the digest poster from the bot's parts; without it `/vbo-audit digest` says it is not available. */
  digest?: (context: BotContext) => DigestPoster;
  /** Builds the scheduled jobs from the bot's parts (src/jobs `createJobs`). */
  jobs?: (context: BotContext) => JobsHandle;
  /** How long `stop()` waits for work in flight before closing anyway; default 10 s. */
  shutdownGraceMs?: number;
}

export interface Bot {
  readonly context: BotContext;
  readonly commands: Commands;
  readonly queries: Queries;
  readonly slack: SlackApp;
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  /** Settles when background work started so far (re-renders, directory syncs) has finished. */
  idle(): Promise<void>;
}

export function createBot(options: BotOptions): Bot {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config), clock });

  const db = openDatabase(config.databasePath, { logger });
  const store = createStore(db);
  const dispatcher = createDispatcher(config.vbo, logger);
  const vbo = createVboClient({
    baseUrl: config.vbo.url,
    username: config.vbo.username,
    password: config.vbo.password,
    apiVersion: config.vbo.apiVersion,
    dispatcher,
    logger,
    clock,
    ...options.vboClientOptions,
  });

  const clientOptions = webClientOptions(config.slack, logger, config.logLevel, options.slackClientOptions);
  const web = createWebClient(config.slack, logger, config.logLevel, options.slackClientOptions);
  const chat = createChatOut(web, logger);
  const approvers = createApprovers({ web, config: config.approvals, clock, logger });
  const profiles = createMemberProfiles({ web, clock, logger });
  const notifier = createRequestNotifier({ web, store, chat, config: config.approvals, clock, logger });
  const requests = new RequestService({
    store,
    vbo,
    approvers,
    policy: policyFromConfig(config.approvals),
    clock,
    logger,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const resolver = createResolver({ vbo, directory: store.directory, clock, logger });
  const organizations = createOrganizations({
    vbo,
    clock,
    logger,
    defaultOrganization: config.vbo.organization,
  });
  const queries = createQueries({
    organizations,
    resolver,
    profiles,
    approvers,
    store,
    vbo,
    vboSettings: { url: config.vbo.url, apiVersion: config.vbo.apiVersion },
    clock,
    logger,
  });

  const context: BotContext = {
    config,
    clock,
    logger,
    store,
    vbo,
    web,
    chat,
    notifier,
    requests,
    resolver,
    organizations,
    approvers,
  };
  const jobs = options.jobs?.(context);
  // The jobs' own retry queue: the jobs drain it, whoever failed to re-render.
  const notifications = new NotificationQueue(db);
  const commands = createCommands({
    organizations,
    resolver,
    requests,
    notifier,
    rerenders: {
      enqueue: (requestId, error) => notifications.enqueue(requestId, clock.now(), describeError(error)),
    },
    profiles,
    choices: new ChoiceRepository(db),
    approvers,
    digest: options.digest?.(context) ?? jobs?.digest,
    clock,
    logger,
  });

  const slack = createSlackApp({
    slack: config.slack,
    logLevel: config.logLevel,
    clientOptions,
    logger,
    listeners: {
      commands,
      queries,
      web,
      approvals: config.approvals,
      digestChannelId: config.digest.channelId,
      logger,
    },
  });
  const http = createHttpServer({
    port: config.port,
    host: options.host,
    clock,
    logger,
    readiness: () => queries.readiness(),
    slack:
      slack.requestListener && config.slack.signingSecret
        ? { events: slack.requestListener, signingSecret: config.slack.signingSecret }
        : undefined,
  });
  const graceMs = options.shutdownGraceMs ?? 10_000;

  let state: "new" | "started" | "stopped" = "new";
  const idle = async () => {
    await commands.idle();
    await resolver.idle();
  };
  /** Waits up to `ms` for Slack listeners and the background work they started to finish. */
  const drain = async (ms: number) => {
    const until = performance.now() + ms;
    while (slack.inFlight() > 0 && performance.now() < until) await sleep(25);
    await within(Math.max(0, until - performance.now()), idle());
  };

  return {
    context,
    commands,
    queries,
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
      await settle(logger, "closing the VB365 client", () => vbo.close());
      if (wasStarted) {
        await drain(RECORD_AFTER_CANCEL_MS);
        if (slack.inFlight() > 0)
          logger.warn("stopping with Slack work still in flight", { count: slack.inFlight() });
      }
      await settle(logger, "closing the VB365 connections", () => dispatcher.close());
      try {
        db.close();
      } catch (err) {
        logger.error("closing the database failed", { error: err });
      }
      logger.info("vbo-audit stopped");
    },
  };
}

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
