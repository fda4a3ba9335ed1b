/** Temporary folders and databases: real SQLite files with the real migrations, removed afterwards. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { Logger } from "../../src/logger.ts";
import { createStore, type Database, openDatabase, type Store } from "../../src/store/index.ts";
import { recordingLogger } from "./logger.ts";

export function tempDir(t: TestContext, prefix = "vbo-audit-store-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database file with the real migrations and every repository over it, closed and removed after the test. */
export function tempStore(t: TestContext, logger: Logger = recordingLogger()): Store & { path: string } {
  const path = join(tempDir(t), "data", "vbo-audit.sqlite");
  const db: Database = openDatabase(path, { logger });
  t.after(() => db.close());
  return Object.assign(createStore(db), { path });
}
