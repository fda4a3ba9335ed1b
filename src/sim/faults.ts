/**
 * Injected failures: what a real VB365 server, or a proxy in front of it, does on a bad day. The
 * server asks, per request, how long to wait, whether to drop the connection and whether to fail.
 */
import type { ExceptionInfo } from "../vbo/schemas.ts";
import type { FaultMatch, SimHold, SimulatorFaults } from "./types.ts";

export interface FailureRule extends FaultMatch {
  status: number;
  body?: ExceptionInfo;
  /** Sent verbatim instead of a RESTExceptionInfo, e.g. a proxy's HTML page. */
  rawBody?: string;
  contentType?: string;
  retryAfterSeconds?: number;
}

interface Counted<T> {
  rule: T;
  left: number;
}

/** Compiled once: the path test ignores case whatever flags the caller gave. */
function matcher(match: FaultMatch | undefined): (method: string, path: string) => boolean {
  const method = match?.method?.toUpperCase();
  const flags = match?.path ? match.path.flags.replace(/[gy]/g, "") : "";
  const path = match?.path
    ? new RegExp(match.path.source, flags.includes("i") ? flags : `${flags}i`)
    : undefined;
  return (m, p) =>
    (method === undefined || m.toUpperCase() === method) && (path === undefined || path.test(p));
}

export class Faults implements SimulatorFaults {
  private latency: number;
  private routeLatency: Array<{ ms: number; test: ReturnType<typeof matcher> }> = [];
  private failures: Array<Counted<FailureRule> & { test: ReturnType<typeof matcher> }> = [];
  private drops: Array<Counted<"before" | "after"> & { test: ReturnType<typeof matcher> }> = [];
  private holds: Array<{ test: ReturnType<typeof matcher>; waiting: Set<() => void>; released: boolean }> =
    [];

  constructor(
    private readonly baseLatencyMs: number,
    private readonly onExpireTokens: () => void,
  ) {
    this.latency = baseLatencyMs;
  }

  setLatency(ms: number, match?: FaultMatch): void {
    if (match === undefined) this.latency = ms;
    else this.routeLatency.push({ ms, test: matcher(match) });
  }

  failNext(count: number, status: number, match: Omit<FailureRule, "status"> = {}): void {
    this.failures.push({ rule: { ...match, status }, left: count, test: matcher(match) });
  }

  dropNext(count: number, match: FaultMatch & { when?: "before" | "after" } = {}): void {
    this.drops.push({ rule: match.when ?? "before", left: count, test: matcher(match) });
  }

  hold(match?: FaultMatch): SimHold {
    const rule = { test: matcher(match), waiting: new Set<() => void>(), released: false };
    this.holds.push(rule);
    return {
      held: () => rule.waiting.size,
      release: () => {
        rule.released = true;
        this.holds = this.holds.filter((h) => h !== rule);
        for (const go of rule.waiting) go();
        rule.waiting.clear();
      },
    };
  }

  /** Waits while a hold matches the request, until it is released or `signal` aborts. */
  async waitIfHeld(method: string, path: string, signal: AbortSignal): Promise<void> {
    const rule = this.holds.find((h) => !h.released && h.test(method, path));
    if (rule === undefined || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const go = () => {
        rule.waiting.delete(go);
        signal.removeEventListener("abort", go);
        resolve();
      };
      rule.waiting.add(go);
      signal.addEventListener("abort", go, { once: true });
    });
  }

  expireTokens(): void {
    this.onExpireTokens();
  }

  reset(): void {
    for (const hold of [...this.holds]) {
      hold.released = true;
      for (const go of [...hold.waiting]) go();
    }
    this.holds = [];
    this.latency = this.baseLatencyMs;
    this.routeLatency = [];
    this.failures = [];
    this.drops = [];
  }

  /** The latest matching route rule wins over the global latency. */
  latencyFor(method: string, path: string): number {
    for (let k = this.routeLatency.length - 1; k >= 0; k--) {
      const rule = this.routeLatency[k];
      if (rule?.test(method, path)) return rule.ms;
    }
    return this.latency;
  }

  takeDrop(method: string, path: string): "before" | "after" | undefined {
    return take(this.drops, method, path);
  }

  takeFailure(method: string, path: string): FailureRule | undefined {
    return take(this.failures, method, path);
  }
}

function take<T>(
  rules: Array<Counted<T> & { test: (method: string, path: string) => boolean }>,
  method: string,
  path: string,
): T | undefined {
  const rule = rules.find((r) => r.left > 0 && r.test(method, path));
  if (!rule) return undefined;
  rule.left--;
  return rule.rule;
}
