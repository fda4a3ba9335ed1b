/**
 * What every job receives: its dependencies (passed in, never imported), the repositories of the
 * jobs' own tables, the time zone of all schedules, and options with defaults. Plus the few helpers
 * the job files share (safe error lines, draining async pages, bounded concurrency).
 */
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { ZonedTime } from "../core/digest/time.ts";
import type { Resolver } from "../core/directory/resolver.ts";
import type { RequestService } from "../core/requests/lifecycle.ts";
import type { ApproverRoster, ChatOut, RequestNotifier } from "../core/requests/ports.ts";
import type { Logger } from "../logger.ts";
import { AccessWatchRepository } from "../store/access.ts";
import type { Store } from "../store/index.ts";
import { JobRunRepository, JobStateRepository, NotificationQueue } from "../store/jobs.ts";
import { DigestRepository } from "../store/snapshots.ts";
import type { VboApi } from "../vbo/api.ts";

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

export interface JobOptions {
  /** Cron expressions by job, see DEFAULT_SCHEDULES; `digest` defaults to `DIGEST_CRON`. */
  schedules?: Partial<Record<JobName | "digest-catch-up", string>>;
  /** Remind approvers of a pending request this many hours after it was asked; default 4, 24, 48. */
  reminderAfterHours?: readonly number[];
  /** How long `stop()` waits for running jobs; default 30 s. */
  stopTimeoutMs?: number;
  /** A run unfinished after this is taken for crashed; default 15 min. */
  runLeaseMs?: number;
  /** Failed attempts at one scheduled digest before giving it up for the day; default 5. */
  digestMaxAttempts?: number;
  /** Job runs and forgotten restore sessions are kept this long; default 30 days. */
  retentionDays?: number;
  watch?: {
    /** Each poll reaches back this far before the last one, for late sessions and skewed clocks; default 15 min. */
    overlapMs?: number;
    /** How far back the very first poll looks; default 24 h. */
    initialLookbackMs?: number;
    /** A Working session is re-read until it stops, for at most this long; default 7 days. */
    maxSessionAgeMs?: number;
    /** Failed examinations of one session before it is given up; default 10. */
    maxFailures?: number;
  };
}

export interface JobDeps {
  config: { digest: Config["digest"]; alerts: Config["alerts"] };
  store: Store;
  vbo: VboApi;
  requests: RequestService;
  resolver: Pick<Resolver, "syncDirectory">;
  chat: ChatOut;
  notifier: RequestNotifier;
  roster: ApproverRoster;
  clock: Clock;
  logger: Logger;
  options?: JobOptions;
}

export interface JobRepos {
  runs: JobRunRepository;
  state: JobStateRepository;
  notifications: NotificationQueue;
  digests: DigestRepository;
  access: AccessWatchRepository;
}

export interface Settings {
  reminderAfterHours: readonly number[];
  stopTimeoutMs: number;
  runLeaseMs: number;
  digestMaxAttempts: number;
  retentionMs: number;
  watch: { overlapMs: number; initialLookbackMs: number; maxSessionAgeMs: number; maxFailures: number };
}

/** What a job function is given. */
export interface JobContext extends JobDeps {
  repos: JobRepos;
  time: ZonedTime;
  settings: Settings;
}

export type JobOutcome = "succeeded" | "failed" | "skipped";

export interface JobResult {
  outcome: JobOutcome;
  /** One line for `job_runs.detail` and the logs: counts and safe error lines only. */
  detail: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function createJobContext(deps: JobDeps): JobContext {
  const o = deps.options ?? {};
  const db = deps.store.db;
  return {
    ...deps,
    repos: {
      runs: new JobRunRepository(db),
      state: new JobStateRepository(db),
      notifications: new NotificationQueue(db),
      digests: new DigestRepository(db),
      access: new AccessWatchRepository(db),
    },
    time: new ZonedTime(deps.config.digest.timezone),
    settings: {
      reminderAfterHours: [...(o.reminderAfterHours ?? [4, 24, 48])].sort((a, b) => a - b),
      stopTimeoutMs: o.stopTimeoutMs ?? 30_000,
      runLeaseMs: o.runLeaseMs ?? 15 * MINUTE,
      digestMaxAttempts: o.digestMaxAttempts ?? 5,
      retentionMs: (o.retentionDays ?? 30) * 24 * HOUR,
      watch: {
        overlapMs: o.watch?.overlapMs ?? 15 * MINUTE,
        initialLookbackMs: o.watch?.initialLookbackMs ?? 24 * HOUR,
        maxSessionAgeMs: o.watch?.maxSessionAgeMs ?? 7 * 24 * HOUR,
        maxFailures: o.watch?.maxFailures ?? 10,
      },
    },
  };
}

/** Every item of a paged VB365 listing. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
