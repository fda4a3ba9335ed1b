/**
 * Slash-command ack latency while VB365 is slow: `/vbo-audit <text>` sent many times over real HTTP,
 * a fixed number in flight, signed as Slack signs, to the bot in HTTP mode, while the simulator
 * holds every VB365 call for a second. The bot acks first and answers at the response URL later.
 *
 * Baseline, in the same run and on the same bot: a second Bolt app whose `/vbo-audit` listener calls
 * the same parser and core (`answerCommand` over `bot.commands` / `bot.queries`) and only then acks,
 * with the answer in the ack. Same parsing, same core, same VB365 connection pool: only where the
 * ack sits differs. Latency is measured by the sender (its own thread, standing in for Slack) until
 * the HTTP response has arrived.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver } from "@slack/bolt";
import { sleep } from "../src/clock.ts";
import { createSimulator, type RunningSimulator } from "../src/sim/server.ts";
import { slackLogger } from "../src/slack/client.ts";
import { answerCommand } from "../src/slack/command/answer.ts";
import { COMMAND } from "../src/slack/command/syntax.ts";
import { ephemeral, type ListenerDeps } from "../src/slack/listeners/context.ts";
import { guardCommand } from "../src/slack/listeners/guard.ts";
import { type Sender, type SendResult, startSender } from "./sender.ts";
import { ms, type Row, ratio, summarize } from "./stats.ts";
import { type BenchWorld, createBenchWorld, GENERAL, reportLogged, SIGNING_SECRET, USER } from "./world.ts";

/** Slack shows the person an error when the ack takes longer than this. */
const SLACK_ACK_LIMIT_MS = 3_000;

export interface CommandsBenchOptions {
  commands: number;
  concurrency: number;
  /** Added by the simulator to every VB365 call during the runs. */
  vboLatencyMs: number;
  /** The command typed, e.g. `find young` (read-only, so 1,000 of them create nothing). */
  text: string;
  /** How long the bot's answers at the response URL are waited for after the last ack. */
  drainMs: number;
}

interface Run {
  sent: Array<SendResult & { responseUrl: string }>;
  /** Wall-clock start and duration of the sending. */
  startedAt: number;
  wallMs: number;
  /** The simulator's VB365 call count when the run started. */
  callsBefore: number;
  /** Main-thread (bot, simulator, fake Slack) busy time during the sending, per command. */
  busyMsPerCommand: number;
}

interface Answer {
  url: string;
  at: Date;
  answer: string;
}

export async function commandsBench(options: CommandsBenchOptions): Promise<Row[]> {
  const sim = await createSimulator({ tokenRateLimit: false });
  const world = await createBenchWorld(sim);
  const sender = startSender();
  let baseline: { server: Server; url: string } | undefined;
  try {
    await world.start();
    baseline = await startAckAfterApp(world);
    const baselineUrl = baseline.url;
    const run = (url: string, count: number) => sendCommands(world, sim, sender, url, count, options);

    // Warm up with VB365 fast: the organization list and the directory cache (one command), then
    // the JIT (a round at full concurrency on each app). The baseline's answer is the reference.
    const first = await run(world.url, 1);
    await answersWithin(world, first, 10_000);
    await world.bot.idle();
    await answersWithin(world, await run(world.url, options.concurrency), 10_000);
    const expected = answerInAck((await run(baselineUrl, options.concurrency)).sent[0]!);
    if (expected === undefined) throw new Error("the baseline app gave no answer in its ack");

    sim.faults.setLatency(options.vboLatencyMs);
    process.stderr.write("bench:   the baseline app (acks after VB365)…\n");
    const acksAfter = await run(baselineUrl, options.commands);
    const baselineCalls = sim.stats.total() - acksAfter.callsBefore;

    process.stderr.write("bench:   the bot (acks first)…\n");
    const acksFirst = await run(world.url, options.commands);
    process.stderr.write(`bench:   acks done; draining answers (up to ${options.drainMs / 1000} s)…\n`);
    const answers = await answersWithin(world, acksFirst, options.drainMs);
    const botCalls = sim.stats.total() - acksFirst.callsBefore;
    // What is still in flight past the drain may finish quickly before the bot stops.
    sim.faults.reset();

    const n = options.commands;
    const bot = summarize(acksFirst.sent.filter((s) => s.status === 200).map((s) => s.ackMs));
    const base = summarize(acksAfter.sent.filter((s) => s.status === 200).map((s) => s.ackMs));
    const sentAt = new Map(acksFirst.sent.map((s) => [s.responseUrl, s.sentAt]));
    const botAnswer = summarize(answers.map((a) => a.at.getTime() - (sentAt.get(a.url) ?? Number.NaN)));
    const lastAnswerMs = Math.max(...answers.map((a) => a.at.getTime())) - acksFirst.startedAt;
    const allAnswered = answers.length === n;
    const late = (run: Run) =>
      run.sent.filter((s) => s.status !== 200 || s.ackMs > SLACK_ACK_LIMIT_MS).length;
    const botSame = answers.filter((a) => a.answer === expected).length;
    const baseSame = acksAfter.sent.filter((s) => s.status === 200 && answerInAck(s) === expected).length;
    const label = `${n.toLocaleString("en")} × \`${options.text}\`, ${options.concurrency} at a time, VB365 +${options.vboLatencyMs / 1000} s`;

    return [
      {
        section: "commands",
        metric: `ack p50 (${label})`,
        bot: ms(bot.p50),
        baseline: ms(base.p50),
        ratio: ratio(base.p50, bot.p50),
      },
      {
        section: "commands",
        metric: "ack p99 (target < 100 ms)",
        bot: ms(bot.p99),
        baseline: ms(base.p99),
        ratio: ratio(base.p99, bot.p99),
      },
      {
        section: "commands",
        metric: `acks over Slack's ${SLACK_ACK_LIMIT_MS / 1000} s, or not 200`,
        bot: String(late(acksFirst)),
        baseline: String(late(acksAfter)),
        ratio: "–",
      },
      {
        section: "commands",
        metric: "answer seen, p50 (at the response URL vs in the ack)",
        bot: ms(botAnswer.p50),
        baseline: ms(base.p50),
        ratio: ratio(base.p50, botAnswer.p50),
      },
      {
        section: "commands",
        metric: "answer seen, p99",
        bot: ms(botAnswer.p99),
        baseline: ms(base.p99),
        ratio: ratio(base.p99, botAnswer.p99),
      },
      {
        section: "commands",
        metric: allAnswered
          ? "every answer seen, wall time"
          : `answers seen within the ${options.drainMs / 1000} s drain`,
        bot: allAnswered ? ms(lastAnswerMs) : `${answers.length}/${n}`,
        baseline: allAnswered ? ms(acksAfter.wallMs) : `${n}/${n}`,
        ratio: allAnswered ? ratio(acksAfter.wallMs, lastAnswerMs) : "–",
      },
      {
        section: "commands",
        metric: "answers as given with VB365 fast (the rest: audit state unknown)",
        bot: `${botSame}/${n}`,
        baseline: `${baseSame}/${n}`,
        ratio: "–",
      },
      {
        section: "commands",
        metric: "main thread busy per command until acked (bot, simulator, fake Slack)",
        bot: ms(acksFirst.busyMsPerCommand),
        baseline: "–",
        ratio: "–",
      },
      {
        section: "commands",
        metric: "VB365 calls that reached the server, per command",
        bot: (botCalls / n).toFixed(2),
        baseline: (baselineCalls / n).toFixed(2),
        ratio: "–",
      },
    ];
  } finally {
    sim.faults.reset();
    await sender.close();
    await world.close();
    if (baseline) await closeServer(baseline.server);
    await sim.close();
    reportLogged("commands", world);
  }
}

/** `count` commands typed by USER, as Slack delivers them, each with its own response URL. */
async function sendCommands(
  world: BenchWorld,
  sim: RunningSimulator,
  sender: Sender,
  url: string,
  count: number,
  options: CommandsBenchOptions,
): Promise<Run> {
  const commands = Array.from({ length: count }, () =>
    world.fake.slashCommand({ userId: USER, text: options.text, channelId: GENERAL }),
  );
  const callsBefore = sim.stats.total();
  const startedAt = Date.now();
  const start = performance.now();
  const loop = performance.eventLoopUtilization();
  const results = await sender.send({
    url,
    secret: SIGNING_SECRET,
    commands,
    concurrency: options.concurrency,
  });
  const wallMs = performance.now() - start;
  const busy = performance.eventLoopUtilization(loop);
  return {
    sent: results.map((r, i) => ({ ...r, responseUrl: commands[i]!.response_url! })),
    startedAt,
    wallMs,
    callsBefore,
    busyMsPerCommand: busy.active / count,
  };
}

/**
 * The same app acking late: Bolt's HTTPReceiver with the bot's core behind `answerCommand`, served
 * on 127.0.0.1 by a plain HTTP server. Bolt would answer 404 by itself after 3 s without an ack;
 * that is raised, so that the measure is when this app really acks (Slack's limit is counted apart).
 */
async function startAckAfterApp(world: BenchWorld): Promise<{ server: Server; url: string }> {
  const { bot, logger } = world;
  const boltLogger = slackLogger(logger.child({ component: "bench-baseline" }), "warn");
  const receiver = new HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    logger: boltLogger,
    processBeforeResponse: false,
    unhandledRequestTimeoutMillis: 10 * 60_000,
  });
  const app = new App({
    token: world.fake.botToken,
    receiver,
    logger: boltLogger,
    clientOptions: { slackApiUrl: world.fake.apiUrl, retryConfig: { retries: 0 } },
    deferInitialization: true,
  });
  const deps: ListenerDeps = { core: bot.core, web: bot.web, logger };
  // The bot's own guard: a failure acks with its answer, as the bot would.
  app.command(
    COMMAND,
    guardCommand(deps, async ({ ack, command }) => {
      await ack(ephemeral(await answerCommand(deps, command.text, command.user_id)));
    }),
  );
  await app.init();
  // Like the bot's own server: `/healthz` answered here, Slack's requests handed to Bolt.
  const server = createServer((req, res) => {
    if (req.url === "/healthz") res.end('{"ok":true}');
    else receiver.requestListener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The bot's answers to a run at the fake Slack, waiting at most `timeoutMs` for all of them. */
async function answersWithin(world: BenchWorld, run: Run, timeoutMs: number): Promise<Answer[]> {
  const urls = new Set(run.sent.map((s) => s.responseUrl));
  const collect = () => {
    const seen = new Map<string, Answer>();
    for (const r of world.fake.responses) {
      if (urls.has(r.url) && !seen.has(r.url))
        seen.set(r.url, { url: r.url, at: r.at, answer: answerKey(r.text, r.blocks) });
    }
    return [...seen.values()];
  };
  const deadline = performance.now() + timeoutMs;
  let answers = collect();
  while (answers.length < urls.size && performance.now() < deadline) {
    await sleep(100);
    answers = collect();
  }
  return answers;
}

/** An answer as a person sees it (text and blocks), to compare answers wherever they arrived. */
function answerKey(text: unknown, blocks: unknown): string {
  return JSON.stringify({ text, blocks });
}

/** The answer carried in an ack body (the baseline's); undefined when there is none. */
function answerInAck(sent: SendResult): string | undefined {
  try {
    const parsed = JSON.parse(sent.body) as { text?: unknown; blocks?: unknown };
    return typeof parsed.text === "string" ? answerKey(parsed.text, parsed.blocks) : undefined;
  } catch {
    return undefined;
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
