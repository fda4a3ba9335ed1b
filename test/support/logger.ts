/** Loggers that keep what they are told, for tests that assert on what the bot logged. */
import { createLogger, type Logger, type LoggerOptions, type LogLevel } from "../../src/logger.ts";

export interface LoggedLine {
  level: string;
  msg: string;
  ctx?: object;
}

export type RecordingLogger = Logger & { lines: LoggedLine[] };

export function recordingLogger(): RecordingLogger {
  const lines: LoggedLine[] = [];
  const make = (base: object): Logger => ({
    debug: (msg, ctx) => lines.push({ level: "debug", msg, ctx: { ...base, ...ctx } }),
    info: (msg, ctx) => lines.push({ level: "info", msg, ctx: { ...base, ...ctx } }),
    warn: (msg, ctx) => lines.push({ level: "warn", msg, ctx: { ...base, ...ctx } }),
    error: (msg, ctx) => lines.push({ level: "error", msg, ctx: { ...base, ...ctx } }),
    child: (ctx) => make({ ...base, ...ctx }),
  });
  return Object.assign(make({}), { lines });
}

/** The warnings and errors a recording logger holds: what an operator would be shown. */
export function problemsIn(logger: RecordingLogger): LoggedLine[] {
  return logger.lines.filter((l) => l.level === "warn" || l.level === "error");
}

export interface JsonLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface JsonLogger {
  logger: Logger;
  /** Each line as written. */
  raw: string[];
  lines(): JsonLine[];
  /** The lines with this message. */
  messages(msg: string): JsonLine[];
}

/**
 * The bot's real logger (JSON, redaction, levels), its lines kept: for tests about what reaches
 * the log as it is written. Debug level and no secrets unless told, so that a leak shows.
 */
export function jsonLogger(
  options: Omit<LoggerOptions, "level" | "sink"> & { level?: LogLevel } = {},
): JsonLogger {
  const raw: string[] = [];
  const logger = createLogger({
    ...options,
    level: options.level ?? "debug",
    sink: (line) => raw.push(line),
  });
  const lines = () => raw.map((l) => JSON.parse(l) as JsonLine);
  return { logger, raw, lines, messages: (msg) => lines().filter((l) => l.msg === msg) };
}
