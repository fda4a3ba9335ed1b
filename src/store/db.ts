/**
 * Opening the SQLite database and bringing its schema up to date. Migrations are the numbered files
 * `migrations/NNN_name.sql`, applied in order, each in its own transaction and recorded both in
 * `schema_migrations` and in `PRAGMA user_version` (the highest number applied), so each runs once.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import type { Logger } from "../logger.ts";

export type Database = BetterSqlite3.Database;

export interface Migration {
  version: number;
  name: string;
  path: string;
}

export interface OpenOptions {
  logger: Logger;
  /** Folder of `NNN_name.sql` files; defaults to the repository's `migrations/`. */
  migrationsDir?: string;
  /** How long a write waits for another connection's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** Thrown when the database cannot be used as it is; the message is fit for an operator. */
export class DatabaseSetupError extends Error {
  override readonly name = "DatabaseSetupError";
}

const MIGRATION_FILE = /^(\d{3})_([A-Za-z0-9_-]+)\.sql$/;

/**
 * The repository's `migrations/` folder. This module runs from `src/store/` (tsx) or from the
 * compiled `dist/store/` (or `dist/src/store/` if the build keeps `src/`), so both depths are tried.
 */
export function defaultMigrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "..", "..", "migrations"), join(here, "..", "..", "..", "migrations")];
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) {
    throw new DatabaseSetupError(`no migrations folder found (looked in ${candidates.join(" and ")})`);
  }
  return found;
}

/** The migration files of `dir`, in order. Two files with one number are refused. */
export function listMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir)) {
    const match = MIGRATION_FILE.exec(file);
    if (!match?.[1] || !match[2]) continue;
    migrations.push({ version: Number(match[1]), name: match[2], path: join(dir, file) });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    const [prev, cur] = [migrations[i - 1], migrations[i]];
    if (prev && cur && prev.version === cur.version) {
      throw new DatabaseSetupError(
        `two migrations share number ${String(cur.version).padStart(3, "0")}: ${prev.path} and ${cur.path}`,
      );
    }
  }
  return migrations;
}

/**
 * Opens (creating when missing) the database at `path` (`:memory:` allowed) with WAL, foreign keys
 * and a busy timeout, and applies every migration not yet recorded. A database whose schema
 * version is newer than the newest migration known here is refused instead of being misread.
 */
export function openDatabase(path: string, options: OpenOptions): Database {
  const inMemory = path === ":memory:" || path === "";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    // busy_timeout first: switching to WAL itself may wait for another connection.
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!inMemory) db.pragma("journal_mode = WAL");
    // NORMAL is durable across application crashes in WAL mode, and much faster than FULL.
    db.pragma("synchronous = NORMAL");
    // SQLite's own default page cache (better-sqlite3 builds with 16 MB): writing a 100,000-user
    // directory filled all of it, for reads that the operating system's file cache serves as well.
    db.pragma("cache_size = -2000");
    // Checkpoint the WAL every 40 MB rather than 4 MB: a directory sync writes about 25 MB per
    // 100,000 users, and each checkpoint syncs the file to disk; six of them took half its writing time.
    db.pragma("wal_autocheckpoint = 10000");
    migrate(db, listMigrations(options.migrationsDir ?? defaultMigrationsDir()), options.logger);
    db.pragma("foreign_keys = ON");
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The schema version recorded in the database: the highest migration applied, 0 when new. */
export function schemaVersion(db: Database): number {
  return Number(db.pragma("user_version", { simple: true }));
}

/**
 * Applies the migrations of `migrations` that `db` has not recorded yet, oldest first. They run with
 * foreign keys off, as SQLite's way of changing a table (build the new one, copy, drop, rename)
 * needs; each must leave no broken reference behind (`foreign_key_check`), or it is rolled back.
 */
export function migrate(db: Database, migrations: readonly Migration[], logger: Logger): void {
  const highestKnown = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > highestKnown) {
    throw new DatabaseSetupError(
      `database ${db.name} is at schema version ${current}, written by a newer vbo-audit; this version knows migrations up to ${highestKnown}. Upgrade vbo-audit, or restore a backup taken before the upgrade.`,
    );
  }

  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare<[], number>("SELECT version FROM schema_migrations")
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const record = db.prepare<[number, string, string]>(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );

  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const sql = readFileSync(migration.path, "utf8");
    // Numbers may arrive out of order (different owners number in different ranges), so the
    // version becomes the highest applied, never lower than before.
    const version = Math.max(schemaVersion(db), migration.version);
    try {
      const foreignKeys = db.pragma("foreign_keys", { simple: true });
      // Outside the transaction: SQLite ignores this pragma inside one.
      db.pragma("foreign_keys = OFF");
      try {
        db.transaction(() => {
          db.exec(sql);
          const broken = db.pragma("foreign_key_check") as Array<{ table: string; parent: string }>;
          if (broken.length > 0) {
            const first = broken[0];
            throw new Error(
              `it leaves ${broken.length} row(s) referring to nothing (${first?.table} → ${first?.parent})`,
            );
          }
          record.run(migration.version, migration.name, new Date().toISOString());
          db.pragma(`user_version = ${version}`);
        })();
      } finally {
        db.pragma(`foreign_keys = ${foreignKeys ? "ON" : "OFF"}`);
      }
    } catch (err) {
      const file = `${String(migration.version).padStart(3, "0")}_${migration.name}.sql`;
      throw new DatabaseSetupError(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
    }
    logger.info("database migration applied", { version: migration.version, migration: migration.name });
  }
}
