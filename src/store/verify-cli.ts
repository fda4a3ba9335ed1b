/**
 * `npm run verify-log [database]`: checks the approval log's hash chain and prints one line.
 * Exit 0: intact. 1: broken (the first bad row is named). 2: the database cannot be read.
 * The database is opened read-only and never migrated: a check must not change what it checks.
 */
import BetterSqlite3 from "better-sqlite3";
import { databasePathFrom, processEnvironment } from "../config.ts";
import { verifyLog } from "./log.ts";

function main(argv: readonly string[]): number {
  const path = argv[0] ?? databasePathFrom(processEnvironment(), { cwd: process.cwd() });
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    process.stdout.write(`verify-log: cannot open ${path}: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    const result = verifyLog(db);
    if (result.ok) {
      process.stdout.write(`verify-log: OK: ${result.rows} events, hash chain intact (${path})\n`);
      return 0;
    }
    process.stdout.write(`verify-log: BROKEN at event ${result.firstBadId}: ${result.reason} (${path})\n`);
    return 1;
  } catch (err) {
    process.stdout.write(`verify-log: cannot read the approval log in ${path}: ${(err as Error).message}\n`);
    return 2;
  } finally {
    db.close();
  }
}

process.exitCode = main(process.argv.slice(2));
