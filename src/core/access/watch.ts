/**
 * The access watcher: VB365's restore sessions, read for access to audited principals' data (a job
 * runs it every minute when an alerts destination is set). Polling works on every API version:
 *
 * 1. List sessions created since the persisted cursor minus an overlap (late sessions, skewed
 *    clocks), plus sessions known to be Working or whose examination failed, each read again by
 *    its id (`GET /RestoreSessions/{id}`: how a server filters by time is not documented).
 * 2. A session is examined when it is new, when what was seen of it changed (state, eTag, end
 *    time, details), or while it is Working. Examining reads its events and matches them against
 *    the audited principals of its organization (match.ts; audit lists and group members are read
 *    at most once per run, and only when some session needs them).
 * 3. The first match posts ONE alert for the session (through the `AlertNotifier`); later matching
 *    events update that alert. Each alert and update is logged as `access_seen`. Sessions and
 *    alerts are persisted, so a session is alerted once across runs and restarts.
 *
 * A session whose examination fails (VB365 or Slack) is remembered and retried by the next runs; the
 * cursor still moves on. After `maxFailures` attempts it is given up, loudly.
 */
import { createHash } from "node:crypto";
import { collect, mapLimit } from "../../async.ts";
import { canonicalJson } from "../../canonical-json.ts";
import type { Clock } from "../../clock.ts";
import { describeError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { Member, VboApi } from "../../vbo/api.ts";
import type { AuditItem, RestoreSession, RestoreSessionEvent } from "../../vbo/schemas.ts";
import { type KnownOrganization, knownOrganizations, namesOrganization } from "../organizations.ts";
import type { EventLog, Transactions } from "../ports.ts";
import type { Route, Routing } from "../routing.ts";
import { DEFAULT_SERVER, FLEET_CONCURRENCY, type Fleet } from "../servers.ts";
import { type OrganizationRef, plural, VB365_ACTOR } from "../vocabulary.ts";
import {
  type AccessSummary,
  type AuditedIndex,
  accountLocalPart,
  buildAccessSummary,
  createAuditedIndex,
  type MemberRef,
} from "./match.ts";
import type { AccessStore, AlertNotifier, KeyValueState } from "./ports.ts";

export const CURSOR_KEY = "watch-access.cursor";

export interface WatchSettings {
  /** Each poll reaches back this far before the last one, for late sessions and skewed clocks. */
  overlapMs: number;
  /** How far back the very first poll looks. */
  initialLookbackMs: number;
  /** A Working session is re-read until it stops, for at most this long. */
  maxSessionAgeMs: number;
  /** Failed examinations of one session before it is given up. */
  maxFailures: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DEFAULT_WATCH: WatchSettings = {
  overlapMs: 15 * MINUTE,
  initialLookbackMs: 24 * HOUR,
  maxSessionAgeMs: 7 * 24 * HOUR,
  maxFailures: 10,
};

export interface WatchDeps {
  store: Transactions & {
    readonly access: AccessStore;
    readonly state: KeyValueState;
    readonly log: EventLog;
  };
  /** Every VB365 server, each polled for its own restore sessions. */
  fleet: Fleet;
  routing: Routing;
  notifier: AlertNotifier;
  clock: Clock;
  logger: Logger;
  settings?: Partial<WatchSettings> | undefined;
}

/** One run of the watcher, as a job records it. */
export interface WatchResult {
  outcome: "succeeded" | "failed" | "skipped";
  detail: string;
}

export class AccessWatcher {
  readonly #ctx: Omit<WatchContext, "vbo" | "server">;

  constructor(deps: WatchDeps) {
    this.#ctx = {
      ...deps,
      logger: deps.logger.child({ component: "access-watcher" }),
      settings: { ...DEFAULT_WATCH, ...deps.settings },
    };
  }

  /** Whether any organization's alerts go anywhere; when none do, there is nothing to watch for. */
  get enabled(): boolean {
    return this.#ctx.routing.all().some((r) => r.destinations.alerts !== undefined);
  }

  /** Polls VB365 once, as of `now`. Never rejects for one session's failure; each is retried later. */
  async watch(now: Date): Promise<WatchResult> {
    if (!this.enabled) return { outcome: "skipped", detail: "ALERTS_CHANNEL_ID is not set" };
    const { fleet } = this.#ctx;
    // Each server on its own, a few at a time: one server down (or slow) delays only its own alerts.
    const runs = await mapLimit(fleet.servers, FLEET_CONCURRENCY, async (server) => {
      const ctx: WatchContext = { ...this.#ctx, vbo: server.vbo, server: server.name };
      try {
        return await watchAccess(ctx, now);
      } catch (err) {
        ctx.logger.warn("watching a server's restore sessions failed; next run retries", {
          server: server.name,
          error: err,
        });
        return {
          outcome: "failed" as const,
          detail: `could not list restore sessions (${describeError(err)})`,
        };
      }
    });
    if (!fleet.several) return runs[0] as WatchResult;
    return {
      outcome: runs.some((r) => r.outcome === "failed") ? "failed" : "succeeded",
      detail: fleet.servers.map((s, i) => `${s.name}: ${runs[i]?.detail}`).join("; "),
    };
  }
}

/** A run on one server: the fleet's settings, that server's VB365 and name. */
type WatchContext = Omit<WatchDeps, "settings"> & { settings: WatchSettings; vbo: VboApi; server: string };

/** Where a server's watcher has read up to: the simple case's key for the default server. */
function cursorKey(server: string): string {
  return server === DEFAULT_SERVER ? CURSOR_KEY : `${CURSOR_KEY}:${server}`;
}

/** What, when it changes, means a session's events must be read again. */
export function sessionFingerprint(s: RestoreSession): string {
  return JSON.stringify([s.state, s.eTag ?? null, s.endTime ?? null, s.details ?? null, s.result]);
}

export function summaryHash(summary: AccessSummary): string {
  return createHash("sha256").update(canonicalJson(summary)).digest("hex");
}

/** Per-run caches: organizations, audit lists and group members are read once, when first needed. */
class RunCache {
  #organizations: Promise<KnownOrganization[]> | undefined;
  readonly #indexes = new Map<string, Promise<AuditedIndex>>();

  constructor(private readonly ctx: WatchContext) {}

  organizations(): Promise<KnownOrganization[]> {
    this.#organizations ??= this.ctx.vbo
      .listOrganizations()
      .then((list) => knownOrganizations(list, this.ctx.server));
    return this.#organizations;
  }

  /** The organizations a session may belong to: by the events' organization id, else by name, else all. */
  async organizationsOf(
    session: RestoreSession,
    events: readonly RestoreSessionEvent[],
  ): Promise<OrganizationRef[]> {
    const all = await this.organizations();
    const ids = new Set(events.map((e) => e.organizationId?.toLowerCase()).filter(Boolean));
    const byId = all.filter((o) => ids.has(o.id.toLowerCase()));
    if (byId.length > 0) return byId;
    const name = session.organization;
    const byName = name ? all.filter((o) => namesOrganization(o, name) !== undefined) : [];
    return byName.length > 0 ? byName : all;
  }

  index(organization: OrganizationRef): Promise<AuditedIndex> {
    let index = this.#indexes.get(organization.id);
    if (!index) {
      index = this.#buildIndex(organization);
      this.#indexes.set(organization.id, index);
      // A failed read is not cached: the next session (or run) asks again.
      index.catch(() => this.#indexes.delete(organization.id));
    }
    return index;
  }

  async #buildIndex(organization: OrganizationRef): Promise<AuditedIndex> {
    const items = await this.ctx.vbo.listAuditItems(organization.id);
    const members = new Map<string, MemberRef[]>();
    for (const item of items) {
      if (item.type !== "Group" || !item.group) continue;
      try {
        members.set(
          item.id,
          (await collect(this.ctx.vbo.groupMembers(organization.id, item.group.id))).map(memberRef),
        );
      } catch (err) {
        // Members are a bonus: the group itself is still matched.
        this.ctx.logger.warn("access watcher: could not read an audited group's members", {
          organizationId: organization.id,
          groupId: item.group.id,
          error: err,
        });
      }
    }
    return createAuditedIndex(organization, items as AuditItem[], members);
  }
}

/** The one route all of `organizations` take, if they take one and the same. */
function soleRoute(routing: Routing, organizations: readonly OrganizationRef[]): Route | undefined {
  const routes = new Set(organizations.map((o) => routing.find(o)));
  const [only] = routes;
  return routes.size === 1 ? only : undefined;
}

/** A member as matching needs it. */
function memberRef(m: Member): MemberRef {
  return { id: m.id, login: m.login ?? undefined, displayName: m.name ?? undefined };
}

interface RunCounts {
  listed: number;
  examined: number;
  posted: number;
  updated: number;
  failed: number;
  gaveUp: number;
}

async function watchAccess(ctx: WatchContext, now: Date): Promise<WatchResult> {
  const { access, state } = ctx.store;
  const { overlapMs, initialLookbackMs, maxSessionAgeMs, maxFailures } = ctx.settings;
  const log = ctx.logger;

  const stored = state.get(cursorKey(ctx.server));
  const cursor = stored ? new Date(stored) : new Date(now.getTime() - initialLookbackMs);
  const from = new Date(cursor.getTime() - overlapMs);
  const sessions = new Map<string, RestoreSession>();
  for (const s of await collect(ctx.vbo.restoreSessions({ from }))) sessions.set(s.id.toLowerCase(), s);
  const counts: RunCounts = {
    listed: sessions.size,
    examined: 0,
    posted: 0,
    updated: 0,
    failed: 0,
    gaveUp: 0,
  };

  // Working and failed sessions from before the window: read again one by one, by id.
  for (const known of access.toRevisit(new Date(now.getTime() - maxSessionAgeMs))) {
    if (sessions.has(known.sessionId)) continue;
    try {
      const found = await ctx.vbo.getRestoreSession(known.sessionId);
      if (found) sessions.set(known.sessionId, found);
      else access.saveSession({ ...known, state: "Gone", fingerprint: "gone" }, now);
    } catch (err) {
      counts.failed++;
      log.warn("could not read a restore session again; next run retries", {
        sessionId: known.sessionId,
        error: err,
      });
    }
  }

  const cache = new RunCache(ctx);
  const ordered = [...sessions.values()].sort(
    (a, b) => Date.parse(a.creationTime) - Date.parse(b.creationTime),
  );
  for (const session of ordered) {
    const fingerprint = sessionFingerprint(session);
    const known = {
      sessionId: session.id,
      organization: session.organization ?? null,
      creationTime: new Date(session.creationTime),
      state: session.state,
    };
    const seen = access.session(session.id);
    if (seen && seen.fingerprint === fingerprint && session.state !== "Working") continue;
    counts.examined++;
    try {
      const { result, eventCount } = await examine(ctx, cache, session, now);
      if (result === "posted") counts.posted++;
      if (result === "updated") counts.updated++;
      access.saveSession({ ...known, fingerprint, eventCount }, now);
    } catch (err) {
      const failed = access.markFailed(known, now);
      if (failed.failures >= maxFailures) {
        // Stop retrying: a session that fails this often would otherwise be read every minute forever.
        access.saveSession({ ...known, fingerprint, eventCount: 0 }, now);
        counts.gaveUp++;
        log.error("giving up on a restore session after repeated failures; it was not alerted", {
          sessionId: session.id,
          failures: failed.failures,
          error: err,
        });
      } else {
        counts.failed++;
        log.warn("examining a restore session failed; next run retries", {
          sessionId: session.id,
          error: err,
        });
      }
    }
  }

  state.set(cursorKey(ctx.server), now.toISOString(), now);
  const parts = [
    `${plural(counts.listed, "session")} listed`,
    `${counts.examined} examined`,
    `${plural(counts.posted, "alert")} posted`,
    `${counts.updated} updated`,
  ];
  if (counts.failed > 0) parts.push(`${counts.failed} failed (retried next run)`);
  if (counts.gaveUp > 0) parts.push(`${counts.gaveUp} given up`);
  return { outcome: counts.failed + counts.gaveUp > 0 ? "failed" : "succeeded", detail: parts.join(", ") };
}

async function examine(
  ctx: WatchContext,
  cache: RunCache,
  session: RestoreSession,
  now: Date,
): Promise<{ result: "posted" | "updated" | "none"; eventCount: number }> {
  const { access } = ctx.store;
  const events = await collect(ctx.vbo.restoreSessionEvents(session.id));
  const organizations = await cache.organizationsOf(session, events);
  const indexes = await Promise.all(organizations.map((o) => cache.index(o)));
  const local = accountLocalPart(session.initiatedBy);
  const initiatorName = local
    ? organizations.map((o) => access.displayNameOf(o.id, local)).find((n) => n !== undefined)
    : undefined;
  const summary = buildAccessSummary({ session, events, indexes, initiatorName });
  const eventCount = events.length;
  if (summary === null) return { result: "none", eventCount };

  const hash = summaryHash(summary);
  const existing = access.alert(session.id);
  if (existing && existing.contentHash === hash) return { result: "none", eventCount };
  const organization = summary.organization.id
    ? { id: summary.organization.id, name: summary.organization.name, server: ctx.server }
    : null;
  const principal = summary.principals[0];
  const logEvent = (posted: { channel: string; ts: string }, update: boolean) =>
    ctx.store.log.append({
      kind: "access_seen",
      actor: VB365_ACTOR,
      at: now,
      organization,
      principal: principal
        ? { type: principal.type, id: "", name: principal.name, displayName: principal.displayName }
        : null,
      detail: { summary, channel: posted.channel, ts: posted.ts, update },
    });

  if (!existing) {
    // A session of no known organization goes only where all of its server's organizations go:
    // another tenant's channel must never see it.
    const route = organization
      ? ctx.routing.find(organization)
      : soleRoute(ctx.routing, await cache.organizations());
    const destination = route?.destinations.alerts;
    // This organization's route sends its alerts nowhere: looked at again when the session changes.
    if (destination === undefined) return { result: "none", eventCount };
    const posted = await ctx.notifier.post(summary, destination);
    ctx.store.transaction(() => {
      access.recordAlert({
        sessionId: session.id,
        organizationId: summary.organization.id,
        organizationName: summary.organization.name,
        channel: posted.channel,
        ts: posted.ts,
        contentHash: hash,
        itemCount: summary.itemCount,
        postedAt: now,
      });
      logEvent(posted, false);
    });
    ctx.logger.info("access to audited data alerted", {
      sessionId: summary.sessionId,
      items: summary.itemCount,
    });
    return { result: "posted", eventCount };
  }
  await ctx.notifier.update(existing, summary);
  ctx.store.transaction(() => {
    access.recordAlertUpdate(session.id, hash, summary.itemCount, now);
    logEvent(existing, true);
  });
  ctx.logger.info("access alert updated", { sessionId: summary.sessionId, items: summary.itemCount });
  return { result: "updated", eventCount };
}
