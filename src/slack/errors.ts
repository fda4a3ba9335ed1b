/**
 * Slack Web API failures as one safe shape: the method and Slack's error code (`channel_not_found`,
 * `ratelimited`, …), never a token or a request body. Every caller of the Web API logs these and
 * carries on: the store is the truth, and a later change re-renders what a failure left behind.
 */
import { ErrorCode } from "@slack/web-api";

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

/** The code of a Web API failure, without anything a message or a log line should not carry. */
export function slackErrorCode(err: unknown): string {
  if (err instanceof SlackCallError) return err.slackError;
  if (typeof err !== "object" || err === null) return "unknown_error";
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown };
  switch (e.code) {
    case ErrorCode.PlatformError:
      return typeof e.data?.error === "string" ? e.data.error : "platform_error";
    case ErrorCode.RateLimitedError:
      return "ratelimited";
    case ErrorCode.HTTPError:
      return typeof e.statusCode === "number" ? `http_${e.statusCode}` : "http_error";
    case ErrorCode.RequestError:
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
