/**
 * Approvers are reminded of requests still pending after some hours (by default 4, 24 and 48).
 * Each reminder is sent once, to the approvers of the request's route who have not voted, and
 * logged as a `reminded` event carrying its number; after downtime only the latest reminder due is
 * sent, not every one missed.
 */
import { describeError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { Route, Routing } from "../routing.ts";
import { SYSTEM_ACTOR } from "../vocabulary.ts";
import { isPastTtl } from "./decide.ts";
import { logRequestEvent } from "./events.ts";
import type { RequestNotifier, RequestStore } from "./ports.ts";

const HOUR = 3_600_000;

/** How many reminders are due for a request of this age (pure). */
export function remindersDue(ageMs: number, afterHours: readonly number[]): number {
  return afterHours.filter((h) => ageMs >= h * HOUR).length;
}

export interface RemindersDeps {
  store: Pick<RequestStore, "requests" | "votes" | "log">;
  routing: Routing;
  notifier: RequestNotifier;
  logger: Logger;
  /** Hours after a request was asked at which its approvers are reminded; default 4, 24, 48. */
  afterHours?: readonly number[] | undefined;
}

export interface RemindResult {
  sent: number;
  /** One safe line per request that could not be reminded (`#12: Slack: ratelimited`). */
  failures: string[];
}

export class Reminders {
  readonly #deps: RemindersDeps;
  readonly #afterHours: readonly number[];

  constructor(deps: RemindersDeps) {
    this.#deps = deps;
    this.#afterHours = [...(deps.afterHours ?? [4, 24, 48])].sort((a, b) => a - b);
  }

  /** Sends the reminders due at `now`; a failure is logged and left for the next run. */
  async remind(now: Date): Promise<RemindResult> {
    const { store, notifier } = this.#deps;
    const rosters = new Map<Route, string[]>();
    const result: RemindResult = { sent: 0, failures: [] };
    for (const request of store.requests.listPending()) {
      const route = this.#deps.routing.of(request.organization);
      if (isPastTtl(request, route.policy, now)) continue; // the expiry job ends it; no point nudging
      const due = remindersDue(now.getTime() - request.createdAt.getTime(), this.#afterHours);
      if (due === 0) continue;
      const already = store.log
        .forRequest(request.id)
        .filter((e) => e.kind === "reminded")
        .map((e) => Number(e.detail.reminder ?? 0));
      if (already.some((n) => n >= due)) continue;
      try {
        const roster = rosters.get(route) ?? (await route.approvers.members());
        rosters.set(route, roster);
        const voted = new Set(store.votes.list(request.id).map((v) => v.approver));
        const approvers = roster.filter(
          (m) => !voted.has(m) && (route.policy.allowSelfApproval || m !== request.requester),
        );
        if (approvers.length === 0) continue;
        await notifier.remind(request.id, approvers);
        logRequestEvent(store.log, request, "reminded", SYSTEM_ACTOR, now, {
          reminder: due,
          afterHours: this.#afterHours[due - 1] ?? null,
          approvers,
        });
        result.sent++;
      } catch (err) {
        result.failures.push(`#${request.id}: ${describeError(err)}`);
        this.#deps.logger.warn("reminding approvers failed; the next run tries again", {
          requestId: request.id,
          error: err,
        });
      }
    }
    return result;
  }
}
