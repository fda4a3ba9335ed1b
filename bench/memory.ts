/**
 * The bot's own process: built and started as `npm start` starts it (`node dist/main.js`, HTTP mode),
 * against the simulator running as `npm run sim -- --users N` in another process, with the fake Slack
 * hosted here. A signed `/vbo-audit find ben.young` makes it sync the directory; its memory is read
 * from `/proc/<pid>/status` at start, after the sync, and at its peak (`VmHWM`).
 *
 * Baselines, in the same run: a bare Node.js process for memory; for the growth with the directory,
 * what the users weigh as JSON; for the sync, another process merely paging `/Users` at the largest
 * page size through the same client against a simulator of its own (./page-users.ts).
 *
 * The machine is shared, so times are best of a few runs on each side (`RUNS`); memory is the
 * highest seen.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { sleep } from "../src/clock.ts";
import { formBody, signSlackRequest } from "../src/devslack/signing.ts";
import { SEED } from "../src/sim/types.ts";
import { MAX_PAGE_SIZE } from "../src/vbo/paging.ts";
import {
  buildBot,
  type Child,
  type Memory,
  memoryOf,
  ROOT,
  startNode,
  startSimulator,
  startTs,
  stopAll,
} from "./processes.ts";
import { ms, type Row, ratio } from "./stats.ts";
import { benchEnvironment, createBenchSlack, GENERAL, SIGNING_SECRET, USER } from "./world.ts";

export interface MemoryBenchOptions {
  /** The directory of the start, peak, after-sync and sync-time rows. */
  users: number;
  /** Directory sizes for the growth row; `users` is measured once whichever list this is. */
  growth: readonly number[];
}

interface BotRun {
  users: number;
  start: Memory;
  afterSync: Memory;
  /** As the bot logged it: paging, storing and indexing. */
  syncMs: number;
}

/** Let a process that just finished something settle (timers, the collector) before reading it. */
const SETTLE_MS = 1_000;
/** Runs of the bot and of the pager at `users`, for the best time. */
const RUNS = 3;

export async function memoryBench(options: MemoryBenchOptions): Promise<Row[]> {
  process.stderr.write("bench:   building dist/…\n");
  buildBot();
  const bare = await bareNode();

  const sizes = [...new Set([...options.growth, options.users])].sort((a, b) => a - b);
  const runs = new Map<number, BotRun>();
  const mainRuns: BotRun[] = [];
  for (const users of sizes) {
    process.stderr.write(`bench:   the bot with ${users.toLocaleString("en")} users…\n`);
    const run = await runBot(users);
    runs.set(users, run);
    if (users === options.users) mainRuns.push(run);
  }
  // Alternately, so that a busy spell on the machine does not land on one side only.
  const pagings: Paged[] = [];
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(
      `bench:   paging /Users (${options.users.toLocaleString("en")} users), the baseline…\n`,
    );
    pagings.push(await pageUsers(options.users));
    if (mainRuns.length < RUNS) {
      process.stderr.write(`bench:   the bot with ${options.users.toLocaleString("en")} users again…\n`);
      mainRuns.push(await runBot(options.users));
    }
  }
  const paged = pagings.reduce((a, b) => (b.ms < a.ms ? b : a));
  const main: BotRun = {
    users: options.users,
    start: highest(mainRuns.map((r) => r.start)),
    afterSync: highest(mainRuns.map((r) => r.afterSync)),
    syncMs: Math.min(...mainRuns.map((r) => r.syncMs)),
  };
  const growth = sizes.filter((n) => options.growth.includes(n)).map((n) => runs.get(n) as BotRun);
  const slope = perHundredThousand(growth.map((r) => [r.users, r.afterSync.peak]));
  const jsonPer100k = (paged.bytes / paged.users) * 100_000 * 2 ** -20;
  const mib = (v: number) => `${v.toFixed(0)} MiB`;
  const n = options.users.toLocaleString("en");

  return [
    {
      section: "process",
      metric: "bot resident at start (target < 90 MiB) vs bare Node.js",
      bot: mib(main.start.rss),
      baseline: mib(bare.rss),
      ratio: ratio(bare.rss, main.start.rss),
    },
    {
      section: "process",
      metric: `bot peak resident, ${n} users synced (target < 150 MiB)`,
      bot: mib(main.afterSync.peak),
      baseline: mib(bare.rss),
      ratio: ratio(bare.rss, main.afterSync.peak),
    },
    {
      section: "process",
      metric: "bot resident after the sync",
      bot: mib(main.afterSync.rss),
      baseline: mib(bare.rss),
      ratio: ratio(bare.rss, main.afterSync.rss),
    },
    {
      section: "process",
      metric: `peak growth per 100k users (${growth.map((r) => `${r.users / 1000}k: ${mib(r.afterSync.peak)}`).join(", ")}) vs users as JSON`,
      bot: `${slope.toFixed(1)} MiB`,
      baseline: `${jsonPer100k.toFixed(1)} MiB`,
      ratio: ratio(jsonPer100k, slope),
    },
    {
      section: "process",
      metric: `directory sync, ${n} users, best of ${RUNS} (target ≤ 1.3× paging /Users at ${MAX_PAGE_SIZE.toLocaleString("en")})`,
      bot: ms(main.syncMs),
      baseline: ms(paged.ms),
      ratio: ratio(paged.ms, main.syncMs),
    },
  ];
}

/** One bot process from start to a synced directory, against a simulator of `users` of its own. */
async function runBot(users: number): Promise<BotRun> {
  const dir = mkdtempSync(join(tmpdir(), "vbo-audit-bench-"));
  const fake = await createBenchSlack();
  let sim: Child | undefined;
  let bot: Child | undefined;
  try {
    const simulator = await startSimulator(users);
    sim = simulator.child;
    // Its own working directory: no `.env` but this environment.
    bot = startNode(
      [join(ROOT, "dist/main.js")],
      { ...benchEnvironment(simulator, fake, join(dir, "vbo-audit.sqlite")), LOG_LEVEL: "info" },
      dir,
    );
    const started = await bot.waitForLine((l) => l.msg === "vbo-audit started", "start");
    await bot.waitForLine(
      (l) => typeof l.msg === "string" && l.msg.includes("checked at start"),
      "start-up checks",
    );
    await sleep(SETTLE_MS);
    const start = memoryOf(bot.pid);

    const fields = fake.slashCommand({ userId: USER, text: "find ben.young", channelId: GENERAL });
    const body = formBody(fields);
    const res = await request(`http://127.0.0.1:${started.port}/slack/events`, {
      method: "POST",
      headers: signSlackRequest(SIGNING_SECRET, body, Date.now() / 1000),
      body,
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`the bot answered the command with ${res.statusCode}`);
    const synced = await bot.waitForLine((l) => l.msg === "directory synced", "directory sync", 600_000);
    // The generated users and the simulator's few seeded ones.
    if (typeof synced.users !== "number" || synced.users < users || synced.users > users + 100)
      throw new Error(`the bot synced ${String(synced.users)} users, not ${users} and the seeded few`);
    const answer = await fake.waitFor(
      () => fake.responses.find((r) => r.url === fields.response_url),
      60_000,
      "the answer to find ben.young",
    );
    if (!JSON.stringify(answer.body).includes(SEED.benYoung.name))
      throw new Error("the bot's answer does not name ben.young");
    await sleep(SETTLE_MS);
    return { users, start, afterSync: memoryOf(bot.pid), syncMs: Number(synced.durationMs) };
  } finally {
    await stopAll([bot, sim]);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Paged {
  ms: number;
  users: number;
  bytes: number;
}

function highest(memory: readonly Memory[]): Memory {
  return { rss: Math.max(...memory.map((m) => m.rss)), peak: Math.max(...memory.map((m) => m.peak)) };
}

async function pageUsers(users: number): Promise<Paged> {
  const sim = await startSimulator(users);
  let pager: Child | undefined;
  try {
    pager = startTs("./page-users.ts", [sim.url, sim.username, sim.password, SEED.organization.id]);
    const out = await pager.waitForOutput((o) => o.includes("\n"), "the pager's result", 600_000);
    return JSON.parse(out) as Paged;
  } finally {
    await stopAll([pager, sim.child]);
  }
}

/** A Node.js process that does nothing: the floor under any Node.js program on this machine. */
async function bareNode(): Promise<Memory> {
  const idle = startNode(["-e", "setInterval(() => {}, 60_000)"], {});
  try {
    await sleep(SETTLE_MS);
    return memoryOf(idle.pid);
  } finally {
    await idle.stop();
  }
}

/** Least-squares slope of MiB against users, per 100,000 users. */
function perHundredThousand(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return (num / den) * 100_000;
}
