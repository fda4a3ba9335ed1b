/**
 * A world for job tests: the VB365 simulator and the real VB365 client (real HTTP), the fake Slack
 * behind the Slack side's own ChatOut, RequestNotifier and approvers, a real SQLite file with the
 * real migrations, the real RequestService and resolver, and a clock the test moves. `jobs()` builds
 * a jobs instance on that world; calling it again on the same database stands for a restart.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { systemClock } from "../../src/clock.ts";
import type { Config } from "../../src/config.ts";
import type { RequestNotifier } from "../../src/core/ports.ts";
import { RequestService } from "../../src/core/requests.ts";
import { createResolver, type Resolver } from "../../src/core/resolver.ts";
import type { Request } from "../../src/core/types.ts";
import type { DevSlack, PostedMessage } from "../../src/devslack/index.ts";
import type { JobOptions } from "../../src/jobs/context.ts";
import { createJobs, type Jobs } from "../../src/jobs/scheduler.ts";
import { silentLogger } from "../../src/logger.ts";
import { createSimulator } from "../../src/sim/server.ts";
import { SEED, type SimulatorOptions, type VboSimulator } from "../../src/sim/types.ts";
import { type Approvers, createApprovers } from "../../src/slack/approvers.ts";
import { createChatOut } from "../../src/slack/chat.ts";
import { createRequestNotifier } from "../../src/slack/notifier.ts";
import { createStore, openDatabase, type Store } from "../../src/store/index.ts";
import { createVboClient, type VboClient } from "../../src/vbo/client.ts";
import type { ApiVersion, PrincipalRef } from "../../src/vbo/schemas.ts";
import {
  APPROVALS,
  BOSS,
  DEPUTY,
  DIGEST,
  ManualClock,
  REQUESTER,
  shownText,
  startFakeSlack,
  webClientFor,
} from "../slack/helpers.ts";
import { tempDir } from "../store/helpers.ts";

export { APPROVALS, BOSS, DEPUTY, DIGEST, ManualClock, REQUESTER, shownText };
export const ALERTS = "C0ALERTS";
export const ORG = SEED.organization;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface WorldOptions {
  /** Versions the simulator serves; default all. */
  versions?: ApiVersion[];
  /** The client's setting; default auto (v8 when served). */
  apiVersion?: ApiVersion | "auto";
  start?: string;
  digestCron?: string;
  timezone?: string;
  alerts?: boolean;
  sim?: Omit<SimulatorOptions, "versions" | "tokenRateLimit">;
  jobOptions?: JobOptions;
}

export interface World {
  sim: VboSimulator;
  vbo: VboClient;
  slack: DevSlack;
  clock: ManualClock;
  store: Store;
  approvers: Approvers;
  requests: RequestService;
  resolver: Resolver;
  notifier: RequestNotifier;
  config: Pick<Config, "digest" | "alerts" | "approvals">;
  /** A jobs instance on this world's database (a second call stands for a restart). */
  jobs(options?: JobOptions): Jobs;
  principal(name: string): Promise<PrincipalRef>;
  /** Submits, posts and approves an add or remove by BOSS; returns the request id. */
  /** Submits an add or remove by REQUESTER and posts it for approval; returns the pending request. */
  posted(kind: "add" | "remove", who: PrincipalRef, options?: { auditForMs?: number }): Promise<Request>;
  approved(
    kind: "add" | "remove",
    who: PrincipalRef,
    options?: { apply?: boolean; auditForMs?: number },
  ): Promise<number>;
  messages(channel: string): PostedMessage[];
}

export async function createWorld(t: TestContext, options: WorldOptions = {}): Promise<World> {
  const sim = await createSimulator({
    tokenRateLimit: false,
    ...(options.versions ? { versions: options.versions } : {}),
    ...options.sim,
  });
  t.after(() => sim.close());
  // The client keeps real time: its token cache must not see the test's jumps of days.
  const vbo = createVboClient({
    baseUrl: sim.url,
    username: sim.username,
    password: sim.password,
    apiVersion: options.apiVersion ?? "auto",
    logger: silentLogger,
    clock: systemClock,
    sleep: async () => {},
    maxRetries: 1,
    timeoutMs: 10_000,
  });
  t.after(() => vbo.close());
  const clock = new ManualClock(options.start ?? "2026-11-25T09:00:00.000Z");
  const slack = await startFakeSlack(t, { channels: [APPROVALS, DIGEST, ALERTS], clock });
  const web = webClientFor(slack);
  const db = openDatabase(join(tempDir(t, "vbo-audit-jobs-"), "vbo-audit.sqlite"), { logger: silentLogger });
  t.after(() => db.close());
  const store = createStore(db);
  const config: World["config"] = {
    digest: {
      channelId: DIGEST,
      cron: options.digestCron ?? "0 9 * * 1-5",
      timezone: options.timezone ?? "UTC",
    },
    alerts: options.alerts === false ? {} : { channelId: ALERTS },
    approvals: {
      channelId: APPROVALS,
      approverUserIds: [BOSS, DEPUTY],
      requiredApprovals: 1,
      allowSelfApproval: false,
      requestTtlHours: 72,
    },
  };
  const logger = silentLogger;
  const approvers = createApprovers({ web, config: config.approvals, clock, logger });
  const chat = createChatOut(web, logger);
  const notifier = createRequestNotifier({ web, store, chat, config: config.approvals, clock, logger });
  const requests = new RequestService({
    store,
    vbo,
    approvers,
    clock,
    logger,
    policy: { requiredApprovals: 1, allowSelfApproval: false, requestTtlMs: 72 * HOUR },
    retry: { baseDelayMs: 60_000, maxDelayMs: HOUR, leaseMs: 5 * 60_000 },
  });
  const resolver = createResolver({ vbo, directory: store.directory, logger, clock });
  t.after(() => resolver.idle());

  const world: World = {
    sim,
    vbo,
    slack,
    clock,
    store,
    approvers,
    requests,
    resolver,
    notifier,
    config,
    jobs: (jobOptions) => {
      const jobs = createJobs({
        config,
        store,
        vbo,
        requests,
        resolver,
        chat,
        notifier,
        roster: approvers,
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
      const submitted = await requests.submit({
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
      const acted = await requests.act(posted.id, BOSS, { kind: "approve" }, { apply: opts.apply ?? true });
      assert.equal(acted.kind, "approved");
      await notifier.requestChanged(posted.id);
      return posted.id;
    },
    messages: (channel) => slack.messagesIn(channel),
  };
  return world;
}

/** The text a channel's messages show (fallback and blocks), newest state of each. */
export function channelText(world: World, channel: string): string {
  return world.messages(channel).map(shownText).join("\n---\n");
}

/** Every stored event of one kind, oldest first. */
export function eventsOf(store: Store, kind: string) {
  return store.log.since(new Date(0)).filter((e) => e.kind === kind);
}
