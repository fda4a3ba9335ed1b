/** Job: time-bound audits whose time is up are removed from VB365 (no second approval needed). */

import { drainNotifications, notifyChanged } from "../core/requests/views.ts";
import { plural } from "../core/vocabulary.ts";
import type { JobContext, JobResult } from "./context.ts";

export async function endTimedAudits(ctx: JobContext, now: Date): Promise<JobResult> {
  const queued = await drainNotifications(ctx);
  const results = await ctx.requests.expireTimeBoundAudits(now);
  const done = results.filter((r) => r.kind === "removed" || r.kind === "superseded");
  const failed = results.filter((r) => r.kind === "failed");
  const sent = await notifyChanged(
    ctx,
    [...done, ...failed].map((r) => r.request.id),
  );
  const left = queued + sent.queued;
  const parts = [`${plural(done.length, "time-bound audit")} ended`];
  if (failed.length > 0) parts.push(`${failed.length} could not be removed (${failed[0]?.error ?? ""})`);
  if (left > 0) parts.push(`${left} Slack update(s) queued for retry`);
  return { outcome: failed.length > 0 || left > 0 ? "failed" : "succeeded", detail: parts.join("; ") };
}
