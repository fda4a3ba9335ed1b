/** Small measuring helpers for the benchmark: percentiles, timing, and the table it prints. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarize(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    n: sorted.length,
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` in flight. */
export async function pool(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

export interface Row {
  section: string;
  metric: string;
  bot: string;
  baseline: string;
  /** How many times better the bot is than the baseline (>1: better). */
  ratio: string;
}

export const ms = (v: number) =>
  v >= 100 ? `${v.toFixed(0)} ms` : v >= 1 ? `${v.toFixed(1)} ms` : `${(v * 1000).toFixed(0)} µs`;
export const perSecond = (v: number) => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}/s`;
/** `better / worse`, with two significant digits below 1 so that a small ratio does not read 0.0×. */
export const ratio = (better: number, worse: number) => {
  const r = better / worse;
  if (!Number.isFinite(r)) return "–";
  return `${r >= 1_000 ? r.toFixed(0) : r >= 0.95 ? r.toFixed(1) : r.toPrecision(2)}×`;
};

export function table(rows: readonly Row[]): string {
  const header: Row = {
    section: "section",
    metric: "metric",
    bot: "vbo-audit",
    baseline: "baseline",
    ratio: "ratio",
  };
  const all = [header, ...rows];
  const keys = ["section", "metric", "bot", "baseline", "ratio"] as const;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<
    (typeof keys)[number],
    number
  >;
  const line = (r: Row) => `| ${keys.map((k) => r[k].padEnd(width[k])).join(" | ")} |`;
  const rule = `| ${keys.map((k) => "-".repeat(width[k])).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
