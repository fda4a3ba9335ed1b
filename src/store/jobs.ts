/**
 * Scheduled work's own tables: the record of every job run (`job_runs`), small values kept between
 * runs (`job_state`) and requests whose Slack views still need re-rendering (`job_notifications`).
 *
 * A run of an exclusive period (the digest) is claimed inside one IMMEDIATE transaction and the
 * database refuses a second success or a second running row for the same period, so two instances,
 * or a restart, cannot post the same digest twice. A run left unfinished by a crash stops blocking
 * its period once its lease has passed: the next claim marks it `abandoned`.
 */
import type { KeyValueState } from "../core/access/ports.ts";
import type { QueuedRerender, RerenderQueue } from "../core/requests/ports.ts";
import type { Database } from "./db.ts";

const iso = (d: Date) => d.toISOString();

export type RunOutcome = "succeeded" | "failed" | "skipped" | "abandoned";

export interface JobRun {
  id: number;
  job: string;
  period: string;
  exclusive: boolean;
  owner: string;
  startedAt: Date;
  leaseUntil: Date;
  finishedAt: Date | null;
  outcome: RunOutcome | null;
  detail: string | null;
}

interface RunRow {
  id: number;
  job: string;
  period: string;
  exclusive: number;
  owner: string;
  started_at: string;
  lease_until: string;
  finished_at: string | null;
  outcome: RunOutcome | null;
  detail: string | null;
}

const toRun = (r: RunRow): JobRun => ({
  id: r.id,
  job: r.job,
  period: r.period,
  exclusive: r.exclusive === 1,
  owner: r.owner,
  startedAt: new Date(r.started_at),
  leaseUntil: new Date(r.lease_until),
  finishedAt: r.finished_at === null ? null : new Date(r.finished_at),
  outcome: r.outcome,
  detail: r.detail,
});

const RUN_COLUMNS =
  "id, job, period, exclusive, owner, started_at, lease_until, finished_at, outcome, detail";

export interface BeginRun {
  job: string;
  period: string;
  owner: string;
  now: Date;
  leaseMs: number;
  /** At most one successful run of this period; refuse while another holds it. */
  exclusive: boolean;
  /** Exclusive only: refuse after this many failed or abandoned runs of the period. */
  maxAttempts?: number;
}

export type BeginResult =
  | { kind: "started"; run: JobRun; abandoned: JobRun[] }
  /** Exclusive periods only. */
  | { kind: "done"; run: JobRun }
  | { kind: "busy"; run: JobRun }
  | { kind: "gave_up"; attempts: number };

/** Detail text is for people: one line, bounded. */
function shortDetail(detail: string | null | undefined): string | null {
  if (detail === null || detail === undefined) return null;
  const line = detail.replace(/\s+/g, " ").trim();
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

export class JobRunRepository {
  readonly #db: Database;
  readonly #ofPeriod;
  readonly #insert;
  readonly #finish;
  readonly #abandon;
  readonly #stale;
  readonly #get;
  readonly #recent;
  readonly #prune;

  constructor(db: Database) {
    this.#db = db;
    this.#ofPeriod = db.prepare<[string, string], RunRow>(
      `SELECT ${RUN_COLUMNS} FROM job_runs WHERE job = ? AND period = ? ORDER BY id`,
    );
    this.#insert = db.prepare<[Omit<RunRow, "id" | "finished_at" | "outcome" | "detail">]>(
      `INSERT INTO job_runs (job, period, exclusive, owner, started_at, lease_until)
       VALUES (@job, @period, @exclusive, @owner, @started_at, @lease_until)`,
    );
    this.#finish = db.prepare<[{ id: number; at: string; outcome: RunOutcome; detail: string | null }]>(
      `UPDATE job_runs SET finished_at = @at, outcome = @outcome, detail = @detail
       WHERE id = @id AND finished_at IS NULL`,
    );
    this.#abandon = db.prepare<[string, number]>(
      `UPDATE job_runs SET finished_at = ?, outcome = 'abandoned',
         detail = 'never finished (the bot stopped or crashed during the run)'
       WHERE id = ? AND finished_at IS NULL`,
    );
    this.#stale = db.prepare<[string], RunRow>(
      `SELECT ${RUN_COLUMNS} FROM job_runs WHERE finished_at IS NULL AND lease_until <= ? ORDER BY id`,
    );
    this.#get = db.prepare<[number], RunRow>(`SELECT ${RUN_COLUMNS} FROM job_runs WHERE id = ?`);
    this.#recent = db.prepare<[string, number], RunRow>(
      `SELECT ${RUN_COLUMNS} FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT ?`,
    );
    this.#prune = db.prepare<[string]>(
      "DELETE FROM job_runs WHERE started_at < ? AND finished_at IS NOT NULL AND NOT (exclusive = 1 AND outcome = 'succeeded')",
    );
  }

  /**
   * Starts a run. For an exclusive period this is a claim: refused when the period already has a
   * successful run, when another run of it is in progress (unexpired lease), or after too many
   * failures; a run whose lease has passed is marked abandoned first.
   */
  begin(input: BeginRun): BeginResult {
    const tx = this.#db.transaction((): BeginResult => {
      const abandoned: JobRun[] = [];
      if (input.exclusive) {
        const runs = this.#ofPeriod.all(input.job, input.period).map(toRun);
        const done = runs.find((r) => r.outcome === "succeeded");
        if (done) return { kind: "done", run: done };
        for (const run of runs.filter((r) => r.finishedAt === null)) {
          if (run.leaseUntil.getTime() > input.now.getTime()) return { kind: "busy", run };
          this.#abandon.run(iso(input.now), run.id);
          abandoned.push(toRun(this.#get.get(run.id) as RunRow));
        }
        const attempts =
          runs.filter((r) => r.outcome === "failed" || r.outcome === "abandoned").length + abandoned.length;
        if (input.maxAttempts !== undefined && attempts >= input.maxAttempts) {
          return { kind: "gave_up", attempts };
        }
      }
      const result = this.#insert.run({
        job: input.job,
        period: input.period,
        exclusive: input.exclusive ? 1 : 0,
        owner: input.owner,
        started_at: iso(input.now),
        lease_until: iso(new Date(input.now.getTime() + input.leaseMs)),
      });
      const run = toRun(this.#get.get(Number(result.lastInsertRowid)) as RunRow);
      return { kind: "started", run, abandoned };
    });
    return this.#db.inTransaction ? tx() : tx.immediate();
  }

  /** Records how a run ended; false when it had already been finished (e.g. marked abandoned). */
  finish(id: number, at: Date, outcome: Exclude<RunOutcome, "abandoned">, detail?: string | null): boolean {
    return this.#finish.run({ id, at: iso(at), outcome, detail: shortDetail(detail) }).changes === 1;
  }

  /** Marks every unfinished run whose lease has passed as abandoned; returns them. */
  abandonStale(now: Date): JobRun[] {
    const tx = this.#db.transaction(() => {
      const stale = this.#stale.all(iso(now));
      for (const row of stale) this.#abandon.run(iso(now), row.id);
      return stale.map((row) => toRun(this.#get.get(row.id) as RunRow));
    });
    return tx.immediate();
  }

  get(id: number): JobRun | undefined {
    const row = this.#get.get(id);
    return row === undefined ? undefined : toRun(row);
  }

  /** Every run of one period, oldest first. */
  ofPeriod(job: string, period: string): JobRun[] {
    return this.#ofPeriod.all(job, period).map(toRun);
  }

  /** The newest runs of a job, newest first. */
  recent(job: string, limit = 20): JobRun[] {
    return this.#recent.all(job, limit).map(toRun);
  }

  /**
   * Forgets finished runs started before `before`, except successful exclusive ones (they are what
   * keeps a period from being posted again). Returns how many went.
   */
  prune(before: Date): number {
    return this.#prune.run(iso(before)).changes;
  }
}

/** Named values kept between runs, e.g. the access watcher's cursor. */
export class JobStateRepository implements KeyValueState {
  readonly #get;
  readonly #set;

  constructor(db: Database) {
    this.#get = db.prepare<[string], string>("SELECT value FROM job_state WHERE key = ?").pluck();
    this.#set = db.prepare<[string, string, string]>(
      `INSERT INTO job_state (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
  }

  get(key: string): string | undefined {
    return this.#get.get(key);
  }

  set(key: string, value: string, at: Date): void {
    this.#set.run(key, value, iso(at));
  }
}

/** Requests whose Slack views must still be re-rendered after a change (the jobs drain it). */
export class RerenderQueueRepository implements RerenderQueue {
  readonly #enqueue;
  readonly #list;
  readonly #done;
  readonly #failed;

  constructor(db: Database) {
    this.#enqueue = db.prepare<[number, string, string]>(
      `INSERT INTO job_notifications (request_id, queued_at, attempts, last_error) VALUES (?, ?, 0, ?)
       ON CONFLICT (request_id) DO UPDATE SET last_error = excluded.last_error`,
    );
    type Row = { request_id: number; queued_at: string; attempts: number; last_error: string | null };
    const list = db.prepare<[number], Row>(
      "SELECT request_id, queued_at, attempts, last_error FROM job_notifications ORDER BY queued_at, request_id LIMIT ?",
    );
    this.#list = (limit: number) =>
      list.all(limit).map(
        (r): QueuedRerender => ({
          requestId: r.request_id,
          queuedAt: new Date(r.queued_at),
          attempts: r.attempts,
          lastError: r.last_error,
        }),
      );
    this.#done = db.prepare<[number]>("DELETE FROM job_notifications WHERE request_id = ?");
    this.#failed = db.prepare<[string, number]>(
      "UPDATE job_notifications SET attempts = attempts + 1, last_error = ? WHERE request_id = ?",
    );
  }

  enqueue(requestId: number, at: Date, error: string): void {
    this.#enqueue.run(requestId, iso(at), shortDetail(error) ?? "");
  }

  list(limit = 100): QueuedRerender[] {
    return this.#list(limit);
  }

  done(requestId: number): void {
    this.#done.run(requestId);
  }

  failed(requestId: number, error: string): void {
    this.#failed.run(shortDetail(error) ?? "", requestId);
  }
}
