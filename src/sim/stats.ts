/** Request counts by normalised route ("GET /v8/Organizations/{id}/Users"), for tests and the benchmark. */
import type { SimulatorStats, TokenRequestInfo } from "./types.ts";

export class Stats implements SimulatorStats {
  private counts = new Map<string, number>();
  private lastToken: TokenRequestInfo | undefined;

  record(method: string, route: string): void {
    const key = `${method.toUpperCase()} ${route}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  recordToken(info: TokenRequestInfo): void {
    this.lastToken = info;
  }

  byRoute(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  count(method: string, route: RegExp): number {
    const wanted = method.toUpperCase();
    let n = 0;
    for (const [key, value] of this.counts) {
      const space = key.indexOf(" ");
      route.lastIndex = 0;
      if (key.slice(0, space) === wanted && route.test(key.slice(space + 1))) n += value;
    }
    return n;
  }

  total(): number {
    let n = 0;
    for (const value of this.counts.values()) n += value;
    return n;
  }

  reset(): void {
    this.counts = new Map();
    this.lastToken = undefined;
  }

  lastTokenRequest(): TokenRequestInfo | undefined {
    return this.lastToken;
  }
}
