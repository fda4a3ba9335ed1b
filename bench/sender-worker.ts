/**
 * The benchmark's stand-in for Slack, on its own thread: sends prepared slash-command bodies to a
 * URL, signed at send time, a fixed number in flight, and times each until its HTTP response has
 * arrived. Off the main thread so that sending and timing do not compete with the bot it measures.
 */
import { parentPort } from "node:worker_threads";
import { Agent, request } from "undici";
import { formBody, signSlackRequest } from "../src/devslack/signing.ts";
import type { SendJob, SendReply, SendResult } from "./sender.ts";
import { pool } from "./stats.ts";

const port = parentPort;
if (!port) throw new Error("sender-worker.ts runs as a worker thread");

let agent: Agent | undefined;

port.on("message", (job: SendJob) => {
  run(job).then(
    (results): void => port.postMessage({ ok: true, results } satisfies SendReply),
    (err: unknown): void =>
      port.postMessage({
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      } satisfies SendReply),
  );
});

async function run(job: SendJob): Promise<SendResult[]> {
  agent ??= new Agent({ connections: job.concurrency, keepAliveTimeout: 30_000 });
  const dispatcher = agent;
  // One connection per command in flight, opened before the clock starts, for every app alike.
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      const res = await request(`${job.url}/healthz`, { dispatcher });
      await res.body.dump();
    }),
  );
  const results = new Array<SendResult>(job.commands.length);
  await pool(job.commands.length, job.concurrency, async (i) => {
    const body = formBody(job.commands[i]!);
    const headers = signSlackRequest(job.secret, body, Date.now() / 1000);
    const sentAt = Date.now();
    const start = performance.now();
    const res = await request(`${job.url}/slack/events`, { method: "POST", headers, body, dispatcher });
    const answer = await res.body.text();
    results[i] = { status: res.statusCode, ackMs: performance.now() - start, sentAt, body: answer };
  });
  return results;
}
