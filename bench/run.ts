/**
 * `npm run bench`: measures the bot against a baseline taken in the same run, and prints one table.
 * Ratios, not absolute numbers, are what to compare between machines.
 */
import { cpus, totalmem } from "node:os";
import { approvalsBench } from "./approvals.ts";
import { resolverBench } from "./resolver.ts";
import { type Row, table } from "./stats.ts";

const started = performance.now();
const rows: Row[] = [];
const section = async (name: string, run: () => Promise<Row[]>) => {
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
};

await section("resolver", () => resolverBench({ users: 100_000, lookups: 5_000 }));
await section("approvals", () => approvalsBench({ requests: 300, logEvents: 20_000 }));

const peakRssMb = process.resourceUsage().maxRSS / 1024;
rows.push({
  section: "process",
  metric: "peak resident memory",
  bot: `${peakRssMb.toFixed(0)} MiB`,
  baseline: "–",
  ratio: "–",
});

const cpu = cpus()[0]?.model ?? "unknown CPU";
process.stdout.write(
  `vbo-audit benchmark — Node ${process.version}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s\n\n${table(rows)}\n`,
);
