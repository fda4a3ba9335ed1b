/**
 * A service provider's VB365 servers: several simulators, each on its own 127.0.0.1 port with its
 * own credentials and organizations. Each server gets its own id seed, so no two servers share an
 * organization, user or group id, while organization names may repeat across them on purpose.
 */
import { randomToken } from "./ids.ts";
import { createSimulator, type RunningSimulator } from "./server.ts";
import type { SimulatorOptions } from "./types.ts";

/** One server of the fleet: a name for it, and the options of its simulator. */
export interface FleetServerSpec extends SimulatorOptions {
  /** The server's name, as the routing file would give it, e.g. `nz1`. Distinct in a fleet. */
  name: string;
}

export interface FleetServer {
  name: string;
  /** Base URL without version. */
  url: string;
  username: string;
  password: string;
  sim: RunningSimulator;
}

export interface SimulatorFleet {
  /** In the order of the specs. */
  servers: FleetServer[];
  /** The server of this name; throws when there is none. */
  server(name: string): FleetServer;
  close(): Promise<void>;
}

/**
 * Starts one simulator per spec. Defaults per server `i` (0-based): seed `i + 1`, username
 * `vbo-audit-<name>`, a random password. At most one server may seed vBridge and Contoso (no
 * `organizationNames`): their ids are fixed, and a second copy would share them. If one server
 * fails to start, those already started are closed.
 */
export async function createSimulatorFleet(specs: FleetServerSpec[]): Promise<SimulatorFleet> {
  checkSpecs(specs);
  const servers: FleetServer[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const { name, ...options } = spec;
      const sim = await createSimulator({
        ...options,
        seed: options.seed ?? i + 1,
        username: options.username ?? `vbo-audit-${name}`,
        password: options.password ?? randomToken().slice(0, 24),
      });
      servers.push({ name, url: sim.url, username: sim.username, password: sim.password, sim });
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.sim.close()));
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    servers,
    server: (name) => {
      const found = servers.find((s) => s.name === name);
      if (!found) throw new Error(`no simulated server named ${name}`);
      return found;
    },
    close: () => {
      closed ??= Promise.all(servers.map((s) => s.sim.close())).then(() => undefined);
      return closed;
    },
  };
}

function checkSpecs(specs: FleetServerSpec[]): void {
  if (specs.length === 0) throw new Error("a fleet needs at least one server");
  const names = new Set<string>();
  const seeds = new Set<number>();
  const usernames = new Set<string>();
  let vbridge = 0;
  for (const [i, spec] of specs.entries()) {
    if (spec.name.trim() === "" || names.has(spec.name))
      throw new Error(`server names must be distinct and not empty: "${spec.name}"`);
    names.add(spec.name);
    const seed = spec.seed ?? i + 1;
    if (seeds.has(seed)) throw new Error(`server ${spec.name}: seed ${seed} is used by another server`);
    seeds.add(seed);
    const username = spec.username ?? `vbo-audit-${spec.name}`;
    if (usernames.has(username))
      throw new Error(`server ${spec.name}: username ${username} is used by another server`);
    usernames.add(username);
    if (!spec.organizationNames) vbridge++;
  }
  if (vbridge > 1) {
    throw new Error(
      "only one server of a fleet may seed vBridge and Contoso; name the others' organizations",
    );
  }
}
