/**
 * The digest, posted: gathers what build.ts needs (VB365's organizations, audit lists and e-mail
 * settings; the snapshots, log and requests from the store), has the `DigestNotifier` post it to
 * the digest destination, then records in one transaction the digest, each organization's new
 * snapshot, a `drift_seen` event per drift and a `digest_posted` event. Nothing is recorded when
 * posting fails, so the next attempt reports the same drift (each drift is logged exactly once).
 *
 * VB365 failing for one organization shows it as unavailable (its old snapshot is kept); VB365
 * failing altogether still posts a digest listing the organizations the bot knows as unavailable.
 */

import { mapLimit } from "../../async.ts";
import type { Clock } from "../../clock.ts";
import { describeError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { SkippedItems } from "../../vbo/items.ts";
import type { KeyValueState } from "../access/ports.ts";
import { knownOrganizations } from "../organizations.ts";
import type { EventLog, Transactions } from "../ports.ts";
import type { RequestRecords, VoteRecords } from "../requests/ports.ts";
import type { Request } from "../requests/types.ts";
import { approvesAnywhere, type Routing } from "../routing.ts";
import type { Fleet } from "../servers.ts";
import { type OrganizationRef, plural, SYSTEM_ACTOR, VB365_ACTOR } from "../vocabulary.ts";
import type { AuditEntry } from "./build.ts";
import {
  accessFromLog,
  auditEntries,
  botChangesFrom,
  buildDigest,
  type Digest,
  type Notifications,
  type OrganizationInput,
  type RequestPeople,
} from "./build.ts";
import type { DigestNotifier, DigestPoster, DigestStore } from "./ports.ts";
import { SKIPPED_KEY, skippedSince } from "./skipped.ts";

export type DigestTrigger =
  | { kind: "scheduled"; period: string }
  | { kind: "manual"; period: string; requestedBy: string };

/** A digest that went out: what it said, in how many messages, and its record. */
export interface PostedDigest {
  digest: Digest;
  /** Where it went, and in how many messages. */
  channel: string;
  messages: number;
  digestId: number;
}

/** What a person who typed `/vbo-audit digest` is told. */
export type DigestRequestOutcome =
  | { kind: "posted"; channels: string[]; messages: number }
  | { kind: "not_approver" }
  | { kind: "not_available" }
  | { kind: "failed"; error: string };

export interface DigestDeps {
  store: Transactions & {
    readonly requests: Pick<RequestRecords, "get" | "listOpen" | "listUpdatedSince">;
    readonly votes: Pick<VoteRecords, "list">;
    readonly log: EventLog;
    readonly digests: DigestStore;
    /** What the previous digest reported of the items VB365 sent that the client skipped. */
    readonly state: KeyValueState;
  };
  fleet: Fleet;
  routing: Routing;
  notifier: DigestNotifier;
  clock: Clock;
  logger: Logger;
}

export class DigestService {
  readonly #deps: DigestDeps;

  constructor(deps: DigestDeps) {
    this.#deps = { ...deps, logger: deps.logger.child({ component: "digest" }) };
  }

  /**
   * Gathers, posts and records a digest as of `now` in every digest channel. Rejects when one
   * could not be posted (those posted are recorded).
   */
  post(now: Date, trigger: DigestTrigger): Promise<PostedDigest[]> {
    return postDigests(this.#deps, now, trigger);
  }

  /**
   * `/vbo-audit digest`: approvers only; `poster` is the digest on demand as the jobs run it (one
   * at a time, recorded as a run), absent where no jobs run.
   */
  async onDemand(actor: string, poster: DigestPoster | undefined): Promise<DigestRequestOutcome> {
    if (!(await approvesAnywhere(this.#deps.routing, actor))) return { kind: "not_approver" };
    if (poster === undefined) return { kind: "not_available" };
    try {
      const { channels, messages } = await poster.postNow(actor);
      return { kind: "posted", channels, messages };
    } catch (err) {
      this.#deps.logger.error("posting the digest on demand failed", { actor, error: err });
      return { kind: "failed", error: describeError(err) };
    }
  }
}

/** Without a previous digest, changes through the bot are listed for this long back. */
const FIRST_DIGEST_LOOKBACK_MS = 24 * 3_600_000;
/** Organizations read from VB365 at once. */
const CONCURRENCY = 4;

/**
 * One digest per digest channel, each covering only the organizations routed to it. A scheduled
 * digest already posted to a channel for this period is not posted again, so a run retried after
 * one channel failed posts only where it is missing; any channel failing fails the run.
 */
async function postDigests(ctx: DigestDeps, now: Date, trigger: DigestTrigger): Promise<PostedDigest[]> {
  const notifications = await readNotifications(ctx);
  const organizations = await readOrganizations(ctx);
  const skipped = skippedSince(ctx);
  const posted: PostedDigest[] = [];
  let failure: unknown;
  for (const [channel, list] of byDigestChannel(ctx.routing, organizations.list)) {
    const last = ctx.store.digests.latest(channel);
    if (trigger.kind === "scheduled" && last?.period === trigger.period) continue;
    const gathered: Gathered = {
      organizations: { list, ...(organizations.error === undefined ? {} : { error: organizations.error }) },
      notifications: combined(list.map((o) => notifications.get(serverName(ctx, o)))),
      skipped,
    };
    try {
      posted.push(await postDigest(ctx, now, trigger, channel, gathered));
    } catch (err) {
      ctx.logger.error("posting a digest failed", { channel, error: err });
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
  return posted;
}

/** The digest channels of every route, each with the organizations routed to it (maybe none). */
function byDigestChannel(
  routing: Routing,
  organizations: readonly OrganizationRef[],
): Map<string, OrganizationRef[]> {
  const out = new Map<string, OrganizationRef[]>(routing.all().map((r) => [r.destinations.digest, []]));
  for (const o of organizations) {
    const route = routing.find(o);
    if (route !== undefined) out.get(route.destinations.digest)?.push(o);
  }
  return out;
}

function serverName(ctx: DigestDeps, organization: OrganizationRef): string {
  try {
    return ctx.fleet.serverOf(organization);
  } catch {
    return "";
  }
}

/** The notifications of a channel's servers: on only when every one is on. */
function combined(each: readonly (Notifications | undefined)[]): Notifications {
  const known = each.filter((n): n is Notifications => n !== undefined);
  if (known.length === 0) return { kind: "on" };
  const off = known.find((n) => n.kind === "off");
  if (off) return off;
  return known.find((n) => n.kind === "unknown") ?? (known[0] as Notifications);
}

interface Gathered {
  organizations: { list: OrganizationRef[]; error?: string };
  notifications: Notifications;
  skipped: { now: SkippedItems; note?: string };
}

async function postDigest(
  ctx: DigestDeps,
  now: Date,
  trigger: DigestTrigger,
  destination: string,
  { organizations, notifications, skipped }: Gathered,
): Promise<PostedDigest> {
  const { digests } = ctx.store;
  // A channel's own last digest; a new channel (or one renamed) counts from the bot's last digest.
  const previous = digests.latest(destination) ?? digests.latest();
  const since = previous?.gatheredAt ?? null;
  const listSince = since ?? new Date(now.getTime() - FIRST_DIGEST_LOOKBACK_MS);

  // One read of the log covers both windows: since the oldest snapshot, and since the previous digest.
  // The snapshots' heads say when; their entries are read per organization, next to VB365's list.
  const listed = new Set(organizations.list.map((o) => o.id));
  const oldest = Math.min(
    listSince.getTime(),
    ...digests
      .snapshotOrganizations()
      .filter((s) => listed.has(s.id))
      .map((s) => s.takenAt.getTime()),
  );
  const events = ctx.store.log.since(new Date(oldest));
  const people = peopleLookup(ctx);
  const open = groupBy(ctx.store.requests.listOpen(), (r) => r.organization.id);
  const expired = groupBy(
    ctx.store.requests.listUpdatedSince(listSince).filter((r) => r.state === "expired"),
    (r) => r.organization.id,
  );
  const access = accessFromLog(events.filter((e) => e.at.getTime() >= listSince.getTime()));

  const taken = new Map<string, { at: Date; entries: AuditEntry[] }>();
  const inputs = await mapLimit(organizations.list, CONCURRENCY, async (o): Promise<OrganizationInput> => {
    let current: OrganizationInput["current"];
    if (organizations.error !== undefined) {
      current = { ok: false, error: organizations.error };
    } else {
      const takenAt = ctx.clock.now();
      try {
        const entries = auditEntries(await ctx.fleet.of(o).listAuditItems(o.id));
        taken.set(o.id, { at: takenAt, entries });
        current = { ok: true, entries };
      } catch (err) {
        ctx.logger.warn("digest: VB365 audit items unavailable for an organization", {
          organizationId: o.id,
          error: err,
        });
        current = { ok: false, error: describeError(err) };
      }
    }
    // Most days most lists are as the last digest saw them: given VB365's list, the store hands that
    // very list back instead of reading its copy (and computeDrift sees at once that nothing moved).
    const snapshot = digests.snapshot(o.id, current.ok ? current.entries : undefined);
    const snapshotAt = snapshot?.takenAt.getTime() ?? Number.POSITIVE_INFINITY;
    return {
      organization: o,
      current,
      snapshot: snapshot?.entries ?? null,
      changesSinceSnapshot: botChangesFrom(
        events.filter((e) => e.at.getTime() >= snapshotAt),
        o.id,
        people,
      ),
      changes: botChangesFrom(
        events.filter((e) => e.at.getTime() >= listSince.getTime()),
        o.id,
        people,
      ),
      openRequests: open.get(o.id) ?? [],
      expired: expired.get(o.id) ?? [],
      access: access.get(o.id) ?? access.get(o.name) ?? [],
    };
  });

  const digest = buildDigest({
    generatedAt: now,
    since,
    trigger:
      trigger.kind === "manual"
        ? { kind: "manual", requestedBy: trigger.requestedBy }
        : { kind: "scheduled", period: trigger.period },
    notifications,
    organizations: inputs,
    notes: skipped.note === undefined ? [] : [skipped.note],
    logHead: ctx.store.log.head(),
  });
  const { channel, ts: posted } = await ctx.notifier.post(digest, destination);

  const postedAt = ctx.clock.now();
  const digestId = ctx.store.transaction(() => {
    const record = digests.record({
      period: trigger.period,
      trigger: trigger.kind,
      requestedBy: trigger.kind === "manual" ? trigger.requestedBy : null,
      gatheredAt: now,
      postedAt,
      channel,
      messageTs: posted,
    });
    for (const o of digest.organizations) {
      const snap = taken.get(o.organization.id);
      if (!o.available || snap === undefined) continue;
      digests.replaceSnapshot(o.organization, snap.at, snap.entries, record.id);
      for (const d of o.drift) {
        ctx.store.log.append({
          kind: "drift_seen",
          actor: VB365_ACTOR,
          at: postedAt,
          organization: o.organization,
          principal: {
            type: d.entry.type,
            id: d.entry.id,
            name: d.entry.name,
            displayName: d.entry.displayName,
          },
          detail: {
            change: d.change,
            auditItemId: d.entry.auditItemId ?? null,
            digestId: record.id,
            period: trigger.period,
          },
        });
      }
    }
    ctx.store.state.set(SKIPPED_KEY, JSON.stringify(skipped.now), postedAt);
    ctx.store.log.append({
      kind: "digest_posted",
      actor: trigger.kind === "manual" ? trigger.requestedBy : SYSTEM_ACTOR,
      at: postedAt,
      detail: {
        digestId: record.id,
        period: trigger.period,
        trigger: trigger.kind,
        channel,
        messages: posted,
        notifications: notifications.kind,
        organizations: digest.totals.organizations,
        unavailable: digest.organizations.filter((o) => !o.available).map((o) => o.organization.name),
        drift: digest.totals.drift,
      },
    });
    return record.id;
  });
  return { digest, channel, messages: posted.length, digestId };
}

/** One line for the run record. */
export function describeDigests(outcomes: readonly PostedDigest[]): string {
  if (outcomes.length === 0) return "already posted in every digest channel for this period";
  const [only] = outcomes;
  if (outcomes.length === 1 && only) return describeDigest(only);
  return outcomes.map((o) => `${o.channel}: ${describeDigest(o)}`).join("; ");
}

function describeDigest(outcome: PostedDigest): string {
  const t = outcome.digest.totals;
  const parts = [
    `posted ${plural(outcome.messages, "message")}`,
    plural(t.organizations, "organization"),
    `${t.audited} audited`,
  ];
  if (t.unavailable > 0) parts.push(`${t.unavailable} unavailable`);
  if (t.drift > 0) parts.push(`${t.drift} drift`);
  if (outcome.digest.notifications.kind !== "on")
    parts.push(`notifications ${outcome.digest.notifications.kind}`);
  return parts.join(", ");
}

/** Each server's audit e-mail notifications, by server name. */
async function readNotifications(ctx: DigestDeps): Promise<Map<string, Notifications>> {
  const out = new Map<string, Notifications>();
  for (const server of ctx.fleet.servers) {
    try {
      const settings = await server.vbo.getAuditEmailSettings();
      out.set(server.name, settings.enableNotification === true ? { kind: "on" } : { kind: "off" });
    } catch (err) {
      ctx.logger.warn("digest: VB365 audit e-mail settings unavailable", { server: server.name, error: err });
      out.set(server.name, { kind: "unknown", error: describeError(err) });
    }
  }
  return out;
}

/**
 * VB365's organizations on every server; a server that cannot list them gives its last list. When
 * no server can, those the bot knows of, with the reason.
 */
async function readOrganizations(ctx: DigestDeps): Promise<{ list: OrganizationRef[]; error?: string }> {
  try {
    const listings = await ctx.fleet.listOrganizations();
    const failed = listings.find((l) => l.error !== undefined);
    const list = listings.flatMap((l) =>
      knownOrganizations(l.organizations, l.server).map(({ id, name, server }) => ({ id, name, server })),
    );
    if (failed !== undefined && list.length === 0) throw failed.error;
    return { list };
  } catch (err) {
    ctx.logger.warn("digest: VB365 organizations unavailable", { error: err });
    const known = new Map<string, OrganizationRef>();
    for (const o of ctx.store.digests.snapshotOrganizations()) known.set(o.id, { id: o.id, name: o.name });
    for (const r of ctx.store.requests.listOpen()) known.set(r.organization.id, r.organization);
    const list = known.size > 0 ? [...known.values()] : [{ id: "", name: "VB365" }];
    return { list, error: describeError(err) };
  }
}

function peopleLookup(ctx: DigestDeps): (requestId: number) => RequestPeople | undefined {
  const cache = new Map<number, RequestPeople | undefined>();
  return (id) => {
    if (!cache.has(id)) {
      const request = ctx.store.requests.get(id);
      cache.set(
        id,
        request && {
          requester: request.requester,
          approvers: ctx.store.votes.list(id).map((v) => v.approver),
        },
      );
    }
    return cache.get(id);
  };
}

function groupBy(requests: readonly Request[], key: (r: Request) => string): Map<string, Request[]> {
  const out = new Map<string, Request[]>();
  for (const r of requests) {
    const list = out.get(key(r)) ?? [];
    list.push(r);
    out.set(key(r), list);
  }
  return out;
}
