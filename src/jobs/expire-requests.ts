/** Job: pending requests past their time-to-live become expired, and their Slack messages say so. */

import { drainNotifications, notifyChanged } from "../core/requests/views.ts";
import { plural } from "../core/vocabulary.ts";
import type { JobContext, JobResult } from "./context.ts";

export async function expireRequests(ctx: JobContext, now: Date): Promise<JobResult> {
  const queued = await drainNotifications(ctx);
  const expired = ctx.requests.expireStale(now);
  const sent = await notifyChanged(
    ctx,
    expired.map((r) => r.id),
  );
  const left = queued + sent.queued;
  return {
    outcome: left > 0 ? "failed" : "succeeded",
    detail: `${plural(expired.length, "request")} expired${left > 0 ? `; ${left} Slack update(s) queued for retry` : ""}`,
  };
}
