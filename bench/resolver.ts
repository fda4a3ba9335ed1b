/**
 * Resolving `ben.young` in an organization of 100,000 users: the bot's way (a directory cache with
 * an in-memory index, synced once) against the hand-made REST walk-through (page through `/Users`
 * at `limit=100` and look for the local part, which the server cannot search for). Also `young`,
 * which names hundreds: every one is ranked and counted, the best 25 read back. The sync's own time
 * and memory are measured with the bot as a process of its own (./memory.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../src/clock.ts";
import { createResolver } from "../src/core/directory/resolver.ts";
import { silentLogger } from "../src/logger.ts";
import { createSimulator } from "../src/sim/server.ts";
import { SEED } from "../src/sim/types.ts";
import { createStore, openDatabase } from "../src/store/index.ts";
import { createVboClient } from "../src/vbo/client.ts";
import { ms, type Row, ratio, summarize, timed } from "./stats.ts";

export async function resolverBench(options: { users: number; lookups: number }): Promise<Row[]> {
  const sim = await createSimulator({ users: options.users, tokenRateLimit: false });
  const dir = mkdtempSync(join(tmpdir(), "vbo-audit-bench-"));
  const db = openDatabase(join(dir, "bench.sqlite"), { logger: silentLogger });
  const vbo = createVboClient({
    baseUrl: sim.url,
    username: sim.username,
    password: sim.password,
    apiVersion: "v8",
    logger: silentLogger,
    clock: systemClock,
  });
  try {
    const org = SEED.organization.id;
    const resolver = createResolver({
      vbo,
      directory: createStore(db).directory,
      logger: silentLogger,
      clock: systemClock,
    });
    await resolver.syncDirectory(org);

    sim.stats.reset();
    const samples: number[] = [];
    for (let i = 0; i < options.lookups; i++) {
      const start = performance.now();
      const answer = await resolver.resolve(org, { kind: "text", value: "ben.young" });
      samples.push(performance.now() - start);
      if (answer.kind !== "one" || answer.principal.name !== SEED.benYoung.name)
        throw new Error("resolver gave a wrong answer");
    }
    const many: number[] = [];
    let youngs = 0;
    for (let i = 0; i < options.lookups / 5; i++) {
      const start = performance.now();
      const answer = await resolver.resolve(org, { kind: "text", value: "young" });
      many.push(performance.now() - start);
      if (answer.kind !== "many" || answer.candidates.length !== 25)
        throw new Error("young is not ambiguous");
      youngs = answer.total;
    }
    const botCalls = sim.stats.total();
    const bot = summarize(samples);
    const ambiguous = summarize(many);
    const lookups = options.lookups + many.length;

    // The walk-through: every page, because a local part can only be matched client-side and a
    // second "ben.young" on another domain would make the answer ambiguous.
    sim.stats.reset();
    const naive = await timed(async () => {
      const found = [];
      for await (const page of vbo.userPages(org, { pageSize: 100 })) {
        for (const user of page) if (user.name?.toLowerCase().startsWith("ben.young@")) found.push(user);
      }
      return found;
    });
    const naiveCalls = sim.stats.count("GET", /\/Users$/i);
    if (naive.value.length !== 1) throw new Error("the walk-through found the wrong users");

    return [
      {
        section: "resolve",
        metric: `ben.young among ${options.users.toLocaleString("en")} users, p50`,
        bot: ms(bot.p50),
        baseline: ms(naive.ms),
        ratio: ratio(naive.ms, bot.p50),
      },
      {
        section: "resolve",
        metric: "… p99",
        bot: ms(bot.p99),
        baseline: ms(naive.ms),
        ratio: ratio(naive.ms, bot.p99),
      },
      {
        section: "resolve",
        metric: `young (${youngs.toLocaleString("en")} users, the best 25 listed), p99`,
        bot: ms(ambiguous.p99),
        baseline: ms(naive.ms),
        ratio: ratio(naive.ms, ambiguous.p99),
      },
      {
        section: "resolve",
        metric: "VB365 calls per lookup",
        bot: String(botCalls / lookups),
        baseline: String(naiveCalls),
        ratio: botCalls === 0 ? "∞" : ratio(naiveCalls, botCalls / lookups),
      },
    ];
  } finally {
    await vbo.close();
    db.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
