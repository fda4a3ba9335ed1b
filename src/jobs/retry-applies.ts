/**
 * Job: approved requests not yet applied to VB365 are applied (the RequestService keeps its own
 * backoff per request), and their Slack messages re-rendered with the outcome.
 */

import { drainNotifications, notifyChanged } from "../core/requests/views.ts";
import { plural } from "../core/vocabulary.ts";
import type { JobContext, JobResult } from "./context.ts";

export async function retryApplies(ctx: JobContext, now: Date): Promise<JobResult> {
  const queued = await drainNotifications(ctx);
  const results = await ctx.requests.retryDue(now);
  const applied = results.filter((r) => r.kind === "applied");
  const failed = results.filter((r) => r.kind === "failed");
  const sent = await notifyChanged(
    ctx,
    [...applied, ...failed].map((r) => r.request.id),
  );
  const left = queued + sent.queued;
  const parts = [`${plural(applied.length, "request")} applied`];
  if (failed.length > 0) parts.push(`${failed.length} failed again (${failed[0]?.error ?? ""})`);
  if (left > 0) parts.push(`${left} Slack update(s) queued for retry`);
  return { outcome: failed.length > 0 || left > 0 ? "failed" : "succeeded", detail: parts.join("; ") };
}
