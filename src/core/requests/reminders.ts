/**
 * Job: approvers are reminded of requests still pending after some hours (by default 4, 24 and 48).
 * Each reminder is sent once, to the approvers who have not voted, and logged as a `reminded` event
 * carrying its number; after downtime only the latest reminder due is sent, not every one missed.
 */

import { describeError } from "../../errors.ts";
import type { JobContext, JobResult } from "../../jobs/context.ts";
import { plural, SYSTEM_ACTOR } from "../vocabulary.ts";
import { isPastTtl } from "./decide.ts";

const HOUR = 3_600_000;

/** How many reminders are due for a request of this age (pure). */
export function remindersDue(ageMs: number, afterHours: readonly number[]): number {
  return afterHours.filter((h) => ageMs >= h * HOUR).length;
}

export async function remindApprovers(ctx: JobContext, now: Date): Promise<JobResult> {
  const offsets = ctx.settings.reminderAfterHours;
  const policy = ctx.requests.policy;
  let roster: string[] | undefined;
  let sent = 0;
  const failures: string[] = [];
  for (const request of ctx.store.requests.listPending()) {
    if (isPastTtl(request, policy, now)) continue; // the expiry job ends it; no point nudging
    const due = remindersDue(now.getTime() - request.createdAt.getTime(), offsets);
    if (due === 0) continue;
    const already = ctx.store.log
      .forRequest(request.id)
      .filter((e) => e.kind === "reminded")
      .map((e) => Number(e.detail.reminder ?? 0));
    if (already.some((n) => n >= due)) continue;
    try {
      roster ??= await ctx.roster.members();
      const voted = new Set(ctx.store.votes.list(request.id).map((v) => v.approver));
      const approvers = roster.filter(
        (m) => !voted.has(m) && (policy.allowSelfApproval || m !== request.requester),
      );
      if (approvers.length === 0) continue;
      await ctx.notifier.remind(request.id, approvers);
      ctx.store.log.append({
        kind: "reminded",
        actor: SYSTEM_ACTOR,
        at: now,
        requestId: request.id,
        organization: request.organization,
        principal: request.principal,
        detail: {
          requestKind: request.kind,
          reminder: due,
          afterHours: offsets[due - 1] ?? null,
          approvers,
        },
      });
      sent++;
    } catch (err) {
      failures.push(`#${request.id}: ${describeError(err)}`);
      ctx.logger.warn("reminding approvers failed; the next run tries again", {
        requestId: request.id,
        error: err,
      });
    }
  }
  return {
    outcome: failures.length > 0 ? "failed" : "succeeded",
    detail: `${plural(sent, "reminder")} sent${failures.length > 0 ? `; failed: ${failures.join("; ")}` : ""}`,
  };
}
