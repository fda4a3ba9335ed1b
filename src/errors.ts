/**
 * The bot's errors in one place: the typed errors its parts throw across their boundaries (the
 * store's, Slack's; VB365's own `VboError` lives with the client in src/vbo/errors.ts), and the one
 * function that turns any failure into a line safe to show a person, keep in a row or put in a log
 * summary: never a stack, a response body, a token or a password.
 */
import { randomBytes } from "node:crypto";
import { isVboError } from "./vbo/errors.ts";

export { isVboError, VboError } from "./vbo/errors.ts";

/**
 * The store could not do what it was asked. src/store throws this instead of SQLite's own errors,
 * so nothing above the store reads SQLite codes.
 */
export class StoreError extends Error {
  override readonly name = "StoreError";
  /**
   * `conflict`: a uniqueness rule refused the row (a second open request for one principal);
   * `busy`: another connection held the database too long; `closed`: the database is not open;
   * `failed`: anything else (disk, corruption, a refused write).
   */
  readonly kind: "conflict" | "busy" | "closed" | "failed";
  /** SQLite's code (`SQLITE_BUSY`, …) for the logs; `closed` when there was no connection. */
  readonly code: string;

  constructor(kind: StoreError["kind"], code: string, cause?: unknown) {
    super(`the database failed (${code})`, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.code = code;
  }
}

export const isStoreError = (err: unknown): err is StoreError => err instanceof StoreError;

/** A Slack Web API call failed: the method and Slack's error code, never a token or a body. */
export class SlackCallError extends Error {
  override readonly name = "SlackCallError";
  readonly method: string;
  /** Slack's error code, or `http_<status>` / `request_failed` / `ratelimited` when Slack gave none. */
  readonly slackError: string;

  constructor(method: string, slackError: string, cause?: unknown) {
    super(`Slack ${method} failed: ${slackError}`, cause === undefined ? undefined : { cause });
    this.method = method;
    this.slackError = slackError;
  }
}

// The codes of @slack/web-api's ErrorCode, spelled out so that this module loads no Slack SDK.
const SLACK_PLATFORM_ERROR = "slack_webapi_platform_error";
const SLACK_RATE_LIMITED = "slack_webapi_rate_limited_error";
const SLACK_HTTP_ERROR = "slack_webapi_http_error";
const SLACK_REQUEST_ERROR = "slack_webapi_request_error";

/** The code of a Web API failure (`channel_not_found`, `ratelimited`, …), and nothing else of it. */
export function slackErrorCode(err: unknown): string {
  if (err instanceof SlackCallError) return err.slackError;
  if (typeof err !== "object" || err === null) return "unknown_error";
  const e = err as {
    code?: unknown;
    data?: { error?: unknown };
    statusCode?: unknown;
    response?: { status?: unknown };
    isAxiosError?: unknown;
  };
  // `respond()` (a response URL) fails with the HTTP library's error, not the Web API's.
  if (e.isAxiosError === true) {
    return typeof e.response?.status === "number" ? `http_${e.response.status}` : "request_failed";
  }
  switch (e.code) {
    case SLACK_PLATFORM_ERROR:
      return typeof e.data?.error === "string" ? e.data.error : "platform_error";
    case SLACK_RATE_LIMITED:
      return "ratelimited";
    case SLACK_HTTP_ERROR:
      return typeof e.statusCode === "number" ? `http_${e.statusCode}` : "http_error";
    case SLACK_REQUEST_ERROR:
      return "request_failed";
    default:
      return err instanceof Error && err.name === "AbortError" ? "timeout" : "unknown_error";
  }
}

/** Runs one Web API call; a failure becomes a `SlackCallError` naming the method and Slack's code. */
export async function callSlack<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new SlackCallError(method, slackErrorCode(err), err);
  }
}

/**
 * Any failure as one line fit for `job_runs`, a stored `last_error`, a log summary or a Slack
 * message: VB365's own safe description, Slack's error code, the store's code.
 */
export function describeError(err: unknown): string {
  if (isVboError(err)) return err.describe();
  if (err instanceof SlackCallError) return `Slack: ${err.slackError}`;
  if (err instanceof StoreError) return `database: ${err.code}`;
  if (typeof err === "object" && err !== null) {
    const e = err as { code?: unknown; data?: { error?: unknown } };
    if (typeof e.data?.error === "string") return `Slack: ${e.data.error}`;
    if (typeof e.code === "string" && e.code.startsWith("slack_")) return `Slack: ${slackErrorCode(err)}`;
  }
  return "unexpected error (see the bot's logs)";
}

/** Which part failed, for an answer that says what happened and whether anything changed. */
export type FailureKind = "database" | "vbo" | "slack" | "unexpected";

export function failureKind(err: unknown): FailureKind {
  if (isStoreError(err)) return "database";
  if (isVboError(err)) return "vbo";
  if (err instanceof SlackCallError) return "slack";
  return "unexpected";
}

/**
 * A short reference that ties an answer a person got to the one log line about its failure: they
 * quote it, the operator greps for it.
 */
export function newErrorRef(): string {
  return randomBytes(4).toString("hex");
}
