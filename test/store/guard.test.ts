/** The store's error boundary: SQLite's failures leave the store as StoreErrors, other errors as they are. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { StoreError } from "../../src/errors.ts";
import { SEED } from "../../src/sim/types.ts";
import { createStore, openDatabase } from "../../src/store/index.ts";
import { recordingLogger } from "../support/logger.ts";
import { tempStore } from "../support/store.ts";

const newRequest = () => ({
  kind: "add" as const,
  organization: SEED.organization,
  principal: { type: "User" as const, ...SEED.benYoung },
  requester: "U0REQUESTER",
  reason: null,
  auditForMs: null,
  at: new Date("2026-03-02T09:00:00Z"),
});

const isStoreError = (kind: StoreError["kind"]) => (err: unknown) => {
  assert.ok(err instanceof StoreError, `a StoreError, not ${String(err)}`);
  assert.equal(err.kind, kind);
  assert.ok(err.cause instanceof Error, "SQLite's own error is kept as the cause, for the logs");
  return true;
};

describe("store errors", () => {
  test("a second open request for one principal is a conflict, named by the store", (t) => {
    const store = tempStore(t);
    store.requests.create(newRequest());
    assert.throws(() => store.requests.create(newRequest()), isStoreError("conflict"));
  });

  test("a write refused by the database is a failure; inside a transaction too, which rolls back", (t) => {
    const store = tempStore(t);
    const request = store.requests.create(newRequest());
    store.db.exec(
      "CREATE TRIGGER refuse_votes BEFORE INSERT ON votes BEGIN SELECT RAISE(ABORT, 'disk is gone'); END",
    );
    assert.throws(() => store.votes.add(request.id, "U0BOSS", new Date()), isStoreError("failed"));
    assert.throws(
      () =>
        store.transaction(() => {
          store.requests.touchPending(request.id, new Date("2026-03-03T00:00:00Z"));
          store.votes.add(request.id, "U0BOSS", new Date());
        }),
      isStoreError("failed"),
    );
    assert.deepEqual(store.requests.get(request.id)?.updatedAt, request.updatedAt, "rolled back");
  });

  test("another connection holding the write lock too long makes the store busy", (t) => {
    const store = tempStore(t);
    const busy = createStore(openDatabase(store.path, { logger: recordingLogger(), busyTimeoutMs: 10 }));
    t.after(() => busy.db.close());
    const holder = new BetterSqlite3(store.path);
    t.after(() => holder.close());
    holder.exec("BEGIN IMMEDIATE");
    assert.throws(() => busy.requests.create(newRequest()), isStoreError("busy"));
    holder.exec("ROLLBACK");
  });

  test("a closed database is named as such", (t) => {
    const path = tempStore(t).path;
    const db = openDatabase(path, { logger: recordingLogger() });
    const store = createStore(db);
    db.close();
    assert.throws(() => store.requests.get(1), isStoreError("closed"));
  });

  test("an error of the caller's own inside a transaction passes through unchanged", (t) => {
    const store = tempStore(t);
    const own = new RangeError("not the store's");
    assert.throws(
      () =>
        store.transaction(() => {
          throw own;
        }),
      (err: unknown) => err === own,
    );
  });
});
