/**
 * The bot as a real process for tests: `node --import tsx src/<entry>.ts` with a given environment,
 * its stdout and stderr collected, its JSON log lines readable while it runs, and a kill at the end
 * of the test when it is still running.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { signSlackRequest } from "../../src/devslack/signing.ts";

const TSX = import.meta.resolve("tsx");

export type LogLine = Record<string, unknown>;

export interface BotProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** The stdout lines that parse as JSON objects, so far. */
  logLines(): LogLine[];
  /** Resolves with the first log line that satisfies `predicate`; rejects on exit or after `timeoutMs`. */
  waitForLine(predicate: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** The port from the "vbo-audit started" line. */
  started(timeoutMs?: number): Promise<{ port: number; url: string }>;
  /** Resolves with the exit code (null after a signal) once the process ends; rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
}

export function spawnBot(
  t: TestContext,
  entry: "main" | "demo",
  env: Record<string, string>,
  cwd: string,
): BotProcess {
  const script = fileURLToPath(new URL(`../../src/${entry}.ts`, import.meta.url));
  const child = spawn(process.execPath, ["--import", TSX, script], {
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
    // Nothing from the test's own environment but PATH: the process sees only what the test sets.
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  child.stdin.end();
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    changed();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      exitCode = code;
      changed();
      resolve(code);
    });
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  const logLines = (): LogLine[] =>
    out.split("\n").flatMap((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? [parsed as LogLine] : [];
      } catch {
        return [];
      }
    });

  const waitForLine = (predicate: (line: LogLine) => boolean, what: string, timeoutMs = 20_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logLines().find(predicate);
        if (found) finish(() => resolve(found));
        else if (exitCode !== undefined)
          finish(() => reject(new Error(`the bot exited (${exitCode}) before ${what}:\n${out}\n${err}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms:\n${out}\n${err}`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logLines,
    waitForLine,
    async started(timeoutMs = 20_000) {
      const line = await waitForLine((l) => l.msg === "vbo-audit started", "start line", timeoutMs);
      const port = line.port;
      if (typeof port !== "number") throw new Error(`the start line has no port: ${JSON.stringify(line)}`);
      return { port, url: `http://127.0.0.1:${port}` };
    },
    exited(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the bot did not exit within ${timeoutMs} ms:\n${out}\n${err}`)),
          timeoutMs,
        );
      });
      return Promise.race([exit, late]).finally(() => clearTimeout(timer));
    },
  };
}

/** A POST to the bot's `/slack/events`, signed now as Slack signs it. */
export function postSigned(url: string, secret: string, body: string): Promise<Response> {
  const headers = signSlackRequest(secret, body, Date.now() / 1000);
  return fetch(`${url}/slack/events`, { method: "POST", headers, body });
}
