/**
 * Fixtures for the stand-in's own tests: a workspace with an approvals channel, Ben and the boss,
 * a Web API client pointed at it (retries off), and how to read Slack's refusals.
 */
import assert from "node:assert/strict";
import { after } from "node:test";
import { LogLevel, type Logger as SlackLogger } from "@slack/logger";
import { ErrorCode, type WebAPIPlatformError, WebClient } from "@slack/web-api";
import { createDevSlack, type DevSlack, type DevSlackOptions } from "../../src/devslack/index.ts";
import { ManualClock } from "../support/clock.ts";

export const APPROVALS = "C0APPROVALS";
export const BEN = { id: "U0BEN", name: "ben", realName: "Ben Young", email: "ben.young@vbridge.co.nz" };
export const BOSS = { id: "U0BOSS", name: "boss", realName: "The Boss", email: "boss@vbridge.co.nz" };

/** Slack's clients log nothing in these tests: what matters is what they send and get back. */
export const silentSlackLogger: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

export function clientFor(
  fake: DevSlack,
  token = fake.botToken,
  extra: ConstructorParameters<typeof WebClient>[1] = {},
) {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentSlackLogger,
    ...extra,
  });
}

/** The Slack error name a call was refused with. */
export async function refusal(call: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await call;
  } catch (err) {
    const e = err as WebAPIPlatformError;
    assert.equal(e.code, ErrorCode.PlatformError, String(err));
    const messages = (e.data.response_metadata as { messages?: string[] } | undefined)?.messages ?? [];
    return { error: e.data.error, messages };
  }
  assert.fail("the call was accepted");
}

/** A JSON POST, as an app replies at a response URL. */
export const postJson = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export const sections = (n: number, text = "x") =>
  Array.from({ length: n }, () => ({ type: "section", text: { type: "mrkdwn", text } }));

/**
 * A stand-in for one test file (call it at the top level; it closes after the file's tests):
 * channel APPROVALS, users BEN and BOSS, user group S0APPROVERS (the boss), on a clock the tests
 * move, and the bot's Web API client for it.
 */
export async function openStandIn<T extends DevSlack = DevSlack>(
  create: (options: DevSlackOptions) => Promise<T> = createDevSlack as (o: DevSlackOptions) => Promise<T>,
): Promise<{ fake: T; slack: WebClient; clock: ManualClock }> {
  const clock = new ManualClock("2025-01-06T09:00:00.000Z");
  const fake = await create({
    channels: [APPROVALS],
    users: [BEN, BOSS],
    usergroups: { S0APPROVERS: [BOSS.id] },
    clock,
  });
  after(() => fake.close());
  return { fake, slack: clientFor(fake), clock };
}
