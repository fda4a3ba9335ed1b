/**
 * The Slack Web API client, configured deliberately: the API URL from config (proxies, test
 * servers), a timeout on every call (the library's default is none), a few quick retries (its
 * default retries for half an hour, far longer than any Slack interaction waits), and the bot's own
 * structured logger. Bolt's client and the notifier's share these options.
 */
import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { Config } from "../config.ts";
import type { Logger, LogLevel as OurLevel } from "../logger.ts";

const LEVELS: Record<OurLevel, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

export function webClientOptions(
  slack: Pick<Config["slack"], "apiUrl">,
  logger: Logger,
  level: OurLevel,
  overrides: WebClientOptions = {},
): WebClientOptions {
  return {
    slackApiUrl: slack.apiUrl,
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 3_000, randomize: true },
    logger: slackLogger(logger.child({ component: "slack-web-api" }), level),
    ...overrides,
  };
}

export function createWebClient(
  slack: Pick<Config["slack"], "apiUrl" | "botToken">,
  logger: Logger,
  level: OurLevel,
  overrides: WebClientOptions = {},
): WebClient {
  return new WebClient(slack.botToken, webClientOptions(slack, logger, level, overrides));
}

/**
 * Our logger in the shape Bolt and the Slack SDKs expect. They log free-form arguments; these
 * become one message (errors by name and message only: their payloads may hold request bodies).
 *
 * Their debug lines are dropped, whatever LOG_LEVEL says: they carry whole bodies as text (the
 * Socket Mode client every payload, with the verification token, a `response_url` that can post
 * for 30 minutes and a `trigger_id`; the Web API client every message it sends, with people's
 * reasons), which no key-based redaction can reach. The bot logs its own one-line summary of each
 * Slack request instead (app.ts).
 */
export function slackLogger(logger: Logger, level: OurLevel): SlackLogger {
  const atMostInfo = (l: LogLevel) => (l === LogLevel.DEBUG ? LogLevel.INFO : l);
  let current = atMostInfo(LEVELS[level]);
  const text = (args: unknown[]) =>
    args
      .map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === "string" ? a : safeJson(a)))
      .join(" ")
      .slice(0, 2_000);
  return {
    debug: () => {},
    info: (...args) => logger.info(text(args)),
    warn: (...args) => logger.warn(text(args)),
    error: (...args) => logger.error(text(args)),
    setLevel: (l) => {
      current = atMostInfo(l);
    },
    getLevel: () => current,
    setName: () => {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
