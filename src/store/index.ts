/**
 * The store: one SQLite database and the repositories over it. Nothing outside `src/store/` writes
 * SQL; the core and the Slack side use these repositories.
 */
import type { Database } from "./db.ts";
import { DirectoryRepository } from "./directory.ts";
import { guarded, storeErrorFrom } from "./guard.ts";
import { EventLog } from "./log.ts";
import { MessageRepository } from "./messages.ts";
import { RequestRepository } from "./requests.ts";
import { VoteRepository } from "./votes.ts";

export { type Database, DatabaseSetupError, openDatabase } from "./db.ts";
export { DirectoryRepository } from "./directory.ts";
export { EventLog, type NewEvent, type VerifyResult, verifyLog } from "./log.ts";
export { MessageRepository, type RequestMessage } from "./messages.ts";
export { type Closing, type NewRequest, principalKey, RequestRepository } from "./requests.ts";
export { VoteRepository } from "./votes.ts";

export interface Store {
  readonly db: Database;
  readonly requests: RequestRepository;
  readonly votes: VoteRepository;
  readonly messages: MessageRepository;
  readonly log: EventLog;
  /** The cached Microsoft 365 directory the resolver answers from. */
  readonly directory: DirectoryRepository;
  /**
   * Runs `fn` in one IMMEDIATE transaction (a savepoint when nested): every write inside commits
   * together or not at all, and no other connection writes in between.
   */
  transaction<T>(fn: () => T): T;
}

/**
 * Builds the repositories over an open database; their statements are prepared once, here. Each
 * throws `StoreError`s only (src/store/guard.ts).
 */
export function createStore(db: Database): Store {
  return {
    db,
    requests: guarded(new RequestRepository(db)),
    votes: guarded(new VoteRepository(db)),
    messages: guarded(new MessageRepository(db)),
    log: guarded(new EventLog(db)),
    directory: guarded(new DirectoryRepository(db)),
    transaction: <T>(fn: () => T): T => {
      try {
        const tx = db.transaction(fn);
        return db.inTransaction ? tx() : tx.immediate();
      } catch (err) {
        throw storeErrorFrom(err);
      }
    },
  };
}
