/**
 * Fixtures for tests of the Slack side: the fake Slack (real HTTP), a Web API client pointed at it
 * with retries off, a real SQLite store with the real migrations, a clock the test moves, and a
 * builder for stored requests with partial overrides.
 */
import type { TestContext } from "node:test";
import { WebClient } from "@slack/web-api";
import type { Clock } from "../../src/clock.ts";
import type { Request } from "../../src/core/types.ts";
import { createDevSlack, type DevSlack, type DevSlackOptions } from "../../src/devslack/index.ts";
import { SEED } from "../../src/sim/types.ts";
import type { NewRequest, Store } from "../../src/store/index.ts";
import type { PrincipalRef } from "../../src/vbo/schemas.ts";
import { recordingLogger, tempStore } from "../store/helpers.ts";

export const APPROVALS = "C0APPROVALS";
export const DIGEST = "C0DIGEST";
export const REQUESTER = "U0REQUESTER";
export const BOSS = "U0BOSS";
export const DEPUTY = "U0DEPUTY";
export const STRANGER = "U0STRANGER";

export const BEN: PrincipalRef = {
  type: "User",
  id: SEED.benYoung.id,
  name: SEED.benYoung.name,
  displayName: SEED.benYoung.displayName,
};

export class ManualClock implements Clock {
  current: Date;
  constructor(start = "2026-03-02T09:00:00.000Z") {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export async function startFakeSlack(t: TestContext, options: DevSlackOptions = {}): Promise<DevSlack> {
  const fake = await createDevSlack({
    channels: [APPROVALS, DIGEST],
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

export function storeFor(t: TestContext): Store {
  return tempStore(t, recordingLogger());
}

/** A stored pending request, with any field of its creation overridden. */
export function aRequest(store: Store, overrides: Partial<NewRequest> = {}): Request {
  return store.requests.create({
    kind: "add",
    organization: SEED.organization,
    principal: BEN,
    requester: REQUESTER,
    reason: "legal hold #4411",
    auditForMs: null,
    at: new Date("2026-03-02T09:00:00.000Z"),
    ...overrides,
  });
}

/** Every text a message shows: its fallback and the text objects of its blocks, joined. */
export function shownText(message: { text?: string | undefined; blocks?: unknown }): string {
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
