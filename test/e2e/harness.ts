/**
 * End-to-end fixture: the whole bot (`createBot`) in HTTP mode on 127.0.0.1:0, against the VB365
 * simulator and the fake Slack (both real HTTP servers), with a temporary SQLite file. Requests reach
 * `POST /slack/events` signed exactly as Slack signs them. Everything is torn down after the test.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type Bot, type BotOptions, createBot } from "../../src/bot.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import type { ResponseUrlReply } from "../../src/devslack/index.ts";
import { formBody, interactionBody, signSlackRequest } from "../../src/devslack/signing.ts";
import type { RunningSimulator } from "../../src/sim/server.ts";
import type { FieldMode } from "../../src/sim/shape.ts";
import { SEED } from "../../src/sim/types.ts";
import { ACTION, DENY_REASON } from "../../src/slack/blocks/ids.ts";
import {
  ALERTS,
  APPROVALS,
  BEN_SLACK,
  BOSS,
  COMMANDS_CHANNEL,
  DEPUTY,
  DIGEST,
  RITA,
  STRANGER,
  VBRIDGE_MEMBERS,
  VIEWER,
} from "../support/actors.ts";
import { createFakeSlack, type FakeSlack } from "../support/fake-slack.ts";
import { jsonLogger } from "../support/logger.ts";
import { JOBS_BY_HAND } from "../support/schedules.ts";
import { startSimulator } from "../support/simulator.ts";
import { findButton, shownText } from "../support/slack.ts";
import { tempDir } from "../support/store.ts";

export const SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef";
export { ALERTS, APPROVALS, BEN_SLACK, BOSS, COMMANDS_CHANNEL, DEPUTY, DIGEST, RITA, STRANGER, VIEWER };
export const ORG = SEED.organization;
export const BEN = SEED.benYoung;
export const AUDIT_POST = /^\/v\d\/Organizations\/\{[^}]+\}\/AuditItems$/i;
export const AUDIT_REMOVE = /^\/v\d\/Organizations\/\{[^}]+\}\/AuditItems\/remove$/i;

export interface World {
  sim: RunningSimulator;
  fake: FakeSlack;
  dbPath: string;
  config: Config;
  logs: string[];
  bot: Bot;
  url: string;
  /** Starts another bot on the same database, simulator and fake Slack (a restart). */
  restart(): Promise<void>;
  /** A signed POST to /slack/events; `sign` may tamper with the headers. */
  post(body: string, sign?: (headers: Record<string, string>) => Record<string, string>): Promise<Response>;
  /** Types `/vbo-audit <text>` and returns the HTTP answer and the response URL to watch. */
  command(userId: string, text: string): Promise<{ http: Response; responseUrl: string }>;
  /** The answer at a response URL (waits for it). */
  answer(responseUrl: string): Promise<ResponseUrlReply>;
  /** `/vbo-audit <text>`, then its answer. */
  ask(userId: string, text: string): Promise<ResponseUrlReply>;
  /** Clicks a button (or picks in a menu) on what the user sees. */
  click(input: Parameters<FakeSlack["blockAction"]>[0]): Promise<Response>;
  /** The approval message of a request, as the fake holds it. */
  approvalMessage(requestId: number): ReturnType<FakeSlack["message"]>;
  /** Waits until the approval message of a request satisfies `predicate`. */
  waitForApprovalMessage(
    requestId: number,
    /** `text`: every text of the message (fallback and blocks). */
    predicate: (text: string, blocks: unknown[] | undefined) => boolean,
  ): Promise<NonNullable<ReturnType<FakeSlack["message"]>>>;
  /** Messages the bot sent to a user by DM. */
  dms(userId: string): ReturnType<FakeSlack["messagesIn"]>;
  /** How many POSTs changed audit items in VB365. */
  auditPosts(): number;
}

/**
 * The environment of a bot on the fake Slack and a simulated VB365 (HTTP mode, any free port, debug
 * logs), for the bot in this process and for the bot spawned as `npm start` would run it.
 */
export function botEnvironment(on: {
  slack: { botToken: string; apiUrl: string };
  vbo: { url: string; username: string; password: string };
  secret: string;
  databasePath: string;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: on.slack.botToken,
    SLACK_SIGNING_SECRET: on.secret,
    SLACK_API_URL: on.slack.apiUrl,
    PORT: "0",
    VBO_URL: on.vbo.url,
    VBO_USERNAME: on.vbo.username,
    VBO_PASSWORD: on.vbo.password,
    VBO_ORGANIZATION: ORG.name,
    DATABASE_PATH: on.databasePath,
    APPROVALS_CHANNEL_ID: APPROVALS,
    DIGEST_CHANNEL_ID: DIGEST,
    APPROVER_USER_IDS: BOSS,
    LOG_LEVEL: "debug",
  };
}

/** The real jobs, with no schedule that fires during a test: the test runs them by hand (`world.bot.jobs`). */
export { JOBS_BY_HAND };

export interface WorldOptions {
  /** Variables on top of the defaults (an empty value unsets one); a function sees the fake Slack. */
  env?: Record<string, string> | ((fake: FakeSlack) => Record<string, string>);
  bot?: Partial<BotOptions>;
  /** Extra fake Slack users / groups. */
  usergroups?: Record<string, string[]>;
  /** How the simulator writes fields without a value; default realistic (as a real server). */
  fields?: FieldMode;
}

export async function startWorld(t: TestContext, options: WorldOptions = {}): Promise<World> {
  const sim = await startSimulator(t, { fields: options.fields ?? "realistic" });
  const fake = await createFakeSlack({
    channels: [APPROVALS, DIGEST, COMMANDS_CHANNEL, ALERTS],
    users: VBRIDGE_MEMBERS,
    ...(options.usergroups ? { usergroups: options.usergroups } : {}),
  });
  t.after(() => fake.close());
  const dbPath = join(tempDir(t, "vbo-audit-e2e-"), "data", "vbo-audit.sqlite");

  const loaded = loadConfig({
    ...botEnvironment({ slack: fake, vbo: sim, secret: SIGNING_SECRET, databasePath: dbPath }),
    APPROVER_USER_IDS: `${BOSS},${DEPUTY}`,
    VIEWER_USER_IDS: VIEWER,
    ...(typeof options.env === "function" ? options.env(fake) : options.env),
  });
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.problems.join("; "));
  const config = loaded.config;
  const log = jsonLogger();

  const makeBot = () =>
    createBot({
      config,
      host: "127.0.0.1",
      logger: log.logger,
      slackClientOptions: { retryConfig: { retries: 0 }, timeout: 5_000 },
      vboClientOptions: { maxRetries: 0, timeoutMs: 20_000 },
      core: { retry: { baseDelayMs: 60_000, maxDelayMs: 3_600_000 } },
      // No schedules unless a test asks for jobs (then usually JOBS_BY_HAND).
      jobs: false,
      shutdownGraceMs: 2_000,
      ...options.bot,
    });

  let bot = makeBot();
  let { port } = await bot.start();
  const stops: Array<() => Promise<void>> = [() => bot.stop()];
  t.after(async () => {
    for (const stop of stops) await stop();
  });

  const world: World = {
    sim,
    fake,
    dbPath,
    config,
    logs: log.raw,
    get bot() {
      return bot;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    async restart() {
      await bot.stop();
      bot = makeBot();
      ({ port } = await bot.start());
      const current = bot;
      stops.push(() => current.stop());
    },
    post(body, sign = (h) => h) {
      // Slack's clock and the bot's agree, also when a test moves the bot's clock.
      const now = bot.clock.now().getTime() / 1000;
      const headers = sign({ ...signSlackRequest(SIGNING_SECRET, body, now) });
      return fetch(`${world.url}/slack/events`, { method: "POST", headers, body });
    },
    async command(userId, text) {
      const fields = fake.slashCommand({ userId, text, channelId: COMMANDS_CHANNEL });
      const http = await world.post(formBody(fields));
      return { http, responseUrl: fields.response_url as string };
    },
    answer(responseUrl) {
      return fake.waitFor(
        () => fake.responses.find((r) => r.url === responseUrl),
        30_000,
        `an answer at ${responseUrl}`,
      );
    },
    async ask(userId, text) {
      const { http, responseUrl } = await world.command(userId, text);
      assert.equal(http.status, 200, `the command ${text} was acknowledged`);
      return world.answer(responseUrl);
    },
    click(input) {
      return world.post(interactionBody(fake.blockAction(input)));
    },
    approvalMessage(requestId) {
      const row = bot.store.messages.list(requestId).find((m) => m.purpose === "approval");
      return row ? fake.message(row.channel, row.ts) : undefined;
    },
    waitForApprovalMessage(requestId, predicate) {
      return fake.waitFor(
        () => {
          const message = world.approvalMessage(requestId);
          return message && predicate(textOf(message), message.blocks) ? message : undefined;
        },
        10_000,
        `the approval message of request ${requestId}`,
      );
    },
    dms(userId) {
      const channel = fake.dmChannelOf(userId);
      return channel ? fake.messagesIn(channel) : [];
    },
    auditPosts: () => sim.stats.count("POST", AUDIT_POST),
  };
  return world;
}

/**
 * `userId` clicks a request's button (`actionId`) on its approval message; Slack's request is
 * answered 200. Resolves with the response URL the bot answers the click at.
 */
export async function clickOnRequest(
  world: World,
  userId: string,
  actionId: string,
  id: number,
): Promise<string> {
  const posted = world.approvalMessage(id);
  assert.ok(posted, `the approval message of request ${id}`);
  const payload = world.fake.blockAction({
    userId,
    actionId,
    value: String(id),
    on: { message: { channel: APPROVALS, ts: posted.ts } },
  });
  assert.equal((await world.post(interactionBody(payload))).status, 200);
  return payload.response_url as string;
}

/** `approver` clicks Approve on the approval message of request `id`. */
export async function clickApprove(world: World, approver: string, id: number): Promise<void> {
  await clickOnRequest(world, approver, ACTION.approve, id);
}

/** `approver` clicks Deny on request `id`; resolves with the modal that asks why. */
export async function openDenyModal(world: World, approver: string, id: number) {
  await clickOnRequest(world, approver, ACTION.deny, id);
  return world.fake.waitFor(() => world.fake.views.modals[0], 5_000, "the deny modal");
}

/** `approver` submits the deny modal with `reason`; resolves with Slack's HTTP answer (field errors, or empty). */
export function submitDenyReason(world: World, approver: string, modalId: string, reason: string) {
  const submission = world.fake.viewSubmission({
    userId: approver,
    viewId: modalId,
    values: { [DENY_REASON.actionId]: reason },
  });
  return world.post(interactionBody(submission));
}

/** The id of the newest request, from the approvals channel's newest message's Approve button. */
export function requestIdOfLatest(world: World): number {
  const message = world.fake.messagesIn(APPROVALS).at(-1);
  assert.ok(message, "a request was posted to the approvals channel");
  const value = findButton(message.blocks, ACTION.approve);
  assert.ok(value, "the approval message has an Approve button");
  return Number(value);
}

/** Every text object of a message or response, joined (the stories' name for `shownText`). */
export const textOf = shownText;
export { findButton };
