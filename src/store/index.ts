/**
 * The store: one SQLite database and every repository over it, built once by `createStore(db)`.
 * Nothing outside `src/store/` writes SQL. The repositories implement the core's ports (declared
 * next to each feature in src/core), plus the jobs' own run records; each throws `StoreError`s only
 * (guard.ts), never SQLite's errors.
 */
import type { CoreStore } from "../core/index.ts";
import { AccessWatchRepository } from "./access.ts";
import { ChoiceRepository } from "./choices.ts";
import type { Database } from "./db.ts";
import { DirectoryRepository } from "./directory.ts";
import { guarded, storeErrorFrom } from "./guard.ts";
import { JobRunRepository, JobStateRepository, RerenderQueueRepository } from "./jobs.ts";
import { checkLogKey, EventLogRepository, type LogOptions } from "./log.ts";
import { MessageRepository } from "./messages.ts";
import { RequestRepository } from "./requests.ts";
import { DigestRepository } from "./snapshots.ts";
import { VoteRepository } from "./votes.ts";

export { type Database, DatabaseSetupError, openDatabase } from "./db.ts";
export { type LogOptions, type VerifyOptions, type VerifyResult, verifyLog } from "./log.ts";
export { principalKey } from "./request-rows.ts";

export interface Store extends CoreStore {
  readonly db: Database;
  readonly requests: RequestRepository;
  readonly votes: VoteRepository;
  readonly messages: MessageRepository;
  readonly log: EventLogRepository;
  readonly directory: DirectoryRepository;
  readonly choices: ChoiceRepository;
  readonly rerenders: RerenderQueueRepository;
  readonly digests: DigestRepository;
  readonly access: AccessWatchRepository;
  /** Small values that outlive the process (the access watcher's cursor). */
  readonly state: JobStateRepository;
  /** The jobs' run records: which run of which period, and how it ended. */
  readonly runs: JobRunRepository;
  /**
   * Runs `fn` in one IMMEDIATE transaction (a savepoint when nested): every write inside commits
   * together or not at all, and no other connection writes in between.
   */
  transaction<T>(fn: () => T): T;
  isOpen(): boolean;
}

export interface StoreOptions {
  /** The approval log's key (`LOG_HMAC_KEY`); a key that cannot continue the log is refused here. */
  log?: LogOptions;
}

/**
 * Builds every repository over an open database; their statements are prepared once, here. Throws a
 * `DatabaseSetupError` when the log is keyed and `options.log` has no key, or another one.
 */
export function createStore(db: Database, options: StoreOptions = {}): Store {
  checkLogKey(db, options.log?.key);
  return {
    db,
    requests: guarded(new RequestRepository(db)),
    votes: guarded(new VoteRepository(db)),
    messages: guarded(new MessageRepository(db)),
    log: guarded(new EventLogRepository(db, options.log)),
    directory: guarded(new DirectoryRepository(db)),
    choices: guarded(new ChoiceRepository(db)),
    rerenders: guarded(new RerenderQueueRepository(db)),
    digests: guarded(new DigestRepository(db)),
    access: guarded(new AccessWatchRepository(db)),
    state: guarded(new JobStateRepository(db)),
    runs: guarded(new JobRunRepository(db)),
    transaction: <T>(fn: () => T): T => {
      try {
        const tx = db.transaction(fn);
        return db.inTransaction ? tx() : tx.immediate();
      } catch (err) {
        throw storeErrorFrom(err);
      }
    },
    isOpen: () => db.open,
  };
}
