/**
 * Which scheduled occurrence a moment belongs to, by node-cron's own matcher, so the digest that
 * cron fires and the one caught up after downtime agree on the period they are for.
 */
import cron from "node-cron";
import type { ZonedTime } from "../core/digest/time.ts";

const MINUTE = 60_000;
/** A day has at most 25 hours (the day a daylight-saving change gives one back). */
const MAX_MINUTES_IN_DAY = 25 * 60;

/**
 * The latest minute at or before `now`, on the same local day in `time`'s zone, that `expression`
 * matches; undefined when none has come yet today. Walks back minute by minute with a stopped task's
 * `match` (node-cron 4 exposes no "previous run").
 */
export function latestOccurrenceToday(expression: string, time: ZonedTime, now: Date): Date | undefined {
  const task = cron.createTask(expression, () => undefined, { timezone: time.timeZone });
  try {
    const today = time.dateKey(now);
    let at = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
    for (let i = 0; i < MAX_MINUTES_IN_DAY; i++) {
      if (time.dateKey(at) !== today) return undefined;
      if (task.match(at)) return at;
      at = new Date(at.getTime() - MINUTE);
    }
    return undefined;
  } finally {
    // createTask registers the task in node-cron's process-wide registry: remove it again.
    const destroyed = task.destroy();
    if (destroyed instanceof Promise) destroyed.catch(() => undefined);
  }
}
