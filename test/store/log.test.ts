import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../../src/canonical-json.ts";
import { logRequestEvent } from "../../src/core/requests/events.ts";
import { crossCheckAll } from "../../src/core/requests/history.ts";
import type { EventKind } from "../../src/core/vocabulary.ts";
import { silentLogger } from "../../src/logger.ts";
import { defaultMigrationsDir, listMigrations } from "../../src/store/db.ts";
import {
  createStore,
  DatabaseSetupError,
  openDatabase,
  type Store,
  verifyLog,
} from "../../src/store/index.ts";
import { GENESIS_HASH, hashEntry, hashRow, SCHEME } from "../../src/store/log-hash.ts";
import { storedRequest } from "../support/builders.ts";
import { tempDir, tempStore } from "../support/store.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const org = { id: "6f144e6f-7f59-475f-8e1d-1bfa0b6bb020", name: "vBridge" };
const ben = {
  type: "User" as const,
  id: "ben-id",
  name: "ben.young@vbridge.co.nz",
  displayName: "Ben Young",
};
const simon = {
  type: "User" as const,
  id: "simon-id",
  name: "simon@vbridge.co.nz",
  displayName: "simon service",
};
const t0 = Date.parse("2026-03-02T09:00:00.000Z");
const DAY = 86_400_000;

/** `n` events, alternating between Ben and Simon, a minute apart. */
function fill(store: Store, n: number): void {
  const kinds: EventKind[] = ["requested", "voted", "approved", "apply_attempted", "apply_succeeded"];
  for (let i = 0; i < n; i++) {
    store.log.append({
      kind: kinds[i % kinds.length] ?? "requested",
      actor: i % 2 === 0 ? "U1" : "system",
      at: new Date(t0 + i * 60_000),
      organization: org,
      principal: i % 2 === 0 ? ben : simon,
      detail: { i, nested: { b: [1, { y: 2, x: 1 }], a: "ü ✓" } },
    });
  }
}

/** The number of rows of an intact log; fails the test with the reason when it is not intact. */
function okRows(store: Store): number {
  const result = verifyLog(store.db);
  assert.ok(result.ok, result.ok ? "" : `${result.firstBadId}: ${result.reason}`);
  return result.rows;
}

/** Changing the log behind the triggers' back, as someone with a SQLite shell could. */
function tamper(store: Store, sql: string): void {
  store.db.exec("DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;");
  store.db.exec(sql);
}

describe("the approval log", () => {
  test("rows chain: each names the previous row's hash, and the hash covers its content", (t) => {
    const store = tempStore(t);
    fill(store, 3);
    const rows = store.log.list({ limit: 10 }).reverse();
    assert.equal(rows[0]?.prevHash, GENESIS_HASH);
    assert.equal(rows[1]?.prevHash, rows[0]?.hash);
    assert.equal(rows[2]?.prevHash, rows[1]?.hash);
    assert.match(rows[2]?.hash ?? "", /^[0-9a-f]{64}$/);
    assert.equal(new Set(rows.map((r) => r.hash)).size, 3);
    assert.deepEqual(rows[0]?.detail, { i: 0, nested: { a: "ü ✓", b: [1, { x: 1, y: 2 }] } });
    assert.deepEqual(okRows(store), 3);
  });

  test("canonical JSON sorts keys at every depth and drops undefined", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } }),
      '{"a":{"d":[3,{"e":2,"f":1}]},"b":1}',
    );
    assert.equal(canonicalJson({ y: 1, x: 2 }), canonicalJson({ x: 2, y: 1 }));
    const content = {
      at: "2026-03-02T09:00:00.000Z",
      kind: "voted",
      actor: "U1",
      request_id: 1,
      organization_id: null,
      organization_name: null,
      principal_type: null,
      principal_id: null,
      principal_name: null,
      principal_display_name: null,
      detail: "{}",
      server: null,
    };
    assert.notEqual(hashRow(GENESIS_HASH, content), hashRow(GENESIS_HASH, { ...content, actor: "U2" }));
    assert.notEqual(hashRow(GENESIS_HASH, content), hashRow("1".repeat(64), content));
  });

  test("the database refuses to change or delete a row", (t) => {
    const store = tempStore(t);
    fill(store, 2);
    assert.throws(() => store.db.exec("UPDATE events SET actor = 'UEVIL' WHERE id = 1"), /append-only/);
    assert.throws(() => store.db.exec("DELETE FROM events WHERE id = 2"), /append-only/);
    assert.throws(() => store.db.exec("DELETE FROM events"), /append-only/);
    assert.deepEqual(okRows(store), 2);
  });

  test("a changed row is found, by its id", (t) => {
    const store = tempStore(t);
    fill(store, 20);
    tamper(store, `UPDATE events SET actor = 'UEVIL' WHERE id = 13`);
    const result = verifyLog(store.db);
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, 13);
    assert.match(result.reason, /content does not match its hash/);
  });

  test("a changed detail is found even when re-serialized canonically", (t) => {
    const store = tempStore(t);
    fill(store, 5);
    tamper(store, `UPDATE events SET detail = '${canonicalJson({ i: 99 })}' WHERE id = 4`);
    assert.deepEqual(verifyLog(store.db), {
      ok: false,
      firstBadId: 4,
      reason: "its content does not match its hash: the row was changed",
    });
  });

  test("a row rewritten with a recomputed hash still breaks the link of the row after it", (t) => {
    const store = tempStore(t);
    fill(store, 6);
    const row = store.db
      .prepare<[], Parameters<typeof hashRow>[1] & { prev_hash: string }>(
        "SELECT at, kind, actor, request_id, organization_id, organization_name, principal_type, principal_id, principal_name, principal_display_name, detail, server, prev_hash FROM events WHERE id = 3",
      )
      .get();
    assert.ok(row);
    const { prev_hash, ...content } = row;
    const forged = { ...content, actor: "UEVIL" };
    const hash = hashEntry(SCHEME.sequenced, 3, prev_hash, forged);
    tamper(store, `UPDATE events SET actor = 'UEVIL', hash = '${hash}' WHERE id = 3`);
    const result = verifyLog(store.db);
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, 4);
    assert.match(result.reason, /does not follow row 3/);
  });

  test("a row removed from the middle is found at the row after the gap", (t) => {
    const store = tempStore(t);
    fill(store, 10);
    tamper(store, "DELETE FROM events WHERE id = 6");
    const result = verifyLog(store.db);
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, 7);
    assert.match(result.reason, /ids 6–6 are missing/);
  });

  test("rows removed from the end are found too", (t) => {
    const store = tempStore(t);
    fill(store, 10);
    tamper(store, "DELETE FROM events WHERE id > 8");
    assert.deepEqual(verifyLog(store.db), {
      ok: false,
      firstBadId: 9,
      reason: "rows 9–10 were removed from the end of the log",
    });
  });

  test("newest first, filtered by principal (any case, or id) and organization, limited, paged", (t) => {
    const store = tempStore(t);
    fill(store, 12);
    const all = store.log.list();
    assert.deepEqual(
      all.map((e) => e.id),
      [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    );
    const bens = store.log.list({ principal: "BEN.YOUNG@vbridge.co.nz", limit: 3 });
    assert.deepEqual(
      bens.map((e) => e.id),
      [11, 9, 7],
    );
    assert.deepEqual(bens[0]?.principal, ben);
    assert.deepEqual(bens[0]?.organization, org);
    assert.deepEqual(
      store.log.list({ principal: "simon-id", beforeId: 6 }).map((e) => e.id),
      [4, 2],
    );
    assert.deepEqual(store.log.list({ organizationId: "another" }), []);
    assert.deepEqual(
      store.log.since(new Date(t0 + 10 * 60_000)).map((e) => e.id),
      [11, 12],
    );
  });

  test("an append inside an outer transaction rolls back with it", (t) => {
    const store = tempStore(t);
    fill(store, 2);
    assert.throws(() =>
      store.transaction(() => {
        store.log.append({ kind: "voted", actor: "U1", at: new Date(t0) });
        throw new Error("boom");
      }),
    );
    fill(store, 1);
    assert.deepEqual(okRows(store), 3);
  });
});

const KEY = "a-test-key-that-is-long-enough-0123456789abcdef";

type RawRow = Parameters<typeof hashRow>[1] & { id: number; prev_hash: string; hash: string; scheme: number };
const RAW = `SELECT id, at, kind, actor, request_id, organization_id, organization_name, principal_type, principal_id,
  principal_name, principal_display_name, detail, server, prev_hash, hash, scheme FROM events ORDER BY id`;

/**
 * What someone with write access but no key does after an edit: recompute every hash from the first
 * row on, each row chained to the one before, with the scheme given (the strongest they can use).
 */
function rebuild(store: Store, scheme: 1 | 2, edit: (row: RawRow) => RawRow = (r) => r): void {
  store.db.exec("DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;");
  const rows = store.db.prepare<[], RawRow>(RAW).all();
  const update = store.db.prepare(
    "UPDATE events SET actor = @actor, detail = @detail, prev_hash = @prev_hash, hash = @hash, scheme = @scheme WHERE id = @id",
  );
  let prev = GENESIS_HASH;
  for (const original of rows) {
    const { id, prev_hash: _p, hash: _h, scheme: _s, ...content } = edit(original);
    const hash = hashEntry(scheme, id, prev, content);
    update.run({ id, actor: content.actor, detail: content.detail, prev_hash: prev, hash, scheme });
    prev = hash;
  }
}

describe("the log, anchored outside itself", () => {
  test("the head is the newest entry's sequence number and hash; new rows hash their sequence number", (t) => {
    const store = tempStore(t);
    assert.equal(store.log.head(), undefined);
    fill(store, 4);
    const newest = store.log.list({ limit: 1 })[0];
    assert.deepEqual(store.log.head(), { seq: 4, hash: newest?.hash });
    const rows = store.db.prepare<[], RawRow>(RAW).all();
    assert.deepEqual(
      rows.map((r) => r.scheme),
      [2, 2, 2, 2],
    );
    const { id, prev_hash, hash, scheme: _s, ...content } = rows[3] as RawRow;
    assert.equal(hashEntry(SCHEME.sequenced, id, prev_hash, content), hash);
    assert.notEqual(hashEntry(SCHEME.sequenced, id + 1, prev_hash, content), hash, "the number is hashed");
    const result = verifyLog(store.db);
    assert.ok(result.ok);
    assert.deepEqual(result.head, store.log.head());
  });

  test("renumbered ids break the chain", (t) => {
    const store = tempStore(t);
    fill(store, 6);
    tamper(
      store,
      "UPDATE events SET id = id + 100; UPDATE sqlite_sequence SET seq = 106 WHERE name = 'events'",
    );
    const result = verifyLog(store.db);
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, 101);
    assert.match(result.reason, /sequence number should be 1: rows were renumbered or removed/);
  });

  test("a tail cut with the id counter lowered passes the chain, but not the published head", (t) => {
    const store = tempStore(t);
    fill(store, 10);
    const published = store.log.head();
    assert.ok(published);
    tamper(
      store,
      "DELETE FROM events WHERE id > 7; UPDATE sqlite_sequence SET seq = 7 WHERE name = 'events'",
    );
    assert.equal(okRows(store), 7, "the chain alone cannot tell");
    const result = verifyLog(store.db, { expect: { seq: published.seq, hash: published.hash.slice(0, 16) } });
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, 10);
    assert.match(
      result.reason,
      /^entry 10:[0-9a-f]{16} was published, but the log ends at 7: it was cut back$/,
    );
    // An older head is still held: what was published before the cut verifies.
    const older = store.log.list({ limit: 10 }).find((e) => e.id === 5);
    assert.ok(verifyLog(store.db, { expect: { seq: 5, hash: older?.hash.slice(0, 16) ?? "" } }).ok);
  });

  test("a wiped log (rows and counter gone) passes the chain, but not the published head", (t) => {
    const store = tempStore(t);
    fill(store, 5);
    const published = store.log.head();
    assert.ok(published);
    tamper(store, "DELETE FROM events; DELETE FROM sqlite_sequence WHERE name = 'events'");
    assert.equal(okRows(store), 0);
    const result = verifyLog(store.db, { expect: published });
    assert.ok(!result.ok);
    assert.match(result.reason, /was published, but the log ends at 0: it was cut back/);
  });

  test("a chain rebuilt after an edit passes on its own, but not the published head", (t) => {
    const store = tempStore(t);
    fill(store, 8);
    const published = store.log.head();
    assert.ok(published);
    rebuild(store, 2, (r) => (r.id === 3 ? { ...r, actor: "UEVIL" } : r));
    assert.equal(okRows(store), 8);
    const result = verifyLog(store.db, { expect: published });
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, 8);
    assert.match(
      result.reason,
      /^entry 8 has hash [0-9a-f]{64}, not the published [0-9a-f]{64}: the log was rebuilt$/,
    );
  });

  test("keyed: the chain records where keying starts, and a rebuild without the key is found", (t) => {
    const dir = tempDir(t);
    const path = join(dir, "keyed.sqlite");
    const plain = createStore(openDatabase(path, { logger: silentLogger }));
    fill(plain, 3);
    const lastPlain = plain.log.head();
    plain.db.close();

    const db = openDatabase(path, { logger: silentLogger });
    t.after(() => db.close());
    const store = createStore(db, { log: { key: KEY } });
    const marker = store.log.startKeying(new Date(t0 + DAY));
    assert.equal(marker?.id, 4);
    assert.equal(marker?.kind, "log_keyed");
    assert.deepEqual(marker?.detail.from, lastPlain);
    assert.equal(store.log.startKeying(new Date(t0 + DAY)), undefined, "recorded once");
    fill(store, 2);

    const keyed = verifyLog(store.db, { key: KEY });
    assert.ok(keyed.ok);
    assert.equal(keyed.rows, 6);
    assert.equal(keyed.keyedFrom, 4);
    const withoutKey = verifyLog(store.db);
    assert.ok(!withoutKey.ok);
    assert.equal(withoutKey.needsKey, true);
    assert.match(withoutKey.reason, /entries from 4 on are keyed: set LOG_HMAC_KEY/);
    const wrongKey = verifyLog(store.db, { key: `${KEY}x` });
    assert.ok(!wrongKey.ok);
    assert.equal(wrongKey.firstBadId, 4);

    // An edit of an old, unkeyed row: the keyed row after it no longer follows.
    const edited = verifyLog(store.db, { key: KEY });
    assert.ok(edited.ok);
    rebuild(store, 2, (r) => (r.id === 2 ? { ...r, actor: "UEVIL" } : r));
    const rebuilt = verifyLog(store.db, { key: KEY });
    assert.ok(!rebuilt.ok);
    assert.match(rebuilt.reason, /no entry is keyed: the chain was rebuilt without the key/);
  });

  test("keyed rows rewritten without the key, or after a keyed row with a weaker scheme, are found", (t) => {
    const store = tempStore(t, silentLogger);
    const db = store.db;
    const keyed = createStore(db, { log: { key: KEY } });
    keyed.log.startKeying(new Date(t0));
    fill(keyed, 4);
    // The attacker edits row 3 and rehashes it and everything after without the key, as scheme 2.
    const rows = db.prepare<[], RawRow>(RAW).all();
    tamper(keyed, "SELECT 1");
    let prev = (rows[1] as RawRow).hash;
    for (const r of rows.slice(2)) {
      const { id, prev_hash: _p, hash: _h, scheme: _s, ...content } = r;
      const changed = id === 3 ? { ...content, actor: "UEVIL" } : content;
      const hash = hashEntry(SCHEME.sequenced, id, prev, changed);
      db.prepare("UPDATE events SET actor = ?, prev_hash = ?, hash = ?, scheme = 2 WHERE id = ?").run(
        changed.actor,
        prev,
        hash,
        id,
      );
      prev = hash;
    }
    const result = verifyLog(db, { key: KEY });
    assert.ok(!result.ok);
    assert.equal(result.firstBadId, 3);
    assert.match(
      result.reason,
      /weaker scheme \(2\) than the row before it \(3\): rows were rewritten without the key/,
    );
  });

  test("a bot without the key, or with another one, is refused before it writes", (t) => {
    const store = tempStore(t, silentLogger);
    const keyed = createStore(store.db, { log: { key: KEY } });
    keyed.log.startKeying(new Date(t0));
    fill(keyed, 1);
    assert.throws(
      () => createStore(store.db),
      (err: unknown) =>
        err instanceof DatabaseSetupError &&
        /the approval log is keyed \(entry 2 and others\)/.test(err.message),
    );
    assert.throws(
      () => createStore(store.db, { log: { key: `${KEY}-other` } }),
      (err: unknown) =>
        err instanceof DatabaseSetupError && /not the key the approval log was keyed with/.test(err.message),
    );
    assert.doesNotThrow(() => createStore(store.db, { log: { key: KEY } }));
  });

  test("an upgraded database: rows of the old formula stay valid, new rows chain on with sequence numbers", (t) => {
    const dir = tempDir(t);
    const old = join(dir, "migrations");
    mkdirSync(old);
    for (const m of listMigrations(defaultMigrationsDir()).filter((m) => m.version < 50)) {
      copyFileSync(m.path, join(old, basename(m.path)));
    }
    const path = join(dir, "old.sqlite");
    const before = openDatabase(path, { logger: silentLogger, migrationsDir: old });
    // Rows as the code before migration 050 wrote them: sha256(prev ‖ JSON of the content), no id.
    let prev = GENESIS_HASH;
    // An approved request, its vote and its entries, as the old code stored them.
    before.exec(`INSERT INTO requests (kind, organization_id, organization_name, principal_type, principal_id,
        principal_name, principal_display_name, principal_key, requester, state, created_at, updated_at,
        decided_at, decided_by, next_attempt_at)
      VALUES ('add', '${org.id}', '${org.name}', 'User', '${ben.id}', '${ben.name}', '${ben.displayName}',
        '${ben.name}', 'U0RITA', 'approved', '${new Date(t0).toISOString()}', '${new Date(t0).toISOString()}',
        '${new Date(t0).toISOString()}', 'U0BOSS', '${new Date(t0).toISOString()}');
      INSERT INTO votes (request_id, approver, at) VALUES (1, 'U0BOSS', '${new Date(t0).toISOString()}');`);
    const insert = before.prepare(
      `INSERT INTO events (at, kind, actor, request_id, organization_id, organization_name, principal_type,
         principal_id, principal_name, principal_display_name, detail, prev_hash, hash)
       VALUES (@at, @kind, @actor, 1, @oid, @oname, 'User', @pid, @pname, @pdisplay, @detail, @prev, @hash)`,
    );
    const story = [
      ["requested", "U0RITA"],
      ["voted", "U0BOSS"],
      ["approved", "U0BOSS"],
    ];
    for (let i = 0; i < 3; i++) {
      const c = {
        at: new Date(t0 + i * 60_000).toISOString(),
        kind: story[i]?.[0] ?? "",
        actor: story[i]?.[1] ?? "",
        oid: org.id,
        oname: org.name,
        pid: ben.id,
        pname: ben.name,
        pdisplay: ben.displayName,
        detail: canonicalJson({ i }),
      };
      const list = [c.at, c.kind, c.actor, 1, c.oid, c.oname, "User", c.pid, c.pname, c.pdisplay, c.detail];
      const hash = createHash("sha256")
        .update(prev + JSON.stringify(list))
        .digest("hex");
      insert.run({ ...c, prev, hash });
      prev = hash;
    }
    before.close();

    const upgraded = createStore(openDatabase(path, { logger: silentLogger }));
    t.after(() => upgraded.db.close());
    const carried = verifyLog(upgraded.db);
    assert.ok(carried.ok, "the old rows verify after the migration");
    assert.deepEqual(carried.head, { seq: 3, hash: prev });
    const request = upgraded.requests.get(1);
    assert.equal(request?.state, "approved");
    assert.equal(request?.auditItemCreated, null, "not known for a request of the old code");
    assert.deepEqual(
      crossCheckAll(upgraded.requests.listAll(), upgraded.votes.byRequest(), upgraded.log.byRequest()),
      [],
      "the old request, its vote and its entries agree",
    );
    assert.throws(() =>
      upgraded.db.exec("INSERT INTO votes (request_id, approver, at) VALUES (9, 'U1', 'x')"),
    );
    fill(upgraded, 2);
    assert.deepEqual(
      upgraded.db.prepare<[], { scheme: number }>("SELECT scheme FROM events ORDER BY id").pluck().all(),
      [1, 1, 1, 2, 2],
    );
    assert.equal(okRows(upgraded), 5);
    const published = upgraded.log.head();
    assert.ok(published && verifyLog(upgraded.db, { expect: published }).ok);

    // An old row changed, or a new row passed off as the old formula, is still found.
    tamper(upgraded, "UPDATE events SET scheme = 1 WHERE id = 5");
    const downgraded = verifyLog(upgraded.db);
    assert.ok(!downgraded.ok);
    assert.equal(downgraded.firstBadId, 5);
    tamper(
      upgraded,
      "UPDATE events SET scheme = 2 WHERE id = 5; UPDATE events SET actor = 'UEVIL' WHERE id = 2",
    );
    const edited = verifyLog(upgraded.db);
    assert.ok(!edited.ok);
    assert.equal(edited.firstBadId, 2);
  });
});

describe("npm run verify-log", () => {
  const run = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync("npm", ["run", "--silent", "verify-log", "--", ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    return { code: result.status, out: result.stdout.trim() };
  };

  test("exit 0 and a one-line verdict for an intact log", (t) => {
    const store = tempStore(t);
    fill(store, 4);
    const { code, out } = run([store.path]);
    assert.equal(code, 0);
    assert.match(out, /^verify-log: OK: 4 events, hash chain intact/);
    assert.equal(out.split("\n").length, 1);
  });

  test("the path comes from DATABASE_PATH when no argument is given", (t) => {
    const store = tempStore(t);
    fill(store, 2);
    const { code, out } = run([], { DATABASE_PATH: store.path });
    assert.equal(code, 0);
    assert.match(out, /OK: 2 events/);
  });

  test("exit 1 naming the first bad row for a tampered log", (t) => {
    const store = tempStore(t);
    fill(store, 8);
    tamper(store, "UPDATE events SET detail = '{}' WHERE id = 5");
    const { code, out } = run([store.path]);
    assert.equal(code, 1);
    assert.match(out, /^verify-log: BROKEN at event 5: /);
  });

  test("--expect: exit 0 while the log holds the published head, 1 once it was cut back before it", (t) => {
    const store = tempStore(t);
    fill(store, 6);
    const head = store.log.head();
    assert.ok(head);
    const published = `${head.seq}:${head.hash.slice(0, 16)}`;
    const held = run([store.path, "--expect", published]);
    assert.equal(held.code, 0, held.out);
    assert.match(
      held.out,
      new RegExp(`^verify-log: OK: 6 events, hash chain intact, head ${published}, holds ${published}`),
    );
    tamper(
      store,
      "DELETE FROM events WHERE id > 4; UPDATE sqlite_sequence SET seq = 4 WHERE name = 'events'",
    );
    const cut = run([`--expect=${published}`, store.path]);
    assert.equal(cut.code, 1, cut.out);
    assert.match(
      cut.out,
      /^verify-log: BROKEN at event 6: entry 6:[0-9a-f]{16} was published, but the log ends at 4/,
    );
    const bad = run([store.path, "--expect", "six"]);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /^verify-log: --expect takes <n>:<hash>/);
  });

  test("requests and votes are checked against the log: a state set by hand, an inserted vote", (t) => {
    const store = tempStore(t);
    const request = storedRequest(store);
    logRequestEvent(store.log, request, "requested", request.requester, request.createdAt, {});
    const intact = run([store.path]);
    assert.equal(intact.code, 0, intact.out);
    assert.match(intact.out, /OK: 1 events, hash chain intact, .*requests and votes agree with it/);

    store.db.exec(`UPDATE requests SET state = 'approved' WHERE id = ${request.id}`);
    store.db.exec(
      `INSERT INTO votes (request_id, approver, at) VALUES (${request.id}, 'UEVIL', '2026-03-02T10:00:00.000Z')`,
    );
    const { code, out } = run([store.path]);
    assert.equal(code, 1, out);
    assert.deepEqual(out.split("\n"), [
      `verify-log: BROKEN: request #${request.id} is approved, but its log entries leave it pending (${store.path})`,
      `verify-log: BROKEN: request #${request.id} has an approval by UEVIL that the log does not hold (${store.path})`,
    ]);
  });

  test("a keyed log needs LOG_HMAC_KEY (or LOG_HMAC_KEY_FILE) to be checked", (t) => {
    const store = tempStore(t, silentLogger);
    const keyed = createStore(store.db, { log: { key: KEY } });
    keyed.log.startKeying(new Date(t0));
    fill(keyed, 2);
    const missing = run([store.path], { LOG_HMAC_KEY: "" });
    assert.equal(missing.code, 2, missing.out);
    assert.match(missing.out, /entries from 1 on are keyed: set LOG_HMAC_KEY/);
    const file = join(tempDir(t), "log.key");
    writeFileSync(file, `${KEY}\n`);
    const checked = run([store.path], { LOG_HMAC_KEY_FILE: file });
    assert.equal(checked.code, 0, checked.out);
    assert.match(checked.out, /OK: 3 events, hash chain intact, head 3:[0-9a-f]{16}, keyed from event 1/);
    assert.ok(!checked.out.includes(KEY), "the key is never printed");
    const wrong = run([store.path], { LOG_HMAC_KEY: `${KEY}-not-it` });
    assert.equal(wrong.code, 1);
    assert.ok(!wrong.out.includes(KEY));
  });

  test("exit 2 for a missing file or one that is not a database", (t) => {
    const dir = tempDir(t);
    const missing = run([join(dir, "nope.sqlite")]);
    assert.equal(missing.code, 2);
    assert.match(missing.out, /^verify-log: cannot open /);
    const junk = join(dir, "junk.sqlite");
    writeFileSync(junk, "this is not a database, just text long enough to have a header\n".repeat(20));
    const bad = run([junk]);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /^verify-log: cannot read /);
  });
});
