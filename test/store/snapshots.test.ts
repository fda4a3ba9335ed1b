/** Digests and per-organization audit snapshots on real SQLite with the real migrations. */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, test } from "node:test";
import type { AuditEntry } from "../../src/core/digest/build.ts";
import { silentLogger } from "../../src/logger.ts";
import { defaultMigrationsDir, listMigrations } from "../../src/store/db.ts";
import { createStore, openDatabase } from "../../src/store/index.ts";
import { tempDir, tempStore } from "../support/store.ts";

const org = { id: "6f144e6f-7f59-475f-8e1d-1bfa0b6bb020", name: "vBridge" };
const t0 = new Date("2026-11-25T09:00:00.000Z");
const entry = (name: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
  key: `User:${name}`,
  type: "User",
  id: `id-${name}`,
  name,
  displayName: name.split("@")[0] ?? name,
  auditItemId: `item-${name}`,
  ...over,
});

describe("digest records and snapshots", () => {
  test("the latest digest is the one gathered last", (t) => {
    const digests = tempStore(t).digests;
    assert.equal(digests.latest(), undefined);
    const base = {
      trigger: "scheduled" as const,
      requestedBy: null,
      channel: "C0DIGEST",
      messageTs: ["1.0"],
    };
    digests.record({
      ...base,
      period: "2026-11-24T09:00",
      gatheredAt: new Date("2026-11-24T09:00:00Z"),
      postedAt: t0,
    });
    const manual = digests.record({
      ...base,
      period: "manual:x",
      trigger: "manual",
      requestedBy: "U1",
      gatheredAt: new Date("2026-11-24T15:00:00Z"),
      postedAt: t0,
      messageTs: ["2.0", "3.0"],
    });
    assert.deepEqual(digests.latest(), manual);
    assert.deepEqual(
      digests.list().map((d) => d.period),
      ["manual:x", "2026-11-24T09:00"],
    );
  });

  test("a snapshot is replaced as a whole, duplicates collapse, and organizations are remembered", (t) => {
    const digests = tempStore(t).digests;
    assert.equal(digests.snapshot(org.id), undefined);
    digests.replaceSnapshot(org, t0, [entry("a@x"), entry("b@x", { msid: "m-b" }), entry("a@x")], null);
    const first = digests.snapshot(org.id);
    assert.deepEqual(
      first?.entries.map((e) => [e.key, e.msid ?? null]),
      [
        ["User:a@x", null],
        ["User:b@x", "m-b"],
      ],
    );
    const later = new Date(t0.getTime() + 86_400_000);
    digests.replaceSnapshot({ ...org, name: "vBridge Ltd" }, later, [entry("c@x")], null);
    const second = digests.snapshot(org.id);
    assert.deepEqual(
      second?.entries.map((e) => e.key),
      ["User:c@x"],
    );
    assert.deepEqual(second?.takenAt, later);
    assert.deepEqual(digests.snapshotOrganizations(), [{ id: org.id, name: "vBridge Ltd", takenAt: later }]);
  });

  test("a snapshot comes back with every field, ordered by key", (t) => {
    const store = tempStore(t);
    const entries = [
      entry("team@x", { type: "User", key: "User:team@x", msid: "m-t" }),
      entry("a@x", { type: "Group", key: "Group:a@x", displayName: "Ärger, Anna" }),
    ];
    store.digests.replaceSnapshot(org, t0, entries, null);
    assert.deepEqual(store.digests.snapshot(org.id), {
      organization: org,
      takenAt: t0,
      digestId: null,
      entries: [entries[1], entries[0]],
    });
  });

  test("given VB365's list, an unchanged snapshot hands back that very list; a changed one its own", (t) => {
    const digests = tempStore(t).digests;
    const kept = [entry("a@x"), entry("b@x", { msid: "m-b" })];
    digests.replaceSnapshot(org, t0, kept, null);

    // The same entries in another order, with a duplicate, as VB365 may send them.
    const same = [entry("b@x", { msid: "m-b" }), entry("a@x"), entry("b@x", { msid: "m-b" })];
    assert.equal(digests.snapshot(org.id, same)?.entries, same);

    for (const changed of [
      [entry("a@x")],
      [...kept, entry("c@x")],
      [entry("a@x"), entry("b@x", { msid: "m-b", displayName: "Bea" })],
    ]) {
      const snapshot = digests.snapshot(org.id, changed);
      assert.notEqual(snapshot?.entries, changed);
      assert.deepEqual(snapshot?.entries, kept);
    }
    assert.equal(digests.snapshot("another-org", same), undefined);
  });

  test("snapshots kept one row per principal before migration 044 read back the same after it", (t) => {
    const dir = tempDir(t);
    const before = join(dir, "before-044");
    mkdirSync(before);
    for (const m of listMigrations(defaultMigrationsDir()).filter((m) => m.version < 44))
      copyFileSync(m.path, join(before, basename(m.path)));
    const path = join(dir, "vbo-audit.sqlite");
    const old = openDatabase(path, { logger: silentLogger, migrationsDir: before });
    old.prepare("INSERT INTO audit_snapshots VALUES (?, ?, ?, NULL)").run(org.id, org.name, t0.toISOString());
    old.prepare("INSERT INTO audit_snapshots VALUES ('empty-org', 'Empty', ?, NULL)").run(t0.toISOString());
    const item = old.prepare("INSERT INTO audit_snapshot_items VALUES (?, ?, 'User', ?, ?, ?, ?, ?)");
    item.run(org.id, "User:b@x", "id-b@x", "b@x", "b", "m-b", "item-b@x");
    item.run(org.id, "User:a@x", "id-a@x", "a@x", "a", null, "item-a@x");
    old.close();

    const db = openDatabase(path, { logger: silentLogger });
    t.after(() => db.close());
    const digests = createStore(db).digests;
    assert.deepEqual(digests.snapshot(org.id)?.entries, [entry("a@x"), entry("b@x", { msid: "m-b" })]);
    assert.deepEqual(digests.snapshot("empty-org")?.entries, []);
    assert.deepEqual(
      digests.snapshotOrganizations().map((o) => o.name),
      ["Empty", "vBridge"],
    );
  });
});
