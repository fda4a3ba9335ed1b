/** Test fixtures for the VB365 client: a simulator and a client wired to it, cleaned up after the test. */
import type { TestContext } from "node:test";
import type { Dispatcher } from "undici";
import type { Sleep } from "../../src/clock.ts";
import { createSimulator } from "../../src/sim/server.ts";
import type { SimulatorOptions, VboSimulator } from "../../src/sim/types.ts";
import { createVboClient, type VboClient, type VboClientOptions } from "../../src/vbo/client.ts";
import { type JsonLogger, jsonLogger } from "../support/logger.ts";

/** A sleep that records what was asked and returns at once, so tests never wait out a backoff. */
export function recordingSleep(): { waits: number[]; sleep: Sleep } {
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { waits, sleep };
}

export interface Fixture {
  sim: VboSimulator;
  client: VboClient;
  waits: number[];
  logs: JsonLogger;
  tokenRequests: () => number;
}

export async function startSimulator(t: TestContext, options: SimulatorOptions = {}): Promise<VboSimulator> {
  // Throttling off unless a test is about it: many tests log in more often than 5 a minute.
  const sim = await createSimulator({ tokenRateLimit: false, ...options });
  t.after(() => sim.close());
  return sim;
}

export function connect(
  t: TestContext,
  sim: VboSimulator,
  options: Partial<VboClientOptions> & { dispatcher?: Dispatcher } = {},
): Omit<Fixture, "sim"> {
  const { waits, sleep } = recordingSleep();
  const logs = jsonLogger();
  const client = createVboClient({
    baseUrl: sim.url,
    username: sim.username,
    password: sim.password,
    apiVersion: "auto",
    logger: logs.logger,
    clock: { now: () => new Date() },
    sleep,
    random: () => 0.5,
    ...options,
  });
  t.after(() => client.close());
  return { client, waits, logs, tokenRequests: () => sim.stats.count("POST", /\/token$/i) };
}

export async function setup(
  t: TestContext,
  simOptions: SimulatorOptions = {},
  clientOptions: Partial<VboClientOptions> = {},
): Promise<Fixture> {
  const sim = await startSimulator(t, simOptions);
  return { sim, ...connect(t, sim, clientOptions) };
}

export async function collect<T>(iterable: AsyncIterable<T[]>): Promise<{ pages: number; items: T[] }> {
  let pages = 0;
  const items: T[] = [];
  for await (const page of iterable) {
    pages++;
    items.push(...page);
  }
  return { pages, items };
}
