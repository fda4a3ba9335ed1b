/** Starts the sender thread (./sender-worker.ts) and hands it batches of slash commands to send. */
import { once } from "node:events";
import { Worker } from "node:worker_threads";

export interface SendJob {
  /** Base URL of the app; commands go to `/slack/events`, connections are opened with `/healthz`. */
  url: string;
  secret: string;
  /** The form fields of each command (response URLs included). */
  commands: Array<Record<string, string>>;
  concurrency: number;
}

export interface SendResult {
  status: number;
  /** Until the HTTP response (headers and body) arrived at the sender. */
  ackMs: number;
  /** Wall-clock send time, to compare with when the fake Slack received the answer. */
  sentAt: number;
  body: string;
}

export type SendReply = { ok: true; results: SendResult[] } | { ok: false; error: string };

export interface Sender {
  send(job: SendJob): Promise<SendResult[]>;
  close(): Promise<void>;
}

export function startSender(): Sender {
  // Worker threads do not inherit tsx's loader: the worker registers it, then imports the TS entry.
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./sender-worker.ts", import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`,
    { eval: true },
  );
  let busy: Promise<unknown> = Promise.resolve();
  return {
    send(job) {
      // One job at a time: replies come back in order.
      const next = busy.then(async () => {
        worker.postMessage(job);
        const [reply] = (await once(worker, "message")) as [SendReply];
        if (!reply.ok) throw new Error(`the sender failed: ${reply.error}`);
        return reply.results;
      });
      busy = next.catch(() => undefined);
      return next;
    },
    async close() {
      await worker.terminate();
    },
  };
}
