/** A logger that keeps what it is told, for tests that assert on what the bot logged. */
import type { Logger } from "../../src/logger.ts";

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
