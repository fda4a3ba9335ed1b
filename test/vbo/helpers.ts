/** Test fixtures for the VB365 client: a simulator and a client wired to it, cleaned up after the test. */
import type { TestContext } from "node:test";
import type { Dispatcher } from "undici";
import type { Sleep } from "../../src/clock.ts";
import type { SimulatorOptions, VboSimulator } from "../../src/sim/types.ts";
import type { VboClient, VboClientOptions } from "../../src/vbo/client.ts";
import { type JsonLogger, jsonLogger } from "../support/logger.ts";
import { simulatorClient, startSimulator } from "../support/simulator.ts";

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

export function connect(
  t: TestContext,
  sim: VboSimulator,
  options: Partial<VboClientOptions> & { dispatcher?: Dispatcher } = {},
): Omit<Fixture, "sim"> {
  const { waits, sleep } = recordingSleep();
  const logs = jsonLogger();
  const client = simulatorClient(sim, { logger: logs.logger, sleep, ...options });
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
