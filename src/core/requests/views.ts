/**
 * Telling the Slack side that a job changed requests. `RequestNotifier.requestChanged` is safe to
 * repeat, so when it fails the request is queued (`job_notifications`) and the next job run tries
 * again: a Slack outage never leaves an approval message showing a state the store left behind.
 */
import { describeError } from "../../errors.ts";
import type { JobContext } from "../../jobs/context.ts";

export interface NotifyCounts {
  notified: number;
  queued: number;
}

export async function notifyChanged(ctx: JobContext, requestIds: Iterable<number>): Promise<NotifyCounts> {
  const counts: NotifyCounts = { notified: 0, queued: 0 };
  for (const id of new Set(requestIds)) {
    try {
      await ctx.notifier.requestChanged(id);
      ctx.repos.notifications.done(id);
      counts.notified++;
    } catch (err) {
      ctx.repos.notifications.enqueue(id, ctx.clock.now(), describeError(err));
      ctx.logger.warn("could not re-render a request's Slack messages; queued for the next run", {
        requestId: id,
        error: err,
      });
      counts.queued++;
    }
  }
  return counts;
}

/** Retries queued notifications; returns how many are still queued. */
export async function drainNotifications(ctx: JobContext): Promise<number> {
  let left = 0;
  for (const queued of ctx.repos.notifications.list()) {
    try {
      await ctx.notifier.requestChanged(queued.requestId);
      ctx.repos.notifications.done(queued.requestId);
    } catch (err) {
      ctx.repos.notifications.failed(queued.requestId, describeError(err));
      left++;
    }
  }
  return left;
}
