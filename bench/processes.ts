/**
 * Processes the memory benchmark runs beside itself: the VB365 simulator (`npm run sim`), the built
 * bot (`node dist/main.js`, as `npm start` runs it) and the baseline pager. Their JSON log lines or
 * banner are read as they come, and their memory from `/proc/<pid>/status`.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = import.meta.resolve("tsx");

export interface Memory {
  /** Resident now (`VmRSS`), MiB. */
  rss: number;
  /** The most ever resident (`VmHWM`), MiB. */
  peak: number;
}

/** What Linux counts as resident for `pid`: its own memory, not its children's. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]) / 1024;
  };
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/** `npm run build`: the bot is measured as it ships, from dist/. */
export function buildBot(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const built = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
}

export type LogLine = Record<string, unknown>;

export interface Child {
  readonly pid: number;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** The stdout lines that are JSON objects, so far. */
  lines(): LogLine[];
  /** The first JSON line satisfying `predicate`; rejects when the process exits or after `timeoutMs`. */
  waitForLine(predicate: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Resolves once stdout satisfies `predicate`. */
  waitForOutput(predicate: (stdout: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Writes a line to its stdin (only when started with `stdin: true`). */
  send(line: string): void;
  /** SIGTERM, then SIGKILL if it lingers; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `node <args>` with only PATH and `env` in its environment; stdin only when asked for. */
export function startNode(
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
  options: { stdin?: boolean } = {},
): Child {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start node ${args.join(" ")}`);
  const pid = child.pid;
  let out = "";
  let err = "";
  let exited = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    changed();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      changed();
      resolve();
    }),
  );

  const lines = (): LogLine[] =>
    out.split("\n").flatMap((line) => {
      if (!line.startsWith("{")) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  const waitFor = <T>(check: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const listener = () => {
        const found = check();
        if (found !== undefined) finish(() => resolve(found));
        else if (exited) finish(() => reject(failure(`exited before ${what}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(failure(`no ${what} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(listener);
        settle();
      };
      listeners.add(listener);
      listener();
    });
  const failure = (what: string) =>
    new Error(
      `node ${args.at(-1)} ${what}\n--- stdout\n${out.slice(-2_000)}\n--- stderr\n${err.slice(-2_000)}`,
    );

  return {
    pid,
    stdout: () => out,
    lines,
    waitForLine: (predicate, what, timeoutMs = 60_000) =>
      waitFor(() => lines().find(predicate), what, timeoutMs),
    waitForOutput: (predicate, what, timeoutMs = 60_000) =>
      waitFor(() => (predicate(out) ? out : undefined), what, timeoutMs),
    send(line) {
      if (!child.stdin) throw new Error(`node ${args.at(-1)} was started without stdin`);
      child.stdin.write(`${line}\n`);
    },
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exit;
      clearTimeout(kill);
    },
  };
}

/** `node --import tsx <script>`: the simulator and the baseline pager, which are not built. */
export function startTs(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  options: { stdin?: boolean; nodeFlags?: string[] } = {},
): Child {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return startNode([...(options.nodeFlags ?? []), "--import", TSX, path, ...args], env, ROOT, options);
}

export interface SimulatorProcess {
  child: Child;
  url: string;
  username: string;
  password: string;
}

/** `npm run sim -- --users N` on a free port, without the `/token` throttle. */
export async function startSimulator(users: number): Promise<SimulatorProcess> {
  const child = startTs("../src/sim/cli.ts", ["--port", "0", "--users", String(users), "--no-rate-limit"]);
  try {
    const banner = await child.waitForOutput((out) => out.includes("Ctrl-C"), "simulator banner");
    const field = (name: string) => {
      const m = new RegExp(`^${name}=(.+)$`, "m").exec(banner);
      if (!m?.[1]) throw new Error(`the simulator's banner has no ${name}`);
      return m[1];
    };
    return { child, url: field("VBO_URL"), username: field("VBO_USERNAME"), password: field("VBO_PASSWORD") };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Stops every child given, even when one of them fails to. */
export async function stopAll(children: ReadonlyArray<Child | undefined>): Promise<void> {
  await Promise.allSettled(children.map((c) => c?.stop()));
}
