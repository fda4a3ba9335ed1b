/**
 * The provider section's bot, in a process of its own so that its memory is its own (the fleet of
 * simulators and the fake Slack stay in the benchmark's process). Started by ./provider.ts with the
 * path of a JSON file holding the bot's environment (with its ROUTING_FILE) and the servers; then
 * does one step per line on stdin (`<seq> <step>`) and answers each with one JSON line on stdout
 * (`{"seq": n, …}`), so that the benchmark can count the VB365 calls of each step on its side.
 *
 * Steps: `build` (createBot from loadConfig), `hand-digest` / `digest`, `hand-watch` / `watch`,
 * `hand-sessions` (only listing the restore sessions), `memory` (heap after a full collection;
 * the benchmark reads the resident size from /proc). Baselines use clients of their own, one per
 * server, with the bot's settings: what an operator's script reading the same facts would do.
 */
import { setFlagsFromString } from "node:v8";

// As src/main.ts sets them before the bot's code loads, so the bot is measured as it ships.
setFlagsFromString("--semi-space-growth-factor=1");
setFlagsFromString("--heap-growing-percent=70");
setFlagsFromString("--liftoff-only");
setFlagsFromString("--no-turbofan");

const { readFileSync } = await import("node:fs");
const { createInterface } = await import("node:readline");
const { createBot } = await import("../src/bot.ts");
const { systemClock } = await import("../src/clock.ts");
const { loadConfig, secretsOf } = await import("../src/config.ts");
const { createLogger } = await import("../src/logger.ts");
const { createVboClient } = await import("../src/vbo/client.ts");
const { collect } = await import("../src/async.ts");
const { pool, timed } = await import("./stats.ts");

type Bot = import("../src/bot.ts").Bot;
type VboClient = import("../src/vbo/client.ts").VboClient;

export interface ProviderBotInput {
  env: Record<string, string>;
  servers: Array<{ name: string; url: string; username: string; password: string }>;
  /** Where the watcher and the hand-made read start looking for restore sessions. */
  sessionsFrom: string;
}

/** As the digest and the watcher ask VB365: organizations a few at a time (src/core). */
const CONCURRENCY = 4;

const input = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as ProviderBotInput;
const loaded = loadConfig(input.env);
if (!loaded.ok) throw new Error(`provider configuration: ${loaded.problems.join("; ")}`);
const config = loaded.config;
const logged = { warn: 0, error: 0, first: undefined as string | undefined };
const logger = createLogger({
  level: "warn",
  secrets: secretsOf(config),
  sink: (line) => {
    if (line.includes('"level":"error"')) logged.error++;
    else logged.warn++;
    logged.first ??= line.slice(0, 400);
  },
});
const byHand = input.servers.map((s) => ({
  name: s.name,
  vbo: createVboClient({
    baseUrl: s.url,
    username: s.username,
    password: s.password,
    apiVersion: "auto",
    logger,
    clock: systemClock,
  }),
}));
let bot: Bot | undefined;
const built = () => {
  if (!bot) throw new Error("the bot is not built yet");
  return bot;
};

const steps: Record<string, () => Promise<Record<string, unknown>>> = {
  build: async () => {
    bot = createBot({ config, host: "127.0.0.1", logger, jobs: false, shutdownGraceMs: 2_000 });
    return {};
  },
  "hand-digest": async () => {
    const { ms, value } = await timed(() => readDigestFacts(byHand));
    return { ms, ...value };
  },
  digest: async () => {
    const b = built();
    const { ms, value } = await timed(() =>
      b.core.digest.post(b.clock.now(), { kind: "manual", period: "bench", requestedBy: "U0BENCHBOSS" }),
    );
    const totals = value.map((p) => p.digest.totals);
    return {
      ms,
      channels: value.map((p) => p.channel),
      messages: value.reduce((n, p) => n + p.messages, 0),
      organizations: totals.reduce((n, t) => n + t.organizations, 0),
      audited: totals.reduce((n, t) => n + t.audited, 0),
      unavailable: totals.reduce((n, t) => n + t.unavailable, 0),
    };
  },
  "hand-watch": async () => {
    const { ms, value } = await timed(() => readWatchFacts(byHand, new Date(input.sessionsFrom)));
    return { ms, ...value };
  },
  "hand-sessions": async () => {
    const from = new Date(input.sessionsFrom);
    const { ms, value } = await timed(async () => {
      let sessions = 0;
      await pool(byHand.length, CONCURRENCY, async (i) => {
        const found = await collect(byHand[i]!.vbo.restoreSessions({ from }));
        sessions += found.length;
      });
      return sessions;
    });
    return { ms, sessions: value };
  },
  watch: async () => {
    const b = built();
    const { ms, value } = await timed(() => b.core.access.watch(b.clock.now()));
    return { ms, outcome: value.outcome, detail: value.detail };
  },
  memory: async () => {
    // Only what is still reachable: the benchmark starts this process with --expose-gc.
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 500));
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, rss: m.rss };
  },
};

/** The digest's facts by hand: each server's e-mail settings, organizations and their audit items. */
async function readDigestFacts(servers: typeof byHand) {
  let organizations = 0;
  let audited = 0;
  for (const { vbo } of servers) {
    await vbo.getAuditEmailSettings();
    const list = (await vbo.listOrganizations()).flatMap((o) => (o.id ? [o.id] : []));
    organizations += list.length;
    await pool(list.length, CONCURRENCY, async (i) => {
      // Read first: `audited += await …` would add to the total as it was before the await.
      const items = await vbo.listAuditItems(list[i]!);
      audited += items.length;
    });
  }
  return { organizations, audited };
}

/**
 * The watcher's facts by hand: on each server (a few at a time), the restore sessions since
 * `from`, each one's events, and the audit list of each organization a session is in, read once;
 * a session counts when an event names an audited user.
 */
async function readWatchFacts(servers: typeof byHand, from: Date) {
  let sessions = 0;
  let matched = 0;
  await pool(servers.length, CONCURRENCY, async (i) => {
    const { vbo } = servers[i]!;
    const found = await collect(vbo.restoreSessions({ from }));
    sessions += found.length;
    if (found.length === 0) return;
    const byName = new Map((await vbo.listOrganizations()).map((o) => [o.name, o.id]));
    const audited = new Map<string, Promise<Set<string>>>();
    for (const session of found) {
      const events = await collect(vbo.restoreSessionEvents(session.id));
      const orgId = byName.get(session.organization ?? "");
      if (!orgId) continue;
      let ids = audited.get(orgId);
      if (!ids) {
        ids = auditedUserIds(vbo, orgId);
        audited.set(orgId, ids);
      }
      const set = await ids;
      if (events.some((e) => e.userId && set.has(e.userId.toLowerCase()))) matched++;
    }
  });
  return { sessions, matched };
}

async function auditedUserIds(vbo: VboClient, organizationId: string): Promise<Set<string>> {
  const items = await vbo.listAuditItems(organizationId);
  return new Set(items.flatMap((i) => (i.user?.id ? [i.user.id.toLowerCase()] : [])));
}

const reply = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
reply({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  const [seq, name] = line.trim().split(" ");
  const step = name ? steps[name] : undefined;
  try {
    if (!step) throw new Error(`unknown step ${name}`);
    reply({ seq: Number(seq), ...(await step()), logged: { ...logged } });
  } catch (err) {
    reply({ seq: Number(seq), error: err instanceof Error ? err.stack : String(err) });
  }
}
await bot?.stop();
