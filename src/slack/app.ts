/**
 * The Bolt app: Socket Mode when an app token is configured (outbound only: the usual choice next
 * to a VB365 server on a private network), HTTP mode otherwise. In HTTP mode the bot's own HTTP
 * server (src/http/server.ts) verifies `POST /slack/events` and hands it to `requestListener`; Bolt's
 * own server is never started. Listeners live in ./listeners/<kind>.ts and only register handlers,
 * each through one guard (listeners/guard.ts) that answers the person whatever fails.
 */
import type { RequestListener } from "node:http";
import { App, HTTPReceiver } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { slackLogger } from "./client.ts";
import { registerActions } from "./listeners/actions.ts";
import { registerCommands } from "./listeners/commands.ts";
import type { ListenerDeps } from "./listeners/context.ts";
import { registerEvents } from "./listeners/events.ts";
import { registerOptions } from "./listeners/options.ts";
import { registerViews } from "./listeners/views.ts";

export interface SlackAppDeps {
  slack: Config["slack"];
  logLevel: Config["logLevel"];
  /** The same options as the bot's other Web API client (see client.ts). */
  clientOptions: WebClientOptions;
  listeners: ListenerDeps;
  logger: Logger;
}

export interface SlackApp {
  readonly app: App;
  readonly mode: "socket" | "http";
  /** HTTP mode: what `POST /slack/events` is handed to, once its signature is verified. */
  readonly requestListener: RequestListener | undefined;
  /** Listener runs not finished yet (a command still waiting on VB365, say). */
  inFlight(): number;
  /** Checks the bot token (`auth.test`) and, in Socket Mode, connects. */
  start(): Promise<void>;
  /** Disconnects Socket Mode; in HTTP mode the HTTP server stops taking requests instead. */
  stop(): Promise<void>;
}

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const log = deps.logger.child({ component: "slack" });
  const logger = slackLogger(log.child({ component: "bolt" }), deps.logLevel);
  const { slack } = deps;
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (slack.mode === "socket") {
    if (!slack.appToken) throw new Error("Socket Mode needs SLACK_APP_TOKEN");
    app = new App({
      token: slack.botToken,
      appToken: slack.appToken,
      socketMode: true,
      logger,
      clientOptions: deps.clientOptions,
      // The Socket Mode client takes its API URL (apps.connections.open) from here, not clientOptions.
      installerOptions: { clientOptions: deps.clientOptions },
      // The bot keeps no per-conversation state in Bolt: skip that middleware on every request.
      convoStore: false,
      deferInitialization: true,
    });
  } else {
    if (!slack.signingSecret) throw new Error("HTTP mode needs SLACK_SIGNING_SECRET");
    receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret,
      logger,
      // Answer Slack when ack() is called, and let the listener carry on with VB365 afterwards.
      processBeforeResponse: false,
      // src/http/server.ts verifies every request (src/slack/signing.ts, stricter than Bolt: future
      // timestamps too) before handing it here; one check, with one owner.
      signatureVerification: false,
    });
    app = new App({
      token: slack.botToken,
      receiver,
      logger,
      clientOptions: deps.clientOptions,
      convoStore: false,
      deferInitialization: true,
    });
  }

  let running = 0;
  app.use(async ({ body, context, next }) => {
    running++;
    const started = performance.now();
    let failed = false;
    try {
      await next();
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      running--;
      // One line per thing a person did in Slack: what, who, and how long the bot took over it. A
      // failure was logged by the listener's guard (listeners/guard.ts); its reference ties the two.
      const ref = typeof context.failedRef === "string" ? context.failedRef : undefined;
      log.info("slack request handled", {
        ...describeSlackRequest(body),
        durationMs: Math.round(performance.now() - started),
        ...(failed || ref ? { failed: true } : {}),
        ...(ref ? { ref } : {}),
      });
    }
  });
  // Listeners never throw (their guard answers and logs); this is for Bolt's own failures.
  app.error(async (error) => {
    const original = (error as { original?: unknown }).original;
    log.error("Bolt failed outside a listener", {
      error: { name: error.name, message: error.message, code: (error as { code?: unknown }).code },
      ...(original instanceof Error ? { cause: { name: original.name, message: original.message } } : {}),
    });
  });

  registerCommands(app, deps.listeners);
  registerActions(app, deps.listeners);
  registerViews(app, deps.listeners);
  registerEvents(app, deps.listeners);
  registerOptions(app, deps.listeners);

  let started = false;
  return {
    app,
    mode: slack.mode,
    requestListener: receiver?.requestListener,
    inFlight: () => running,
    async start() {
      await app.init();
      if (slack.mode === "socket") {
        await app.start();
        started = true;
      }
      log.info("slack app ready", { mode: slack.mode });
    },
    async stop() {
      if (!started) return;
      started = false;
      await app.stop();
    },
  };
}

/** What a Slack request is, for the log: its kind, the command, action or view, and the Slack user. */
function describeSlackRequest(body: unknown): { type: string; name?: string; slackUser?: string } {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const field = (v: unknown, key: string) =>
    v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  const parts = (type: string, name: unknown, user: unknown) => {
    const n = str(name);
    const u = str(user);
    return { type, ...(n ? { name: n } : {}), ...(u ? { slackUser: u } : {}) };
  };
  if (str(b.command)) return parts("command", b.command, b.user_id);
  if (b.type === "event_callback") {
    const event = b.event;
    return parts("event", field(event, "type"), field(event, "user"));
  }
  const user = field(b.user, "id");
  if (b.type === "block_actions") {
    const actions = Array.isArray(b.actions) ? b.actions : [];
    return parts("action", field(actions[0], "action_id"), user);
  }
  if (b.type === "block_suggestion") return parts("options", b.action_id, user);
  if (b.type === "view_submission" || b.type === "view_closed")
    return parts(b.type, field(b.view, "callback_id"), user);
  return parts(str(b.type) ?? "unknown", undefined, user);
}
