/**
 * Structured JSON logs, one line per event. Secrets are removed twice over: by key name (anything
 * that looks like a token, password or signature) and by value (the configured secrets themselves),
 * so a secret that slips into an error message is still caught.
 */
import type { Clock } from "./clock.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogContext = Record<string, unknown>;

export interface Logger {
  debug(msg: string, ctx?: LogContext): void;
  info(msg: string, ctx?: LogContext): void;
  warn(msg: string, ctx?: LogContext): void;
  error(msg: string, ctx?: LogContext): void;
  /** A logger that adds `ctx` to every line it writes. */
  child(ctx: LogContext): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const secretKey = /token|password|passwd|secret|authorization|cookie|signature|assertion/i;
const REDACTED = "[redacted]";

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; defaults to stdout. */
  sink?: (line: string) => void;
  /** Literal secret values to scrub from anything logged. */
  secrets?: readonly string[];
  clock?: Clock;
}

export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Short values would redact innocent text; real secrets are long.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const min = rank[options.level];
  const now = () => (options.clock ? options.clock.now() : new Date()).toISOString();

  const make = (base: LogContext): Logger => {
    const write = (level: LogLevel, msg: string, ctx?: LogContext) => {
      if (rank[level] < min) return;
      const time = now();
      const record: LogContext = { time, level, msg, ...base, ...ctx };
      // A context field called time, level or msg must not replace the line's own (keys keep their place).
      record.time = time;
      record.level = level;
      record.msg = msg;
      sink(scrubText(JSON.stringify(sanitize(record, 0)), secrets));
    };
    return {
      debug: (msg, ctx) => write("debug", msg, ctx),
      info: (msg, ctx) => write("info", msg, ctx),
      warn: (msg, ctx) => write("warn", msg, ctx),
      error: (msg, ctx) => write("error", msg, ctx),
      child: (ctx) => make({ ...base, ...ctx }),
    };
  };
  return make({});
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // The same secret as it appears inside JSON or a URL.
    const encoded = [JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
    for (const e of encoded) if (e !== secret && out.includes(e)) out = out.split(e).join(REDACTED);
  }
  return out;
}

function sanitize(value: unknown, depth: number): unknown {
  if (depth > 6) return "[deep]";
  if (value instanceof Error) return serializeError(value, depth);
  // A Date has no own enumerable fields: walked like other objects it would log as {}.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        secretKey.test(key) && (typeof v === "string" || (v !== null && typeof v === "object"))
          ? REDACTED
          : sanitize(v, depth + 1);
    }
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

function serializeError(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  // Typed errors carry useful fields (status, errorCode, operation): keep them.
  for (const [key, v] of Object.entries(err)) {
    if (key !== "cause") out[key] = secretKey.test(key) ? REDACTED : sanitize(v, depth + 1);
  }
  if (err.stack) out.stack = err.stack.split("\n").slice(0, 8).join("\n");
  if (err.cause !== undefined) out.cause = sanitize(err.cause, depth + 1);
  return out;
}
