/** Job schedules for tests that start the scheduler but run its jobs by hand. */
import { JOB_NAMES, type JobOptions } from "../../src/jobs/scheduler.ts";

/** A cron expression that never fires during a test (midnight on 1 January). */
export const NEVER = "0 0 1 1 *";

/**
 * Every job, and the digest's catch-up check, never fires; the digest keeps the configured
 * DIGEST_CRON, whose periods decide what a catch-up at start posts.
 */
export const ONLY_DIGEST_CRON: NonNullable<JobOptions["schedules"]> = Object.fromEntries(
  [...JOB_NAMES.filter((name) => name !== "digest"), "digest-catch-up"].map((name) => [name, NEVER]),
);

/** No schedule fires during the test: it runs the jobs by hand (`runNow`). */
export const JOBS_BY_HAND: JobOptions = { schedules: { ...ONLY_DIGEST_CRON, digest: NEVER } };
