/**
 * What each scheduled job does: one short function each, `(ctx, now) => JobResult`, that calls the
 * core and sums the outcome up in one line for `job_runs` and the logs. No cron here (scheduler.ts
 * owns the schedules and the run records) and no decisions (the core's features own them).
 */
import { mapLimit } from "../async.ts";
import type { Clock } from "../clock.ts";
import type { Core } from "../core/index.ts";
import { knownOrganizations } from "../core/organizations.ts";
import { plural } from "../core/vocabulary.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../logger.ts";

export const JOB_NAMES = [
  "digest",
  "expire-requests",
  "remind-approvers",
  "retry-applies",
  "end-timed-audits",
  "sync-directory",
  "watch-access",
] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobResult {
  outcome: "succeeded" | "failed" | "skipped";
  /** One line for `job_runs.detail` and the logs: counts and safe error lines only. */
  detail: string;
}

/** What a job function is given. */
export interface JobContext {
  core: Core;
  clock: Clock;
  logger: Logger;
}

type Job = (ctx: JobContext, now: Date) => Promise<JobResult>;

/** Every job but the digest, whose run depends on its period (scheduler.ts). */
export const JOBS: Record<Exclude<JobName, "digest">, Job> = {
  /** Pending requests past their time-to-live become expired, and their messages say so. */
  "expire-requests": async (ctx, now) => {
    const queued = await ctx.core.views.drain();
    const expired = ctx.core.requests.expireStale(now);
    const sent = await ctx.core.views.refresh(expired.map((r) => r.id));
    return withQueued(`${plural(expired.length, "request")} expired`, false, queued + sent.queued);
  },

  /**
   * Approved requests not yet applied are applied (each with its own backoff), and re-rendered;
   * those VB365 keeps refusing end. One whose approval is not in the log is refused and reported.
   */
  "retry-applies": async (ctx, now) => {
    const queued = await ctx.core.views.drain();
    const results = await ctx.core.applier.retryDue(now);
    const of = <K extends (typeof results)[number]["kind"]>(kind: K) =>
      results.filter((r): r is Extract<(typeof results)[number], { kind: K }> => r.kind === kind);
    const [applied, failed, ended, unlogged] = [of("applied"), of("failed"), of("ended"), of("not_in_log")];
    const sent = await ctx.core.views.refresh([...applied, ...failed, ...ended].map((r) => r.request.id));
    const parts = [`${plural(applied.length, "request")} applied`];
    if (failed.length > 0) parts.push(`${failed.length} failed again (${failed[0]?.error ?? ""})`);
    if (ended.length > 0)
      parts.push(`${plural(ended.length, "request")} ended as failed (${ended[0]?.error ?? ""})`);
    if (unlogged.length > 0) {
      const ids = unlogged.map((r) => `#${r.request.id}`).join(", ");
      parts.push(`not applied, their approval is not in the log: ${ids} (run npm run verify-log)`);
    }
    return withQueued(parts.join("; "), failed.length + unlogged.length > 0, queued + sent.queued);
  },

  /** Time-bound audits whose time is up are removed from VB365 (no second approval needed). */
  "end-timed-audits": async (ctx, now) => {
    const queued = await ctx.core.views.drain();
    const results = await ctx.core.applier.endTimedAudits(now);
    const done = results.filter((r) => r.kind === "removed" || r.kind === "superseded" || r.kind === "drift");
    const failed = results.filter((r) => r.kind === "failed");
    const sent = await ctx.core.views.refresh([...done, ...failed].map((r) => r.request.id));
    const parts = [`${plural(done.length, "time-bound audit")} ended`];
    if (failed.length > 0) parts.push(`${failed.length} could not be removed (${failed[0]?.error ?? ""})`);
    return withQueued(parts.join("; "), failed.length > 0, queued + sent.queued);
  },

  /** Approvers are reminded of requests still pending after some hours. */
  "remind-approvers": async (ctx, now) => {
    const { sent, failures } = await ctx.core.reminders.remind(now);
    return {
      outcome: failures.length > 0 ? "failed" : "succeeded",
      detail: `${plural(sent, "reminder")} sent${failures.length > 0 ? `; failed: ${failures.join("; ")}` : ""}`,
    };
  },

  /** Every organization's directory cache is read again from VB365, so lookups answer from fresh data. */
  "sync-directory": async (ctx) => {
    const failures: string[] = [];
    const organizations = (await ctx.core.fleet.listOrganizations()).flatMap((listing) => {
      // A server that cannot list its organizations now is not synced from its old list.
      if (listing.error !== undefined) {
        failures.push(`${listing.server}: ${describeError(listing.error)}`);
        return [];
      }
      return knownOrganizations(listing.organizations, listing.server);
    });
    let users = 0;
    let groups = 0;
    // One organization at a time: a sync pages the whole directory and VB365 is not to be flooded.
    await mapLimit(organizations, 1, async (o) => {
      try {
        const result = await ctx.core.resolver.syncDirectory(o.id);
        users += result.users;
        groups += result.groups;
      } catch (err) {
        failures.push(`${o.name}: ${describeError(err)}`);
        ctx.logger.warn("directory sync failed for an organization; the next run tries again", {
          organizationId: o.id,
          error: err,
        });
      }
    });
    const synced = organizations.length - failures.length;
    const detail = `${plural(synced, "organization")} synced (${users} users, ${groups} groups)${
      failures.length > 0 ? `; failed: ${failures.join("; ")}` : ""
    }`;
    return { outcome: failures.length > 0 ? "failed" : "succeeded", detail };
  },

  /** VB365's restore sessions are read for access to audited data; each match is alerted once. */
  "watch-access": (ctx, now) => ctx.core.access.watch(now),
};

/** A job's line, with the chat updates still waiting for a retry; any of those makes the run failed. */
function withQueued(detail: string, failed: boolean, queued: number): JobResult {
  return {
    outcome: failed || queued > 0 ? "failed" : "succeeded",
    detail: queued > 0 ? `${detail}; ${queued} Slack update(s) queued for retry` : detail,
  };
}
