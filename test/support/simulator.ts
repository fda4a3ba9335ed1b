/** The VB365 simulator as the tests start it, and the real client logged in to it. */
import type { TestContext } from "node:test";
import { systemClock } from "../../src/clock.ts";
import { silentLogger } from "../../src/logger.ts";
import { createSimulatorFleet, type FleetServerSpec, type SimulatorFleet } from "../../src/sim/fleet.ts";
import { createSimulator, type RunningSimulator } from "../../src/sim/server.ts";
import type { SimulatorOptions, VboSimulator } from "../../src/sim/types.ts";
import { createVboClient, type VboClient, type VboClientOptions } from "../../src/vbo/client.ts";

/** A simulator closed after the test. */
export async function startSimulator(
  t: TestContext,
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  // Token throttling off unless a test is about it: many tests log in more often than 5 a minute.
  const sim = await createSimulator({ tokenRateLimit: false, ...options });
  t.after(() => sim.close());
  return sim;
}

/**
 * The real client, as `sim`'s administrator: silent, in real time (its token cache must not see a
 * test's jumps of days), without jitter and without waiting out a backoff. The caller closes it.
 */
export function simulatorClient(sim: VboSimulator, options: Partial<VboClientOptions> = {}): VboClient {
  return createVboClient({
    baseUrl: sim.url,
    username: sim.username,
    password: sim.password,
    apiVersion: "auto",
    logger: silentLogger,
    clock: systemClock,
    sleep: () => new Promise((resolve) => setImmediate(resolve)),
    random: () => 0.5,
    ...options,
  });
}

/** Several simulated VB365 servers (see `createSimulatorFleet`), closed after the test. */
export async function startSimulatorFleet(t: TestContext, specs: FleetServerSpec[]): Promise<SimulatorFleet> {
  // As for one simulator: token throttling off unless a spec turns it on.
  const fleet = await createSimulatorFleet(specs.map((spec) => ({ tokenRateLimit: false, ...spec })));
  t.after(() => fleet.close());
  return fleet;
}
