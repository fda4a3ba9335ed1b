/** Temporary folders and databases for store tests: real SQLite files, removed afterwards. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { Logger } from "../../src/logger.ts";
import { createStore, type Database, openDatabase, type Store } from "../../src/store/index.ts";

export function tempDir(t: TestContext, prefix = "vbo-audit-store-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A logger that keeps what it is told, to assert on. */
export function recordingLogger(): Logger & { lines: Array<{ level: string; msg: string; ctx?: object }> } {
  const lines: Array<{ level: string; msg: string; ctx?: object }> = [];
  const make = (base: object): Logger => ({
    debug: (msg, ctx) => lines.push({ level: "debug", msg, ctx: { ...base, ...ctx } }),
    info: (msg, ctx) => lines.push({ level: "info", msg, ctx: { ...base, ...ctx } }),
    warn: (msg, ctx) => lines.push({ level: "warn", msg, ctx: { ...base, ...ctx } }),
    error: (msg, ctx) => lines.push({ level: "error", msg, ctx: { ...base, ...ctx } }),
    child: (ctx) => make({ ...base, ...ctx }),
  });
  return Object.assign(make({}), { lines });
}

/** A database file with the real migrations, closed and removed after the test. */
export function tempStore(t: TestContext, logger: Logger = recordingLogger()): Store & { path: string } {
  const path = join(tempDir(t), "data", "vbo-audit.sqlite");
  const db: Database = openDatabase(path, { logger });
  t.after(() => db.close());
  return Object.assign(createStore(db), { path });
}
