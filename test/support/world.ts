/**
 * `testWorld()`: the bot's core as production builds it (`createStore` + `createCore`), against the
 * VB365 simulator through the real VB365 client (real HTTP), the fake Slack behind the Slack side's
 * own notifiers, approvers and profiles, a real SQLite file with the real migrations, and a clock
 * the test moves. `jobs()` builds the scheduled jobs on that world; calling it again on the same
 * database stands for a restart. Tests state what differs (a policy, a shared simulator, other
 * approvers) and nothing else.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import type { WebClient } from "@slack/web-api";
import { routingFromConfig } from "../../src/bot.ts";
import type { Config } from "../../src/config.ts";
import { type Core, type CoreSettings, createCore } from "../../src/core/index.ts";
import type { Approvers, RequestNotifier } from "../../src/core/requests/ports.ts";
import type { Request } from "../../src/core/requests/types.ts";
import type { Routing } from "../../src/core/routing.ts";
import type { PrincipalRef } from "../../src/core/vocabulary.ts";
import type { DevSlack, DevSlackOptions, PostedMessage } from "../../src/devslack/index.ts";
import { createJobs, type JobOptions, type Jobs } from "../../src/jobs/scheduler.ts";
import type { SimulatorOptions, VboSimulator } from "../../src/sim/types.ts";
import { createApprovers, createViewers } from "../../src/slack/approvers.ts";
import { createChatOut } from "../../src/slack/chat.ts";
import { createAlertNotifier } from "../../src/slack/notifiers/alerts.ts";
import { createDigestNotifier } from "../../src/slack/notifiers/digest.ts";
import { createRequestNotifier } from "../../src/slack/notifiers/requests.ts";
import { createMemberProfiles } from "../../src/slack/profiles.ts";
import type { Store } from "../../src/store/index.ts";
import type { VboClient, VboClientOptions } from "../../src/vbo/client.ts";
import { ALERTS, APPROVALS, BOSS, DEPUTY, DIGEST, ORG, REQUESTER, VIEWER } from "./actors.ts";
import { HOUR, ManualClock } from "./clock.ts";
import { type RecordingLogger, recordingLogger } from "./logger.ts";
import { simulatorClient, startSimulator } from "./simulator.ts";
import { shownText, startFakeSlack, webClientFor } from "./slack.ts";
import { tempStore } from "./store.ts";

export interface WorldOptions {
  /** A simulator (and a client of it) shared by the tests of a file; default: one of the world's own. */
  shared?: { sim: VboSimulator; vbo: VboClient };
  /** The simulator's options, when the world starts its own. */
  sim?: Omit<SimulatorOptions, "tokenRateLimit">;
  /** The client's version setting; default auto (v8 when served). */
  apiVersion?: VboClientOptions["apiVersion"];
  vboClient?: Partial<Pick<VboClientOptions, "maxRetries" | "timeoutMs">>;
  /** When the clock starts; default 2026-11-25 09:00 UTC. */
  start?: string;
  /** The approval settings (channel, approvers, quorum, self-approval, TTL) over the defaults. */
  approvals?: Partial<Config["approvals"]>;
  /** Who approves, in place of the Slack approvers over the fake (APPROVER_USER_IDS = BOSS, DEPUTY). */
  approvers?: Approvers;
  /** Who sees audit state over the defaults (`viewers`, VIEWER_USER_IDS = VIEWER). */
  visibility?: Partial<Config["visibility"]>;
  digestCron?: string;
  timezone?: string;
  /** Whether access alerts go anywhere; default true (to ALERTS). */
  alerts?: boolean;
  /** `VBO_ORGANIZATION`; default the simulator's vBridge. */
  defaultOrganization?: string | undefined;
  core?: Omit<CoreSettings, "vbo" | "defaultOrganization">;
  jobOptions?: JobOptions;
  slack?: DevSlackOptions;
}

export interface World {
  sim: VboSimulator;
  vbo: VboClient;
  slack: DevSlack;
  web: WebClient;
  clock: ManualClock;
  logger: RecordingLogger;
  store: Store & { path: string };
  config: Pick<Config, "approvals" | "digest" | "alerts" | "visibility">;
  routing: Routing;
  approvers: Approvers;
  /** The Slack side's request notifier, as the core uses it. */
  notifier: RequestNotifier;
  core: Core;
  /** A jobs instance on this world (a second call stands for a restart). */
  jobs(options?: JobOptions): Jobs;
  /** A user of the simulator's vBridge, as VB365 lists them. */
  principal(name: string): Promise<PrincipalRef>;
  /** Submits an add or remove by REQUESTER and posts it for approval; returns the pending request. */
  posted(kind: "add" | "remove", who: PrincipalRef, options?: { auditForMs?: number }): Promise<Request>;
  /** `posted`, then approved by BOSS (applied unless `apply` is false) and re-rendered; returns its id. */
  approved(
    kind: "add" | "remove",
    who: PrincipalRef,
    options?: { apply?: boolean; auditForMs?: number },
  ): Promise<number>;
  messages(channel: string): PostedMessage[];
}

export async function testWorld(t: TestContext, options: WorldOptions = {}): Promise<World> {
  const { sim, vbo } = options.shared ?? (await ownSimulator(t, options));
  const clock = new ManualClock(options.start ?? "2026-11-25T09:00:00.000Z");
  const slack = await startFakeSlack(t, { clock, ...options.slack });
  const web = webClientFor(slack);
  const logger = recordingLogger();
  const store = tempStore(t, logger);
  const config: World["config"] = {
    approvals: {
      channelId: APPROVALS,
      approverUserIds: [BOSS, DEPUTY],
      requiredApprovals: 1,
      allowSelfApproval: false,
      requestTtlHours: 72,
      maxOpenRequestsPerUser: 5,
      ...options.approvals,
    },
    visibility: { audit: "viewers", viewerUserIds: [VIEWER], ...options.visibility },
    digest: {
      channelId: DIGEST,
      cron: options.digestCron ?? "0 9 * * 1-5",
      timezone: options.timezone ?? "UTC",
    },
    alerts: options.alerts === false ? {} : { channelId: ALERTS },
  };
  const approvers = options.approvers ?? createApprovers({ web, config: config.approvals, clock, logger });
  const viewers = createViewers({ web, config: config.visibility, clock, logger });
  const routing = routingFromConfig(config, { approvers, viewers });
  const chat = createChatOut(web, logger);
  const notifier = createRequestNotifier({ web, store, chat, routing, clock, logger });
  const core = createCore({
    store,
    vbo,
    routing,
    notifiers: {
      requests: notifier,
      digest: createDigestNotifier({ chat, timeZone: config.digest.timezone }),
      alerts: createAlertNotifier({ chat, timeZone: config.digest.timezone }),
    },
    profiles: createMemberProfiles({ web, clock }),
    clock,
    logger,
    settings: {
      retry: { baseDelayMs: 60_000, maxDelayMs: HOUR },
      ...options.core,
      defaultOrganization: "defaultOrganization" in options ? options.defaultOrganization : ORG.name,
      vbo: { url: sim.url, apiVersion: options.apiVersion ?? "auto" },
    },
  });
  t.after(() => core.idle());

  const world: World = {
    sim,
    vbo,
    slack,
    web,
    clock,
    logger,
    store,
    config,
    routing,
    approvers,
    notifier,
    core,
    jobs: (jobOptions) => {
      const jobs = createJobs({
        core,
        store,
        schedule: { digestCron: config.digest.cron, timezone: config.digest.timezone },
        clock,
        logger,
        options: { ...options.jobOptions, ...jobOptions },
      });
      t.after(() => jobs.stop());
      return jobs;
    },
    async principal(name) {
      const [user] = await vbo.searchUsers(ORG.id, { userName: name });
      assert.ok(user, `the simulator has ${name}`);
      return {
        type: "User",
        id: user.id,
        name: user.name ?? name,
        displayName: user.displayName ?? name,
        ...(user.msid ? { msid: user.msid } : {}),
      };
    },
    async posted(kind, who, opts = {}) {
      const submitted = await core.requests.submit({
        kind,
        organization: ORG,
        principal: who,
        requester: REQUESTER,
        reason: "test",
        ...(opts.auditForMs === undefined ? {} : { auditForMs: opts.auditForMs }),
      });
      assert.equal(submitted.kind, "created");
      assert.ok(submitted.kind === "created");
      await notifier.requestCreated(submitted.request.id);
      return submitted.request;
    },
    async approved(kind, who, opts = {}) {
      const posted = await world.posted(
        kind,
        who,
        opts.auditForMs === undefined ? {} : { auditForMs: opts.auditForMs },
      );
      const acted = await core.requests.record(
        posted.id,
        BOSS,
        { kind: "approve" },
        { apply: opts.apply ?? true },
      );
      assert.equal(acted.kind, "approved");
      await notifier.requestChanged(posted.id);
      return posted.id;
    },
    messages: (channel) => slack.messagesIn(channel),
  };
  return world;
}

/** A simulator of the world's own, and the real client. */
async function ownSimulator(
  t: TestContext,
  options: WorldOptions,
): Promise<{ sim: VboSimulator; vbo: VboClient }> {
  const sim = await startSimulator(t, options.sim);
  const vbo = simulatorClient(sim, {
    apiVersion: options.apiVersion ?? "auto",
    maxRetries: 1,
    timeoutMs: 10_000,
    ...options.vboClient,
  });
  t.after(() => vbo.close());
  return { sim, vbo };
}

/** Every stored event of one kind, oldest first. */
export function eventsOf(store: Pick<Store, "log">, kind: string) {
  return store.log.since(new Date(0)).filter((e) => e.kind === kind);
}

/** The text a channel's messages show (fallback and blocks), newest state of each. */
export function channelText(world: Pick<World, "messages">, channel: string): string {
  return world.messages(channel).map(shownText).join("\n---\n");
}
