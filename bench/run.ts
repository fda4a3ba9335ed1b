/**
 * `npm run bench`: measures the bot against a baseline taken in the same run, and prints one table.
 * Ratios, not absolute numbers, are what to compare between machines.
 *
 * `npm run bench -- commands digest` runs only the named sections (all by default).
 */
import { cpus, totalmem } from "node:os";
import { applyBench } from "./apply.ts";
import { approvalsBench } from "./approvals.ts";
import { commandsBench } from "./commands.ts";
import { digestBench } from "./digest.ts";
import { memoryBench } from "./memory.ts";
import { providerBench } from "./provider.ts";
import { resolverBench } from "./resolver.ts";
import { type Row, table } from "./stats.ts";

const SECTIONS: Record<string, () => Promise<Row[]>> = {
  resolver: () => resolverBench({ users: 100_000, lookups: 5_000 }),
  approvals: () => approvalsBench({ requests: 300, logEvents: 20_000 }),
  commands: () =>
    commandsBench({
      commands: 1_000,
      concurrency: 50,
      vboLatencyMs: 1_000,
      text: "find young",
      drainMs: 45_000,
    }),
  digest: () => digestBench({ organizations: 50, audited: 500 }),
  apply: () => applyBench({ applies: 50, vboLatencyMs: 50 }),
  provider: () => providerBench({ servers: 20, organizations: 25, audited: 200, sessionsPerServer: 5 }),
  process: () => memoryBench({ users: 100_000, growth: [10_000, 100_000, 300_000] }),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown section ${unknown.join(", ")}; known: ${Object.keys(SECTIONS).join(", ")}\n`,
  );
  process.exit(2);
}
const chosen = Object.keys(SECTIONS).filter((name) => wanted.length === 0 || wanted.includes(name));

const started = performance.now();
const rows: Row[] = [];
for (const name of chosen) {
  const sectionStart = performance.now();
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await SECTIONS[name]!()));
  process.stderr.write(
    `bench: ${name} done in ${((performance.now() - sectionStart) / 1000).toFixed(0)} s\n`,
  );
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
process.stdout.write(
  `vbo-audit benchmark — sections: ${chosen.join(", ")} — Node ${process.version}, ${cpus().length} × ${cpu}, ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${((performance.now() - started) / 1000).toFixed(0)} s\n\n${table(rows)}\n`,
);
