/**
 * `npm run demo` without Slack settings, as a child process for the browser test and the
 * screenshots: in an empty folder (no `.env`), with nothing of the caller's environment but PATH
 * and what is given, on a free port. Resolves once it has printed the playground's URL.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DEMO = fileURLToPath(new URL("../../src/demo.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

export interface DemoProcess {
  /** The page, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** SIGTERM, then the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

export async function startDemo(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<DemoProcess> {
  const cwd = mkdtempSync(join(tmpdir(), "vbo-audit-demo-"));
  const child = spawn(process.execPath, ["--import", TSX, DEMO], {
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", PORT: "0", ...env },
  });
  child.stdin.end();
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const code = await exited;
    rmSync(cwd, { recursive: true, force: true });
    return code;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo printed no URL within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const found = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before printing its URL:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url, child, output: () => output, stop };
}
