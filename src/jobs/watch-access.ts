/**
 * Job: watch VB365's restore sessions for access to audited principals' data (every minute, when
 * `ALERTS_CHANNEL_ID` is set). Polling works on every API version:
 *
 * 1. List sessions created since the persisted cursor minus an overlap (late sessions, skewed
 *    clocks), plus sessions known to be Working or whose examination failed, each read again by
 *    its id (`GET /RestoreSessions/{id}`: how a server filters by time is not documented).
 * 2. A session is examined when it is new, when what was seen of it changed (state, eTag, end
 *    time, details), or while it is Working. Examining reads its events and matches them against
 *    the audited principals of its organization (src/core/access.ts; audit lists and group members
 *    are read at most once per run, and only when some session needs them).
 * 3. The first match posts ONE alert for the session; later matching events update that message
 *    (`ChatOut.update`). Each alert and update is logged as `access_seen`. Sessions and alerts are
 *    persisted, so a session is alerted once across runs and restarts.
 *
 * A session whose examination fails (VB365 or Slack) is remembered and retried by the next runs; the
 * cursor still moves on. After `maxFailures` attempts it is given up, loudly.
 */
import { createHash } from "node:crypto";
import {
  type AccessSummary,
  type AuditedIndex,
  accountLocalPart,
  buildAccessSummary,
  createAuditedIndex,
  type MemberRef,
} from "../core/access.ts";
import { type OrganizationRef, VB365_ACTOR } from "../core/types.ts";
import { renderAccessAlert } from "../slack/blocks/alert.ts";
import { canonicalJson } from "../store/log.ts";
import type { AuditItem, GroupMember, RestoreSession, RestoreSessionEvent } from "../vbo/schemas.ts";
import { collect, type JobContext, type JobResult, plural } from "./context.ts";

export const CURSOR_KEY = "watch-access.cursor";

/** What, when it changes, means a session's events must be read again. */
export function sessionFingerprint(s: RestoreSession): string {
  return JSON.stringify([s.state, s.eTag ?? null, s.endTime ?? null, s.details ?? null, s.result]);
}

export function summaryHash(summary: AccessSummary): string {
  return createHash("sha256").update(canonicalJson(summary)).digest("hex");
}

/** Per-run caches: organizations, audit lists and group members are read once, when first needed. */
class RunCache {
  #organizations: Promise<OrganizationRef[]> | undefined;
  readonly #officeNames = new Map<string, string>();
  readonly #indexes = new Map<string, Promise<AuditedIndex>>();

  constructor(private readonly ctx: JobContext) {}

  organizations(): Promise<OrganizationRef[]> {
    this.#organizations ??= this.ctx.vbo.listOrganizations().then((list) =>
      list
        .filter((o): o is typeof o & { id: string } => typeof o.id === "string" && o.id !== "")
        .map((o) => {
          if (o.officeName) this.#officeNames.set(o.id, o.officeName.toLowerCase());
          return { id: o.id, name: o.name || o.officeName || o.id };
        }),
    );
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
    const name = session.organization?.trim().toLowerCase();
    const byName = name
      ? all.filter((o) => o.name.toLowerCase() === name || this.#officeNames.get(o.id) === name)
      : [];
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

/** A member as matching needs it; VB365 gives the member's id only inside its `_links.self`. */
function memberRef(m: GroupMember): MemberRef {
  const href = (m as { _links?: { self?: { href?: unknown } } })._links?.self?.href;
  let id: string | undefined;
  if (typeof href === "string") {
    const last = href.split("?")[0]?.split("/").pop();
    try {
      id = last ? decodeURIComponent(last) : undefined;
    } catch {
      id = last;
    }
  }
  return { id, login: m.login ?? undefined, displayName: m.name ?? undefined };
}

interface RunCounts {
  listed: number;
  examined: number;
  posted: number;
  updated: number;
  failed: number;
  gaveUp: number;
}

export async function watchAccess(ctx: JobContext, now: Date): Promise<JobResult> {
  const channel = ctx.config.alerts.channelId;
  if (channel === undefined) return { outcome: "skipped", detail: "ALERTS_CHANNEL_ID is not set" };
  const { access, state } = ctx.repos;
  const { overlapMs, initialLookbackMs, maxSessionAgeMs, maxFailures } = ctx.settings.watch;
  const log = ctx.logger.child({ job: "watch-access" });

  const stored = state.get(CURSOR_KEY);
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
    const seen = access.session(session.id);
    if (seen && seen.fingerprint === fingerprint && session.state !== "Working") continue;
    counts.examined++;
    try {
      const { result, eventCount } = await examine(ctx, cache, session, channel, now);
      if (result === "posted") counts.posted++;
      if (result === "updated") counts.updated++;
      access.saveSession(
        {
          sessionId: session.id,
          organization: session.organization ?? null,
          creationTime: new Date(session.creationTime),
          state: session.state,
          fingerprint,
          eventCount,
        },
        now,
      );
    } catch (err) {
      const failed = access.markFailed(
        {
          sessionId: session.id,
          organization: session.organization ?? null,
          creationTime: new Date(session.creationTime),
          state: session.state,
        },
        now,
      );
      if (failed.failures >= maxFailures) {
        // Stop retrying: a session that fails this often would otherwise be read every minute forever.
        access.saveSession(
          {
            sessionId: session.id,
            organization: session.organization ?? null,
            creationTime: new Date(session.creationTime),
            state: session.state,
            fingerprint,
            eventCount: 0,
          },
          now,
        );
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

  state.set(CURSOR_KEY, now.toISOString(), now);
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
  ctx: JobContext,
  cache: RunCache,
  session: RestoreSession,
  channel: string,
  now: Date,
): Promise<{ result: "posted" | "updated" | "none"; eventCount: number }> {
  const { access } = ctx.repos;
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
  const message = renderAccessAlert(summary, { timeZone: ctx.time.timeZone });
  const organization = summary.organization.id
    ? { id: summary.organization.id, name: summary.organization.name }
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
    const posted = await ctx.chat.post(channel, message);
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
  await ctx.chat.update(existing.channel, existing.ts, message);
  ctx.store.transaction(() => {
    access.recordAlertUpdate(session.id, hash, summary.itemCount, now);
    logEvent(existing, true);
  });
  ctx.logger.info("access alert updated", { sessionId: summary.sessionId, items: summary.itemCount });
  return { result: "updated", eventCount };
}
