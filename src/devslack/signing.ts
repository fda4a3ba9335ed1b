/**
 * Signs requests to the bot the way Slack does, so the tests, the benchmark and the playground reach
 * `POST /slack/events` through the bot's real verification. Written independently of
 * src/slack/signing.ts (the bot's own check) so that a bug there cannot hide itself.
 */
import { createHmac } from "node:crypto";

export interface SlackRequestHeaders {
  "content-type": string;
  "x-slack-request-timestamp": string;
  "x-slack-signature": string;
  [name: string]: string;
}

/**
 * Headers for a request carrying `body`, signed with `secret` at `timestampSeconds`. The content type
 * follows the body: Events API deliveries are JSON, slash commands and interactions are form-encoded.
 */
export function signSlackRequest(
  secret: string,
  body: string,
  timestampSeconds: number,
): SlackRequestHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return {
    "content-type": body.trimStart().startsWith("{")
      ? "application/json"
      : "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": signature,
  };
}

/** A form-encoded body, as Slack sends slash commands. */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** A form-encoded interaction body (`payload=<json>`), as Slack sends button clicks and view submissions. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
