/**
 * A service provider's setup: `servers` simulated VB365 servers (src/sim/fleet.ts), each with
 * `organizations` tenants of `audited` audited users (added through the simulator's console hooks),
 * and a routing file sending each server's tenants to that server's own approvals, digest and alerts
 * channels. The bot (`createBot` from `loadConfig` with that ROUTING_FILE) runs in a process of its
 * own (./provider-bot.ts), so its memory is its own; the fleet and the fake Slack stay here, where
 * each step's VB365 calls are counted.
 *
 * Measured against baselines in the same run, each reading the same facts by hand through plain
 * clients with the same concurrency (see provider-bot.ts):
 * - the digest (one per digest channel): the first (it writes every snapshot; both sides log in and
 *   detect the version here) and later ones (median), against each server's e-mail settings,
 *   organizations and audit items;
 * - one watcher cycle across all servers, with `sessionsPerServer` new restore sessions on each that
 *   touch an audited user (each alerted once), against listing the sessions, reading their events
 *   and the audit lists they need; then a quiet cycle (nothing new), against listing the sessions;
 * - the bot's resident memory and heap after the digests, against the same process before the bot
 *   was built (Node.js, tsx and the modules loaded).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDevSlack, type DevSlack } from "../src/devslack/index.ts";
import { createSimulatorFleet, type SimulatorFleet } from "../src/sim/fleet.ts";
import { type Child, type LogLine, memoryOf, startTs, stopAll } from "./processes.ts";
import type { ProviderBotInput } from "./provider-bot.ts";
import { ms, type Row, ratio, summarize } from "./stats.ts";
import { APPROVER, SIGNING_SECRET } from "./world.ts";

export interface ProviderBenchOptions {
  servers: number;
  organizations: number;
  audited: number;
  sessionsPerServer: number;
}

/** Later digests and quiet watcher cycles, each alternated with its baseline; figures are medians. */
const ROUNDS = 3;

const pad = (n: number) => String(n).padStart(2, "0");
const serverName = (i: number) => `s${pad(i + 1)}`;
const channel = (kind: "APPR" | "DIGS" | "ALRT", i: number) => `C0${kind}S${pad(i + 1)}`;

export async function providerBench(options: ProviderBenchOptions): Promise<Row[]> {
  const { servers, organizations, audited, sessionsPerServer } = options;
  const dir = mkdtempSync(join(tmpdir(), "vbo-audit-bench-provider-"));
  let fleet: SimulatorFleet | undefined;
  let fake: DevSlack | undefined;
  let bot: Child | undefined;
  try {
    process.stderr.write(
      `bench:   ${servers} servers × ${organizations} organizations × ${audited} audited…\n`,
    );
    fleet = await createSimulatorFleet(
      Array.from({ length: servers }, (_, i) => ({
        name: serverName(i),
        tokenRateLimit: false as const,
        organizationNames: Array.from(
          { length: organizations },
          (_, k) => `${serverName(i)} Tenant ${pad(k + 1)}`,
        ),
      })),
    );
    const sessionsFrom = new Date(Date.now() - 2 * 3_600_000);
    for (const server of fleet.servers) seedServer(server.sim, audited, sessionsPerServer, sessionsFrom);

    fake = await createDevSlack({
      channels: Array.from({ length: servers }, (_, i) =>
        (["APPR", "DIGS", "ALRT"] as const).map((k) => channel(k, i)),
      ).flat(),
      users: [{ id: APPROVER, name: "boss", email: "boss@provider.example" }],
    });
    const routingFile = join(dir, "routing.yaml");
    writeFileSync(routingFile, routingYaml(fleet));
    const input: ProviderBotInput = {
      env: {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: "0",
        DATABASE_PATH: join(dir, "vbo-audit.sqlite"),
        ROUTING_FILE: routingFile,
        LOG_LEVEL: "warn",
        ...Object.fromEntries(fleet.servers.map((s) => [passwordVariable(s.name), s.password])),
      },
      servers: fleet.servers.map(({ name, url, username, password }) => ({ name, url, username, password })),
      sessionsFrom: sessionsFrom.toISOString(),
    };
    const inputFile = join(dir, "input.json");
    writeFileSync(inputFile, JSON.stringify(input));

    const child = startTs("./provider-bot.ts", [inputFile], {}, { stdin: true, nodeFlags: ["--expose-gc"] });
    bot = child;
    await child.waitForLine((l) => l.ready === true, "the provider bot's start", 120_000);
    const calls = () => fleet!.servers.reduce((n, s) => n + s.sim.stats.total(), 0);
    let seq = 0;
    const step = async (name: string): Promise<LogLine & { ms: number; calls: number }> => {
      const id = ++seq;
      const before = calls();
      child.send(`${id} ${name}`);
      const line = await child.waitForLine((l) => l.seq === id, `step ${name}`, 600_000);
      if (typeof line.error === "string") throw new Error(`provider bot, ${name}: ${line.error}`);
      return { ...line, ms: Number(line.ms), calls: calls() - before };
    };

    const before = Number((await step("memory")).heapUsed);
    const beforeRss = memoryOf(child.pid).rss;
    await step("build");

    process.stderr.write("bench:   digests…\n");
    const firstHand = await step("hand-digest");
    const first = await step("digest");
    const expectedAudited = servers * organizations * audited;
    const check = (d: LogLine, hand: LogLine) => {
      if (Number(d.unavailable) > 0) throw new Error(`${d.unavailable} organizations were unavailable`);
      if (
        Number(d.organizations) !== servers * organizations ||
        Number(hand.organizations) !== servers * organizations
      )
        throw new Error(`the digest covered ${d.organizations} organizations, by hand ${hand.organizations}`);
      if (d.audited !== hand.audited || Number(d.audited) < expectedAudited)
        throw new Error(`the digest counted ${d.audited} audited, the hand-made read ${hand.audited}`);
      if ((d.channels as string[]).length !== servers) throw new Error("not one digest per digest channel");
    };
    check(first, firstHand);
    const hands = [];
    const later = [];
    for (let r = 0; r < ROUNDS; r++) {
      hands.push(await step("hand-digest"));
      later.push(await step("digest"));
      check(later.at(-1)!, hands.at(-1)!);
    }
    for (let i = 0; i < servers; i++) {
      const messages = fake.messagesIn(channel("DIGS", i));
      if (messages.length === 0) throw new Error(`no digest in ${channel("DIGS", i)}`);
      const text = JSON.stringify(messages);
      const other = serverName((i + 1) % servers);
      if (servers > 1 && text.includes(`${other} Tenant`))
        throw new Error(`${channel("DIGS", i)} shows ${other}`);
    }
    const after = Number((await step("memory")).heapUsed);
    const afterMemory = memoryOf(child.pid);

    process.stderr.write("bench:   watcher cycles…\n");
    const watchHand = await step("hand-watch");
    const watch = await step("watch");
    if (watch.outcome !== "succeeded") throw new Error(`the watcher's cycle: ${watch.detail}`);
    const sessions = servers * sessionsPerServer;
    if (watchHand.matched !== sessions)
      throw new Error(`${watchHand.matched} sessions matched by hand, not ${sessions}`);
    for (let i = 0; i < servers; i++) {
      if (fake.messagesIn(channel("ALRT", i)).length !== sessionsPerServer)
        throw new Error(`${channel("ALRT", i)} did not get its server's ${sessionsPerServer} alerts`);
    }
    const quietHands = [];
    const quiet = [];
    for (let r = 0; r < ROUNDS; r++) {
      quietHands.push(await step("hand-sessions"));
      quiet.push(await step("watch"));
    }
    const logged = quiet.at(-1)!.logged as { warn: number; error: number; first?: string };
    if (logged.warn + logged.error > 0)
      process.stderr.write(
        `bench:   provider: ${logged.warn} warnings, ${logged.error} errors: ${logged.first}\n`,
      );

    const median = (steps: ReadonlyArray<{ ms: number }>) => summarize(steps.map((s) => s.ms)).p50;
    const sameCalls = (steps: ReadonlyArray<{ calls: number }>) => {
      const counts = new Set(steps.map((s) => s.calls));
      if (counts.size !== 1) throw new Error(`VB365 calls varied between rounds: ${[...counts].join(", ")}`);
      return steps[0]!.calls;
    };
    const mib = (bytes: number) => `${bytes.toFixed(0)} MiB`;
    const label = `${servers} servers × ${organizations} organizations, ${Number(first.audited).toLocaleString("en")} audited`;
    const handMs = median(hands);
    return [
      {
        section: "provider",
        metric: `first digest, ${servers} channels (${label}; logs in, writes the snapshots) vs reading VB365 only`,
        bot: ms(first.ms),
        baseline: ms(firstHand.ms),
        ratio: ratio(firstHand.ms, first.ms),
      },
      {
        section: "provider",
        metric: `later digest, median of ${ROUNDS} vs reading VB365 only`,
        bot: ms(median(later)),
        baseline: ms(handMs),
        ratio: ratio(handMs, median(later)),
      },
      {
        section: "provider",
        metric: `VB365 calls per later digest vs per reading (first: ${first.calls} vs ${firstHand.calls})`,
        bot: String(sameCalls(later)),
        baseline: String(sameCalls(hands)),
        ratio: ratio(sameCalls(hands), sameCalls(later)),
      },
      {
        section: "provider",
        metric: `Slack messages per digest, all ${servers} channels`,
        bot: String(first.messages),
        baseline: "–",
        ratio: "–",
      },
      {
        section: "provider",
        metric: `watcher cycle, all servers (${sessions} new sessions: ${sessions} alerts posted, each in its server's channel) vs reading by hand`,
        bot: ms(watch.ms),
        baseline: ms(watchHand.ms),
        ratio: ratio(watchHand.ms, watch.ms),
      },
      {
        section: "provider",
        metric: "… VB365 calls (the bot also reads the audited groups' members)",
        bot: String(watch.calls),
        baseline: String(watchHand.calls),
        ratio: ratio(watchHand.calls, watch.calls),
      },
      {
        section: "provider",
        metric: `quiet watcher cycle (nothing new), median of ${ROUNDS} vs listing the sessions`,
        bot: ms(median(quiet)),
        baseline: ms(median(quietHands)),
        ratio: ratio(median(quietHands), median(quiet)),
      },
      {
        section: "provider",
        metric: "… VB365 calls",
        bot: String(sameCalls(quiet)),
        baseline: String(sameCalls(quietHands)),
        ratio: ratio(sameCalls(quietHands), sameCalls(quiet)),
      },
      {
        section: "provider",
        metric: "bot's process resident after the digests vs before the bot was built",
        bot: mib(afterMemory.rss),
        baseline: mib(beforeRss),
        ratio: ratio(beforeRss, afterMemory.rss),
      },
      {
        section: "provider",
        metric: "… its peak resident (VmHWM) so far",
        bot: mib(afterMemory.peak),
        baseline: mib(beforeRss),
        ratio: ratio(beforeRss, afterMemory.peak),
      },
      {
        section: "provider",
        metric: "… heap used after a full collection",
        bot: mib(after / 2 ** 20),
        baseline: mib(before / 2 ** 20),
        ratio: ratio(before, after),
      },
    ];
  } finally {
    await stopAll([bot]);
    await fake?.close();
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type FleetSim = SimulatorFleet["servers"][number]["sim"];

/**
 * As an administrator would in each server's console: `audited` new users audited in every
 * organization, and `sessions` restore sessions (in the first organizations) that exported an
 * audited user's mail after `from`.
 */
function seedServer(sim: FleetSim, audited: number, sessions: number, from: Date): void {
  const orgs = sim.control.organizations();
  for (const [k, org] of orgs.entries()) {
    const domain = `${org.name.toLowerCase().replace(/[^a-z0-9]/g, "")}.example.com`;
    for (let n = 0; n < audited; n++) {
      const name = `audited.${n}@${domain}`;
      const displayName = `Audited ${n}`;
      const id = sim.control.addUser(org.id, { name, displayName });
      sim.control.addAuditItem(org.id, { type: "User", id, name, displayName });
      if (n === 0 && k < sessions) {
        const at = new Date(from.getTime() + 3_600_000 + k * 60_000).toISOString();
        sim.control.addRestoreSession({
          organizationId: org.id,
          type: "Vex",
          name: `Exchange restore session: ${displayName}`,
          initiatedBy: `PROVIDER\\helpdesk`,
          creationTime: at,
          endTime: at,
          state: "Stopped",
          result: "Success",
          events: [
            {
              type: "Export",
              itemName: "Payslip",
              source: `${displayName}\\Inbox`,
              startTime: at,
              userId: id,
            },
          ],
        });
      }
    }
  }
  if (orgs.length < sessions) throw new Error(`only ${orgs.length} organizations for ${sessions} sessions`);
}

const passwordVariable = (server: string) => `VBO_PASSWORD_${server.toUpperCase()}`;

/** Each server's organizations routed to that server's own channels. */
function routingYaml(fleet: SimulatorFleet): string {
  const lines = ["servers:"];
  for (const s of fleet.servers) {
    lines.push(`  - name: ${s.name}`, `    url: ${s.url}`, `    username: ${s.username}`);
    lines.push(`    password: \${${passwordVariable(s.name)}}`);
  }
  lines.push("routes:");
  for (const [i, s] of fleet.servers.entries()) {
    lines.push(
      `  - name: ${s.name}`,
      `    organizations: [{ server: ${s.name} }]`,
      `    channels: { approvals: ${channel("APPR", i)}, digest: ${channel("DIGS", i)}, alerts: ${channel("ALRT", i)} }`,
      `    approvers: { users: [${APPROVER}] }`,
    );
  }
  return `${lines.join("\n")}\n`;
}
