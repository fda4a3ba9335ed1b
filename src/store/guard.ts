/**
 * The store's boundary for errors: whatever SQLite throws leaves the store as a `StoreError`
 * (src/errors.ts), so the core, the jobs and the Slack side decide on the store's own kinds
 * (`conflict`, `busy`, `closed`, `failed`) and never read SQLite codes.
 */
import BetterSqlite3 from "better-sqlite3";
import { StoreError } from "../errors.ts";

/** `err` as a `StoreError` when it came from SQLite; any other error (a caller's own) unchanged. */
export function storeErrorFrom(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  if (err instanceof BetterSqlite3.SqliteError) {
    const code = err.code;
    const kind =
      code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY"
        ? "conflict"
        : code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")
          ? "busy"
          : "failed";
    return new StoreError(kind, code, err);
  }
  // better-sqlite3 reports a closed connection as a TypeError, not a SqliteError.
  if (err instanceof TypeError && /database connection is not open/i.test(err.message)) {
    return new StoreError("closed", "closed", err);
  }
  return err;
}

/**
 * `repository` with every method translating SQLite's errors. One wrapper at the store's edge
 * instead of a try/catch in each of the repositories' statements.
 */
export function guarded<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          throw storeErrorFrom(err);
        }
      };
    },
  });
}
