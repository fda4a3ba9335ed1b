/**
 * `npm run verify-log -- [database] [--expect <n>:<hash>]`: checks the approval log and prints what
 * it found, one line per finding.
 * - The hash chain (src/store/log.ts): every link, sequence number and hash, keyed entries with
 *   `LOG_HMAC_KEY` (or `LOG_HMAC_KEY_FILE`).
 * - `--expect`: a head published earlier (the digest, `status`) must still be in the log, unchanged;
 *   a log cut back before it, or rebuilt up to it, fails.
 * - Every request's state and votes against its log entries (src/core/requests/history.ts).
 * Exit 0: intact. 1: broken, or the expected head missing or different. 2: the database (or the
 * key, or the arguments) cannot be used. The database is opened read-only and never migrated: a
 * check must not change what it checks.
 */
import BetterSqlite3 from "better-sqlite3";
import { databasePathFrom, logKeyFrom, processEnvironment } from "./config.ts";
import { crossCheckAll } from "./core/requests/history.ts";
import { type LogHead, logHeadText, parseLogHead } from "./core/vocabulary.ts";
import { schemaVersion } from "./store/db.ts";
import { EventLogRepository, verifyLog } from "./store/log.ts";
import { RequestRepository } from "./store/requests.ts";
import { VoteRepository } from "./store/votes.ts";

/** The schema from which requests can be checked against the log (migration 050). */
const CROSS_CHECK_SCHEMA = 50;
/** At most this many findings are printed; the count of the rest follows. */
const MAX_LINES = 20;

type Args = { path?: string; expect?: LogHead } | { problem: string };

function parseArgs(argv: readonly string[]): Args {
  const out: { path?: string; expect?: LogHead } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--")
      ? [arg.split("=")[0], arg.split("=")[1]]
      : [undefined, undefined];
    if (flag === "--expect") {
      const value = inline ?? argv[++i];
      const head = value === undefined ? undefined : parseLogHead(value);
      if (head === undefined)
        return { problem: "--expect takes <n>:<hash>, e.g. --expect 42:3f2a9c0d1e2b4a5f" };
      out.expect = head;
    } else if (flag !== undefined) {
      return { problem: `unknown option ${flag}; usage: verify-log [database] [--expect <n>:<hash>]` };
    } else if (out.path === undefined) {
      out.path = arg;
    } else {
      return { problem: "give one database; usage: verify-log [database] [--expect <n>:<hash>]" };
    }
  }
  return out;
}

function main(argv: readonly string[], write: (line: string) => void): number {
  const say = (line: string) => write(`verify-log: ${line}\n`);
  const env = processEnvironment();
  const cwd = process.cwd();
  const args = parseArgs(argv);
  if ("problem" in args) {
    say(args.problem);
    return 2;
  }
  const { key, problem } = logKeyFrom(env, { cwd });
  if (problem !== undefined) {
    say(problem);
    return 2;
  }
  const path = args.path ?? databasePathFrom(env, { cwd });
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    say(`cannot open ${path}: ${(err as Error).message}`);
    return 2;
  }
  try {
    const chain = verifyLog(db, { key, expect: args.expect });
    const findings: string[] = [];
    if (!chain.ok && !chain.needsKey) findings.push(`BROKEN at event ${chain.firstBadId}: ${chain.reason}`);
    if (schemaVersion(db) >= CROSS_CHECK_SCHEMA) {
      const problems = crossCheckAll(
        new RequestRepository(db).listAll(),
        new VoteRepository(db).byRequest(),
        new EventLogRepository(db).byRequest(),
      );
      findings.push(...problems.map((p) => `BROKEN: ${p}`));
    }
    if (findings.length > 0) {
      for (const line of findings.slice(0, MAX_LINES)) say(`${line} (${path})`);
      if (findings.length > MAX_LINES) say(`and ${findings.length - MAX_LINES} more (${path})`);
      return 1;
    }
    if (!chain.ok) {
      say(`${chain.reason} (${path})`);
      return 2;
    }
    const parts = [`OK: ${chain.rows} events, hash chain intact`];
    if (chain.head) parts.push(`head ${logHeadText(chain.head)}`);
    if (chain.keyedFrom !== undefined) parts.push(`keyed from event ${chain.keyedFrom}`);
    if (args.expect) parts.push(`holds ${args.expect.seq}:${args.expect.hash}`);
    if (schemaVersion(db) >= CROSS_CHECK_SCHEMA) parts.push("requests and votes agree with it");
    say(`${parts.join(", ")} (${path})`);
    return 0;
  } catch (err) {
    say(`cannot read the approval log in ${path}: ${(err as Error).message}`);
    return 2;
  } finally {
    db.close();
  }
}

process.exitCode = main(process.argv.slice(2), (text) => process.stdout.write(text));
