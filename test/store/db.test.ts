import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { silentLogger } from "../../src/logger.ts";
import {
  DatabaseSetupError,
  defaultMigrationsDir,
  listMigrations,
  openDatabase,
  schemaVersion,
} from "../../src/store/db.ts";
import { recordingLogger } from "../support/logger.ts";
import { tempDir } from "../support/store.ts";

const repoMigrations = fileURLToPath(new URL("../../migrations", import.meta.url));
const migrations = listMigrations(repoMigrations);
const highest = migrations.at(-1)?.version ?? 0;

/** Everything the schema is made of, to compare an upgraded database with a fresh one. */
function schemaOf(path: string): string[] {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db
      .prepare<[], { type: string; name: string; sql: string | null }>(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
      )
      .all()
      .map((r) => `${r.type} ${r.name}: ${(r.sql ?? "").replace(/\s+/g, " ")}`);
  } finally {
    db.close();
  }
}

describe("openDatabase and migrations", () => {
  test("the repository has numbered migrations and the default folder finds them", () => {
    assert.ok(migrations.length >= 2);
    assert.equal(defaultMigrationsDir(), repoMigrations);
  });

  test("an empty database gets every migration once, in order, recorded in a table and user_version", (t) => {
    const path = join(tempDir(t), "nested", "folder", "db.sqlite");
    const logger = recordingLogger();
    const db = openDatabase(path, { logger });
    t.after(() => db.close());

    assert.ok(existsSync(path), "the folder is created when missing");
    assert.equal(schemaVersion(db), highest);
    const recorded = db.prepare<[], { version: number; name: string }>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    );
    assert.deepEqual(
      recorded.all(),
      migrations.map((m) => ({ version: m.version, name: m.name })),
    );
    assert.deepEqual(
      logger.lines.filter((l) => l.msg === "database migration applied").map((l) => l.ctx),
      migrations.map((m) => ({ version: m.version, migration: m.name })),
    );
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.ok(Number(db.pragma("busy_timeout", { simple: true })) > 0);
    for (const table of ["requests", "votes", "request_messages", "events"]) {
      assert.ok(
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(table),
        `table ${table}`,
      );
    }
  });

  test("opening again runs nothing", (t) => {
    const path = join(tempDir(t), "db.sqlite");
    openDatabase(path, { logger: silentLogger }).close();
    const logger = recordingLogger();
    const db = openDatabase(path, { logger });
    t.after(() => db.close());
    assert.deepEqual(logger.lines, []);
    assert.deepEqual(db.prepare("SELECT count(*) AS n FROM schema_migrations").get(), {
      n: migrations.length,
    });
  });

  test("an in-memory database works with the real migrations", (t) => {
    const db = openDatabase(":memory:", { logger: silentLogger });
    t.after(() => db.close());
    assert.equal(schemaVersion(db), highest);
  });

  for (let k = 1; k < migrations.length; k++) {
    const applied = migrations.slice(0, k);
    const at = applied.at(-1);
    test(`a database left at version ${at?.version} (${k} of ${migrations.length} migrations) is brought up to date`, (t) => {
      const dir = tempDir(t);
      const partial = join(dir, "partial");
      mkdirSync(partial);
      for (const m of applied) copyFileSync(m.path, join(partial, basename(m.path)));
      const path = join(dir, "old.sqlite");
      const old = openDatabase(path, { logger: silentLogger, migrationsDir: partial });
      assert.equal(schemaVersion(old), at?.version);
      old.close();

      const logger = recordingLogger();
      const db = openDatabase(path, { logger });
      t.after(() => db.close());
      assert.equal(schemaVersion(db), highest);
      assert.deepEqual(
        logger.lines.map((l) => (l.ctx as { version: number }).version),
        migrations.slice(k).map((m) => m.version),
      );

      const freshPath = join(dir, "fresh.sqlite");
      openDatabase(freshPath, { logger: silentLogger }).close();
      assert.deepEqual(schemaOf(path), schemaOf(freshPath));
    });
  }

  test("a database written by a newer vbo-audit is refused, naming both versions, and left untouched", (t) => {
    const path = join(tempDir(t), "db.sqlite");
    const newer = new BetterSqlite3(path);
    newer.pragma(`user_version = ${highest + 7}`);
    newer.close();
    assert.throws(
      () => openDatabase(path, { logger: silentLogger }),
      (err: unknown) => {
        assert.ok(err instanceof DatabaseSetupError);
        assert.match(err.message, /written by a newer vbo-audit/);
        assert.match(err.message, new RegExp(`schema version ${highest + 7}\\b`));
        assert.match(err.message, new RegExp(`up to ${highest}\\b`));
        return true;
      },
    );
    const check = new BetterSqlite3(path, { readonly: true });
    t.after(() => check.close());
    assert.deepEqual(check.prepare("SELECT count(*) AS n FROM sqlite_master").get(), { n: 0 });
  });

  test("a failing migration rolls back whole and names its file", (t) => {
    const dir = tempDir(t);
    const broken = join(dir, "migrations");
    mkdirSync(broken);
    for (const m of migrations) copyFileSync(m.path, join(broken, basename(m.path)));
    const next = String(highest + 1).padStart(3, "0");
    writeFileSync(join(broken, `${next}_broken.sql`), "CREATE TABLE half (x);\nTHIS IS NOT SQL;\n");
    const path = join(dir, "db.sqlite");
    assert.throws(
      () => openDatabase(path, { logger: silentLogger, migrationsDir: broken }),
      new RegExp(`migration ${next}_broken\\.sql failed`),
    );
    const db = new BetterSqlite3(path, { readonly: true });
    t.after(() => db.close());
    assert.equal(db.pragma("user_version", { simple: true }), highest);
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
  });

  test("a migration may rebuild a table others refer to; one that leaves a reference dangling is refused", (t) => {
    const dir = tempDir(t);
    const folder = join(dir, "migrations");
    mkdirSync(folder);
    const pad = (n: number) => String(n).padStart(3, "0");
    writeFileSync(
      join(folder, "001_base.sql"),
      `CREATE TABLE parent (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a')));
       CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id));
       INSERT INTO parent VALUES (1, 'a'); INSERT INTO child VALUES (10, 1);`,
    );
    // SQLite's way of widening a CHECK: a new table, the rows copied, the old one dropped, renamed.
    writeFileSync(
      join(folder, "002_widen.sql"),
      `CREATE TABLE parent_new (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a', 'b')));
       INSERT INTO parent_new SELECT * FROM parent;
       DROP TABLE parent;
       ALTER TABLE parent_new RENAME TO parent;`,
    );
    const path = join(dir, "db.sqlite");
    const db = openDatabase(path, { logger: silentLogger, migrationsDir: folder });
    db.prepare("INSERT INTO parent VALUES (2, 'b')").run();
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1, "on again once migrated");
    assert.throws(() => db.prepare("INSERT INTO child VALUES (11, 99)").run(), /FOREIGN KEY/);
    db.close();

    writeFileSync(join(folder, `${pad(3)}_orphan.sql`), "DELETE FROM parent WHERE id = 1;");
    assert.throws(
      () => openDatabase(path, { logger: silentLogger, migrationsDir: folder }),
      /migration 003_orphan\.sql failed: it leaves 1 row\(s\) referring to nothing \(child → parent\)/,
    );
    const check = new BetterSqlite3(path, { readonly: true });
    t.after(() => check.close());
    assert.deepEqual(check.prepare("SELECT id FROM parent ORDER BY id").all(), [{ id: 1 }, { id: 2 }]);
  });

  test("a migration numbered below one already applied (another owner's range) still runs, once", (t) => {
    const dir = tempDir(t);
    const folder = join(dir, "migrations");
    mkdirSync(folder);
    for (const m of migrations) copyFileSync(m.path, join(folder, basename(m.path)));
    const pad = (n: number) => String(n).padStart(3, "0");
    // The next range's owner ships first; the number below it arrives in a later release.
    writeFileSync(join(folder, `${pad(highest + 2)}_later.sql`), "CREATE TABLE later (x);");
    const path = join(dir, "db.sqlite");
    openDatabase(path, { logger: silentLogger, migrationsDir: folder }).close();
    writeFileSync(join(folder, `${pad(highest + 1)}_between.sql`), "CREATE TABLE between_ (x);");
    const logger = recordingLogger();
    const db = openDatabase(path, { logger, migrationsDir: folder });
    t.after(() => db.close());
    assert.deepEqual(
      logger.lines.map((l) => l.ctx),
      [{ version: highest + 1, migration: "between" }],
    );
    assert.equal(schemaVersion(db), highest + 2, "the version stays the highest applied");
    assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'between_'").get());
  });

  test("two migrations with one number are refused", (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, "001_a.sql"), "SELECT 1;");
    writeFileSync(join(dir, "001_b.sql"), "SELECT 1;");
    writeFileSync(join(dir, "notes.txt"), "ignored");
    assert.throws(() => listMigrations(dir), /two migrations share number 001/);
  });
});
