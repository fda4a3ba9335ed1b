/**
 * The one place jobs meet node-cron. Every schedule runs in `DIGEST_TIMEZONE` with `noOverlap`, and
 * a job never runs twice at once in this process either (a scheduled tick finding its job busy is
 * skipped; `runNow` and `digest.postNow` wait for the run in progress, then run).
 *
 * Every run is recorded in `job_runs` (job, period, start, end, outcome, one-line detail). The digest
 * is claimed per period (its scheduled occurrence in the zone, e.g. `2026-11-25T09:00`): a period is
 * posted at most once, a restart does not post it again, and a digest missed while the bot was down
 * is posted when it comes back the same day (at `start()`, and by a catch-up check every few minutes
 * that also retries a failed digest). A run left unfinished by a crash stops blocking its period once
 * its lease passes. Checks that find no digest due are not recorded as runs.
 *
 * Jobs survive VB365 and Slack failures: each is caught, logged, recorded as a failed run and tried
 * again at the next tick; nothing here leaves a promise rejection unhandled.
 */
import { randomUUID } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import type { Clock } from "../clock.ts";
import type { DigestPoster } from "../core/digest/ports.ts";
import { describeDigests } from "../core/digest/post.ts";
import { ZonedTime } from "../core/digest/time.ts";
import type { Core } from "../core/index.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/index.ts";
import { JOB_NAMES, JOBS, type JobContext, type JobName, type JobResult } from "./jobs.ts";
import { latestOccurrenceToday } from "./occurrence.ts";

export { JOB_NAMES, type JobName, type JobResult } from "./jobs.ts";

export interface JobOptions {
  /** Cron expressions by job, see DEFAULT_SCHEDULES; `digest` defaults to the configured cron. */
  schedules?: Partial<Record<JobName | "digest-catch-up", string>>;
  /** How long `stop()` waits for running jobs; default 30 s. */
  stopTimeoutMs?: number;
  /** A run unfinished after this is taken for crashed; default 15 min. */
  runLeaseMs?: number;
  /** Failed attempts at one scheduled digest before giving it up for the day; default 5. */
  digestMaxAttempts?: number;
  /** Job runs and forgotten restore sessions are kept this long; default 30 days. */
  retentionDays?: number;
}

export interface JobDeps {
  core: Core;
  /** The jobs' run records, and the records they prune. */
  store: Pick<Store, "runs" | "access">;
  /** `DIGEST_CRON`, and `DIGEST_TIMEZONE`, the zone of every schedule. */
  schedule: { digestCron: string; timezone: string };
  clock: Clock;
  logger: Logger;
  options?: JobOptions | undefined;
}

/** Default cron expressions (in `DIGEST_TIMEZONE`); the digest's is `DIGEST_CRON`. */
export const DEFAULT_SCHEDULES: Record<Exclude<JobName, "digest"> | "digest-catch-up", string> = {
  "digest-catch-up": "*/10 * * * *",
  "expire-requests": "*/5 * * * *",
  "remind-approvers": "*/15 * * * *",
  "retry-applies": "* * * * *",
  "end-timed-audits": "*/5 * * * *",
  "sync-directory": "30 2 * * *",
  "watch-access": "* * * * *",
};

export interface Jobs {
  /** Schedules every job, and catches up today's digest if it was missed. */
  start(): void;
  /** Stops the schedules and waits (bounded by `stopTimeoutMs`) for running jobs. */
  stop(): Promise<void>;
  /** Runs a job now (after the run in progress, if any) and records it. The digest posts only if today's is due. */
  runNow(name: JobName): Promise<JobResult>;
  /** `/vbo-audit digest`: posts a digest now, whatever the schedule; it counts as a digest for "since". */
  readonly digest: DigestPoster;
}

type Trigger = "scheduled" | "manual";

interface Period {
  key: string;
  exclusive: boolean;
}

interface Definition {
  /** The period a run starting at `now` is for; undefined: nothing is due (not a run). */
  period(now: Date): Period | undefined;
  run(now: Date, period: Period): Promise<JobResult>;
}

interface Settings {
  stopTimeoutMs: number;
  runLeaseMs: number;
  digestMaxAttempts: number;
  retentionMs: number;
}

export function createJobs(deps: JobDeps): Jobs {
  return new JobScheduler(deps);
}

class JobScheduler implements Jobs {
  readonly #deps: JobDeps;
  readonly #ctx: JobContext;
  readonly #settings: Settings;
  readonly #owner = randomUUID();
  readonly #definitions: Record<JobName, Definition>;
  readonly #busy = new Map<JobName, Promise<unknown>>();
  readonly #tasks: ScheduledTask[] = [];
  #state: "new" | "started" | "stopped" = "new";
  #lastPrune = 0;
  readonly #digestCron: string;
  readonly digest: DigestPoster;

  constructor(deps: JobDeps) {
    this.#deps = deps;
    this.#ctx = { core: deps.core, clock: deps.clock, logger: deps.logger };
    const o = deps.options ?? {};
    this.#settings = {
      stopTimeoutMs: o.stopTimeoutMs ?? 30_000,
      runLeaseMs: o.runLeaseMs ?? 15 * 60_000,
      digestMaxAttempts: o.digestMaxAttempts ?? 5,
      retentionMs: (o.retentionDays ?? 30) * 24 * 3_600_000,
    };
    const time = new ZonedTime(deps.schedule.timezone);
    const digestCron = o.schedules?.digest ?? deps.schedule.digestCron;
    this.#digestCron = digestCron;
    const minute = (now: Date): Period => ({ key: time.minuteKey(now), exclusive: false });
    const job = (name: Exclude<JobName, "digest">): Definition => ({
      period: minute,
      run: (now) => JOBS[name](this.#ctx, now),
    });
    const { digest } = deps.core;
    this.#definitions = {
      digest: {
        period: (now) => {
          const at = latestOccurrenceToday(digestCron, time, now);
          return at === undefined ? undefined : { key: time.minuteKey(at), exclusive: true };
        },
        run: async (now, period) => {
          const posted = await digest.post(now, { kind: "scheduled", period: period.key });
          return { outcome: "succeeded", detail: describeDigests(posted) };
        },
      },
      "expire-requests": job("expire-requests"),
      "remind-approvers": job("remind-approvers"),
      "retry-applies": job("retry-applies"),
      "end-timed-audits": job("end-timed-audits"),
      "sync-directory": job("sync-directory"),
      "watch-access": job("watch-access"),
    };
    this.digest = {
      postNow: async (requestedBy: string) => {
        const posted = await this.#exclusive("digest", false, async () => {
          const now = this.#deps.clock.now();
          let went: { channels: string[]; messages: number } = { channels: [], messages: 0 };
          const period = { key: `manual:${now.toISOString()}`, exclusive: false };
          const result = await this.#record("digest", period, now, async () => {
            const outcome = await digest.post(now, { kind: "manual", period: period.key, requestedBy });
            went = {
              channels: outcome.map((o) => o.channel),
              messages: outcome.reduce((n, o) => n + o.messages, 0),
            };
            return {
              outcome: "succeeded",
              detail: `on request of ${requestedBy}: ${describeDigests(outcome)}`,
            };
          });
          return { result, went };
        });
        if (posted === undefined || posted.result.outcome !== "succeeded") {
          throw new Error(
            `the digest could not be posted: ${posted?.result.detail ?? "the bot is stopping"}`,
          );
        }
        return posted.went;
      },
    };
  }

  start(): void {
    if (this.#state !== "new") throw new Error(`jobs already ${this.#state}`);
    this.#state = "started";
    const { logger, clock, store, schedule, options, core } = this.#deps;
    const log = logger.child({ component: "node-cron" });
    // node-cron's own messages (a missed tick, an overlap) go to our logs, not the console.
    const text = (m: string | Error) => (m instanceof Error ? m.message : m);
    const cronLogger = {
      info: (m: string) => log.info(m),
      warn: (m: string) => log.warn(m),
      error: (m: string | Error, err?: Error) => log.error(text(m), { error: err ?? m }),
      debug: (m: string | Error) => log.debug(text(m)),
    };
    const abandoned = store.runs.abandonStale(clock.now());
    if (abandoned.length > 0) {
      logger.warn("job runs left unfinished by an earlier process marked abandoned", {
        runs: abandoned.map((r) => ({ job: r.job, period: r.period, startedAt: r.startedAt })),
      });
    }
    const schedules = { ...DEFAULT_SCHEDULES, ...options?.schedules };
    const plan: Array<[string, JobName]> = [
      [this.#digestCron, "digest"],
      [schedules["digest-catch-up"], "digest"],
    ];
    for (const name of JOB_NAMES) {
      if (name === "digest") continue;
      if (name === "watch-access" && !core.access.enabled) continue;
      plan.push([schedules[name], name]);
    }
    for (const [expression, name] of plan) {
      this.#tasks.push(
        // The tick's promise goes back to node-cron, so that its noOverlap sees the run in progress.
        cron.schedule(expression, () => this.#tick(name), {
          timezone: schedule.timezone,
          name: `vbo-audit:${name}:${this.#tasks.length}`,
          noOverlap: true,
          logger: cronLogger,
        }),
      );
    }
    logger.info("jobs scheduled", {
      timezone: schedule.timezone,
      jobs: plan.map(([expression, name]) => `${name} ${expression}`),
    });
    // A digest missed while the bot was down is posted now, if it is still the same day.
    void this.#tick("digest");
  }

  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    for (const task of this.#tasks.splice(0)) {
      try {
        await task.stop();
        await task.destroy();
      } catch (err) {
        this.#deps.logger.warn("stopping a cron task failed", { error: err });
      }
    }
    const running = [...this.#busy.values()];
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#settings.stopTimeoutMs);
    });
    const result = await Promise.race([Promise.allSettled(running).then(() => "done" as const), timedOut]);
    clearTimeout(timer);
    if (result === "timeout") {
      this.#deps.logger.warn("jobs still running at shutdown; their runs will be marked abandoned later", {
        jobs: [...this.#busy.keys()],
      });
    }
  }

  async runNow(name: JobName): Promise<JobResult> {
    if (!JOB_NAMES.includes(name)) throw new Error(`unknown job ${String(name)}`);
    const result = await this.#exclusive(name, false, () => this.#runDefinition(name, "manual"));
    return result ?? { outcome: "skipped", detail: "the bot is stopping" };
  }

  /** A cron tick: skipped when the job is already running; never rejects. */
  async #tick(name: JobName): Promise<void> {
    try {
      await this.#exclusive(name, true, () => this.#runDefinition(name, "scheduled"));
    } catch (err) {
      this.#deps.logger.error("a scheduled job failed outside its own error handling", {
        job: name,
        error: err,
      });
    }
  }

  /**
   * Runs `fn` when no other run of `name` is in progress in this process. `skipIfBusy`: give up
   * instead of waiting (scheduled ticks). Undefined when skipped or stopped.
   */
  async #exclusive<T>(name: JobName, skipIfBusy: boolean, fn: () => Promise<T>): Promise<T | undefined> {
    for (;;) {
      if (this.#state === "stopped") return undefined;
      const running = this.#busy.get(name);
      if (running === undefined) break;
      if (skipIfBusy) {
        this.#deps.logger.debug("job still running; tick skipped", { job: name });
        return undefined;
      }
      await running.catch(() => undefined);
    }
    const run = fn();
    this.#busy.set(name, run);
    try {
      return await run;
    } finally {
      if (this.#busy.get(name) === run) this.#busy.delete(name);
    }
  }

  async #runDefinition(name: JobName, trigger: Trigger): Promise<JobResult> {
    const definition = this.#definitions[name];
    const now = this.#deps.clock.now();
    let period: Period | undefined;
    try {
      period = definition.period(now);
    } catch (err) {
      this.#deps.logger.error("could not work out a job's period", { job: name, error: err });
      return { outcome: "failed", detail: describeError(err) };
    }
    if (period === undefined) return { outcome: "skipped", detail: "nothing due today yet" };
    const due = period;
    return this.#record(name, due, now, () => definition.run(now, due), trigger);
  }

  /** Claims and records one run around `work`; never rejects for the work's own failures. */
  async #record(
    name: JobName,
    period: Period,
    now: Date,
    work: () => Promise<JobResult>,
    trigger: Trigger = "manual",
  ): Promise<JobResult> {
    const { store, clock } = this.#deps;
    const log = this.#deps.logger.child({ job: name, period: period.key, trigger });
    const begun = store.runs.begin({
      job: name,
      period: period.key,
      owner: this.#owner,
      now,
      leaseMs: this.#settings.runLeaseMs,
      exclusive: period.exclusive,
      maxAttempts: this.#settings.digestMaxAttempts,
    });
    if (begun.kind === "done") return { outcome: "skipped", detail: `${period.key} already done` };
    if (begun.kind === "busy")
      return { outcome: "skipped", detail: `${period.key} is being run (run ${begun.run.id})` };
    if (begun.kind === "gave_up") {
      log.debug("period given up after repeated failures", { attempts: begun.attempts });
      return { outcome: "skipped", detail: `${period.key} given up after ${begun.attempts} failed attempts` };
    }
    for (const run of begun.abandoned) {
      log.warn("an earlier run of this period never finished; taken over", {
        runId: run.id,
        startedAt: run.startedAt,
      });
    }

    let result: JobResult;
    try {
      result = await work();
    } catch (err) {
      result = { outcome: "failed", detail: describeError(err) };
      log.warn("job run failed; it will be tried again", { error: err });
    }
    const finished = store.runs.finish(begun.run.id, clock.now(), result.outcome, result.detail);
    if (!finished) log.warn("job run finished after it was marked abandoned", { runId: begun.run.id });
    if (result.outcome === "failed") log.warn("job run ended with failures", { detail: result.detail });
    else if (result.outcome === "succeeded") log.info("job run finished", { detail: result.detail });
    this.#prune(now);
    return result;
  }

  /** Old run records and forgotten sessions go once a day. */
  #prune(now: Date): void {
    if (now.getTime() - this.#lastPrune < 24 * 3_600_000) return;
    this.#lastPrune = now.getTime();
    const before = new Date(now.getTime() - this.#settings.retentionMs);
    try {
      const runs = this.#deps.store.runs.prune(before);
      const sessions = this.#deps.store.access.prune(before);
      if (runs + sessions > 0) this.#deps.logger.info("old job records pruned", { runs, sessions });
    } catch (err) {
      this.#deps.logger.warn("pruning old job records failed", { error: err });
    }
  }
}
