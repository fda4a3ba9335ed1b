import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../../src/canonical-json.ts";
import type { EventKind } from "../../src/core/vocabulary.ts";
import { type Store, verifyLog } from "../../src/store/index.ts";
import { GENESIS_HASH, hashRow } from "../../src/store/log.ts";
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

/** Changing the log behind the triggers' back, as someone with a SQLite shell could. */
function tamper(store: Store, sql: string): void {
  store.db.exec("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;");
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
    assert.deepEqual(verifyLog(store.db), { ok: true, rows: 3 });
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
    assert.deepEqual(verifyLog(store.db), { ok: true, rows: 2 });
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
        "SELECT at, kind, actor, request_id, organization_id, organization_name, principal_type, principal_id, principal_name, principal_display_name, detail, prev_hash FROM events WHERE id = 3",
      )
      .get();
    assert.ok(row);
    const { prev_hash, ...content } = row;
    const forged = { ...content, actor: "UEVIL" };
    tamper(store, `UPDATE events SET actor = 'UEVIL', hash = '${hashRow(prev_hash, forged)}' WHERE id = 3`);
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
    assert.deepEqual(verifyLog(store.db), { ok: true, rows: 3 });
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
