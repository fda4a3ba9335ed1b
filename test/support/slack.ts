/**
 * The Slack stand-in (src/devslack, a real HTTP server on 127.0.0.1) with the stories' people and
 * channels, a Web API client pointed at it, and readers of what a message shows.
 */
import type { TestContext } from "node:test";
import { WebClient } from "@slack/web-api";
import { createDevSlack, type DevSlack, type DevSlackOptions } from "../../src/devslack/index.ts";
import { ALERTS, APPROVALS, BOSS, DEPUTY, DIGEST, REQUESTER, STRANGER } from "./actors.ts";

export async function startFakeSlack(t: TestContext, options: DevSlackOptions = {}): Promise<DevSlack> {
  const fake = await createDevSlack({
    channels: [APPROVALS, DIGEST, ALERTS],
    users: [
      { id: REQUESTER, name: "rita", email: "rita@example.com" },
      { id: BOSS, name: "boss", email: "boss@example.com" },
      { id: DEPUTY, name: "deputy", email: "deputy@example.com" },
      { id: STRANGER, name: "stranger", email: "stranger@example.com" },
    ],
    ...options,
  });
  t.after(() => fake.close());
  return fake;
}

/** A Web API client for the fake: no retries, a short timeout, so a refusal shows at once. */
export function webClientFor(fake: DevSlack): WebClient {
  return new WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    timeout: 5_000,
    rejectRateLimitedCalls: true,
  });
}

/** Every text a message shows: its fallback and the text objects of its blocks, joined ("" for none). */
export function shownText(message: { text?: string | undefined; blocks?: unknown } | undefined): string {
  if (!message) return "";
  const parts: string[] = [message.text ?? ""];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        if (key === "text" && typeof v === "string") parts.push(v);
        else walk(v);
      }
    }
  };
  walk(message.blocks);
  return parts.join("\n");
}

/** The `action_id`s of every button in `blocks`. */
export function buttonsIn(blocks: unknown): Array<{ actionId: string; value: string | undefined }> {
  const out: Array<{ actionId: string; value: string | undefined }> = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record.type === "button" && typeof record.action_id === "string") {
        out.push({
          actionId: record.action_id,
          value: typeof record.value === "string" ? record.value : undefined,
        });
      }
      for (const v of Object.values(record)) walk(v);
    }
  };
  walk(blocks);
  return out;
}

/** The value of the first button with this `action_id` in `blocks` that carries one. */
export function findButton(blocks: unknown, actionId: string): string | undefined {
  return buttonsIn(blocks).find((b) => b.actionId === actionId && b.value !== undefined)?.value;
}
