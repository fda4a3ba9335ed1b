/**
 * End-to-end fixture for a service provider: the whole bot (`createBot`) in HTTP mode against a
 * fleet of simulated VB365 servers and the fake Slack, configured as a provider configures it: a
 * routing file (written to a temporary folder) whose servers give their passwords as `${ENV}`
 * references, resolved from the environment handed to `loadConfig`.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type Bot, type BotOptions, createBot } from "../../src/bot.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import type { ResponseUrlReply } from "../../src/devslack/index.ts";
import { formBody, interactionBody, signSlackRequest } from "../../src/devslack/signing.ts";
import type { FleetServerSpec, SimulatorFleet } from "../../src/sim/fleet.ts";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import { COMMANDS_CHANNEL } from "../support/actors.ts";
import { createFakeSlack, type FakeSlack } from "../support/fake-slack.ts";
import { jsonLogger } from "../support/logger.ts";
import { startSimulatorFleet } from "../support/simulator.ts";
import { tempDir } from "../support/store.ts";
import { AUDIT_POST, SIGNING_SECRET } from "./harness.ts";

export interface ProviderWorld {
  fleet: SimulatorFleet;
  fake: FakeSlack;
  config: Config;
  logs: string[];
  bot: Bot;
  url: string;
  /** `/vbo-audit <text>` typed by `userId`, then its answer. */
  ask(userId: string, text: string): Promise<ResponseUrlReply>;
  /** `userId` clicks `actionId` on the approval message of request `id`; resolves with the response URL. */
  clickOnRequest(userId: string, actionId: string, id: number): Promise<string>;
  /** `userId` picks from the candidates in `shown`: a button's `value` or a menu's `selectedValue`. */
  pick(
    userId: string,
    shown: ResponseUrlReply,
    picked: { value: string } | { selectedValue: string },
  ): Promise<ResponseUrlReply>;
  /** The answer at a response URL (waits for it). */
  answer(responseUrl: string): Promise<ResponseUrlReply>;
  /** The channel and message of a request's approval message. */
  approvalMessage(id: number): { channel: string; message: NonNullable<ReturnType<FakeSlack["message"]>> };
  /** POSTs that changed audit items on the named server. */
  auditPosts(server: string): number;
}

export interface ProviderWorldOptions {
  /** The simulated servers (names as the routing file names them). */
  servers: FleetServerSpec[];
  /** The routing file's `routes:` and `defaultRoute:` (YAML); `servers:` is written from the fleet. */
  routesYaml: string;
  /** Every channel the routes name, plus the commands channel. */
  channels: string[];
  users: Array<{ id: string; name: string; email?: string }>;
  bot?: Partial<BotOptions>;
}

/** `eu-1` → `VBO_EU_1_PASSWORD`: the variable a server's `${ENV}` password reference names. */
export const passwordVariable = (server: string) =>
  `VBO_${server.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PASSWORD`;

/** The routing file's `servers:` block for a fleet, passwords by `${ENV}` reference. */
export function serversYaml(fleet: SimulatorFleet): string {
  return [
    "servers:",
    ...fleet.servers.flatMap((s) => [
      `  - name: ${s.name}`,
      `    url: ${s.url}`,
      `    username: ${s.username}`,
      `    password: \${${passwordVariable(s.name)}}`,
    ]),
  ].join("\n");
}

export async function startProviderWorld(
  t: TestContext,
  options: ProviderWorldOptions,
): Promise<ProviderWorld> {
  const fleet = await startSimulatorFleet(t, options.servers);
  const fake = await createFakeSlack({
    channels: [...new Set([COMMANDS_CHANNEL, ...options.channels])],
    users: options.users,
  });
  t.after(() => fake.close());
  const dir = tempDir(t, "vbo-audit-provider-");
  const routingFile = join(dir, "routing.yaml");
  writeFileSync(routingFile, `${serversYaml(fleet)}\n${options.routesYaml}\n`);

  const loaded = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: "0",
    DATABASE_PATH: join(dir, "data", "vbo-audit.sqlite"),
    ROUTING_FILE: routingFile,
    LOG_LEVEL: "debug",
    ...Object.fromEntries(fleet.servers.map((s) => [passwordVariable(s.name), s.password])),
  });
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.problems.join("; "));
  const config = loaded.config;
  const log = jsonLogger();
  const bot = createBot({
    config,
    host: "127.0.0.1",
    logger: log.logger,
    slackClientOptions: { retryConfig: { retries: 0 }, timeout: 5_000 },
    vboClientOptions: { maxRetries: 0, timeoutMs: 20_000 },
    core: { retry: { baseDelayMs: 60_000, maxDelayMs: 3_600_000 } },
    jobs: false,
    shutdownGraceMs: 2_000,
    ...options.bot,
  });
  const { port } = await bot.start();
  t.after(() => bot.stop());
  const url = `http://127.0.0.1:${port}`;

  const post = (body: string) => {
    const now = bot.clock.now().getTime() / 1000;
    return fetch(`${url}/slack/events`, {
      method: "POST",
      headers: signSlackRequest(SIGNING_SECRET, body, now),
      body,
    });
  };
  const answer = (responseUrl: string) =>
    fake.waitFor(
      () => fake.responses.find((r) => r.url === responseUrl),
      30_000,
      `an answer at ${responseUrl}`,
    );
  const approvalMessage = (id: number) => {
    const row = bot.store.messages.list(id).find((m) => m.purpose === "approval");
    assert.ok(row, `request ${id} has an approval message`);
    const message = fake.message(row.channel, row.ts);
    assert.ok(message, `the approval message of request ${id} is in ${row.channel}`);
    return { channel: row.channel, message };
  };

  return {
    fleet,
    fake,
    config,
    logs: log.raw,
    bot,
    url,
    answer,
    approvalMessage,
    async ask(userId, text) {
      const fields = fake.slashCommand({ userId, text, channelId: COMMANDS_CHANNEL });
      const http = await post(formBody(fields));
      assert.equal(http.status, 200, `the command ${text} was acknowledged`);
      return answer(fields.response_url as string);
    },
    async clickOnRequest(userId, actionId, id) {
      const { channel, message } = approvalMessage(id);
      const payload = fake.blockAction({
        userId,
        actionId,
        value: String(id),
        on: { message: { channel, ts: message.ts } },
      });
      assert.equal((await post(interactionBody(payload))).status, 200);
      return payload.response_url as string;
    },
    async pick(userId, shown, picked) {
      const actionId = "value" in picked ? ACTION.pick : ACTION.pickSelect;
      const click = fake.blockAction({ userId, actionId, ...picked, on: { response: shown } });
      assert.equal((await post(interactionBody(click))).status, 200);
      return answer(click.response_url as string);
    },
    auditPosts: (server) => fleet.server(server).sim.stats.count("POST", AUDIT_POST),
  };
}
