/**
 * `npm run sim`: the simulator as a process of its own, for trying the bot without a VB365
 * server. Prints where it listens, the credentials, and the lines to paste into `.env`; with
 * `--servers N`, a service provider's fleet and the `servers:` block of a routing file.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { API_VERSIONS, type ApiVersion } from "../vbo/schemas.ts";
import { createSimulatorFleet, type FleetServerSpec } from "./fleet.ts";
import { tenantDomain } from "./seed-tenants.ts";
import { createSimulator } from "./server.ts";
import { SEED, type SimulatorOptions } from "./types.ts";

/** The organization every server of `--servers` holds, so that names clash across servers. */
export const SHARED_TENANT = "Common Ltd";
const MAX_SERVERS = 50;

export const USAGE = `Usage: npm run sim -- [options]

  --port N                       listen on this port (default 4443; 0 picks a free one)
  --servers N                    serve N servers (default 1) on --port, --port + 1, … (free
                                 ones with --port 0), each with its own credentials (--username
                                 and --password get -1, -2, …) and its own organizations:
                                 "Alpha i" and "Bravo i" on server i, and "${SHARED_TENANT}"
                                 on every server (a name clash on purpose); --organizations
                                 adds generated ones to each. Prints the servers: block of
                                 a routing file (ROUTING_FILE) to paste
  --host ADDRESS                 listen on this address (default 127.0.0.1)
  --versions v6,v7,v8            API versions served (default all three)
  --users N                      extra generated users in vBridge (default 0; one server only)
  --organizations N              extra generated organizations (default 0)
  --users-per-organization N     users in each generated or named organization (default 10)
  --latency MS                   added to every request (default 0)
  --token-lifetime S             access token lifetime in seconds (default 3600)
  --tls-key FILE --tls-cert FILE serve HTTPS with this PEM key and certificate
  --username NAME --password PW  credentials to accept (defaults printed at start)
  --no-rate-limit                do not throttle /token
  --sparse                       leave out fields without a value (default: every declared
                                 field, null where nullable, as a real VB365 server writes them)
  --help                         this text
`;

export const DEFAULT_CLI_CREDENTIALS = { username: "vbo-audit-svc", password: "vbo-sim-password" } as const;

export type CliParse =
  | {
      kind: "run";
      options: SimulatorOptions & { port: number };
      tlsCertFile?: string;
      /** How many servers: 1 is the simulator of old, more a fleet (see `fleetSpecs`). */
      servers: number;
    }
  | { kind: "help" }
  | { kind: "error"; message: string };

function count(name: string, raw: string | undefined, fallback: number, max = 10_000_000): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max)
    throw new Error(`--${name} must be a whole number up to ${max}`);
  return Number(raw);
}

/** Flags to simulator options; never throws, never exits (main decides). */
export function parseCli(argv: string[], readFile: (path: string) => string): CliParse {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: "string" },
        servers: { type: "string" },
        host: { type: "string" },
        versions: { type: "string" },
        users: { type: "string" },
        organizations: { type: "string" },
        "users-per-organization": { type: "string" },
        latency: { type: "string" },
        "token-lifetime": { type: "string" },
        "tls-key": { type: "string" },
        "tls-cert": { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        "no-rate-limit": { type: "boolean" },
        sparse: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
    if (values.help) return { kind: "help" };
    const versions = (values.versions ?? API_VERSIONS.join(","))
      .split(",")
      .map((v) => v.trim().toLowerCase())
      .filter((v) => v !== "");
    const unknown = versions.filter((v) => !API_VERSIONS.includes(v as ApiVersion));
    if (versions.length === 0 || unknown.length > 0) {
      throw new Error(`--versions takes a list of ${API_VERSIONS.join(", ")}`);
    }
    if ((values["tls-key"] === undefined) !== (values["tls-cert"] === undefined)) {
      throw new Error("--tls-key and --tls-cert go together");
    }
    const servers = count("servers", values.servers, 1, MAX_SERVERS);
    if (servers === 0) throw new Error("--servers must be at least 1");
    if (servers > 1 && values.users !== undefined) {
      throw new Error(
        "--users adds to vBridge, which --servers does not serve; use --users-per-organization",
      );
    }
    const options: SimulatorOptions & { port: number } = {
      port: count("port", values.port, 4443, 65_535),
      host: values.host ?? "127.0.0.1",
      versions: versions as ApiVersion[],
      users: count("users", values.users, 0),
      organizations: count("organizations", values.organizations, 0, 10_000),
      usersPerOrganization: count("users-per-organization", values["users-per-organization"], 10),
      latencyMs: count("latency", values.latency, 0, 600_000),
      tokenLifetimeSeconds: count("token-lifetime", values["token-lifetime"], 3600, 31_536_000),
      username: values.username ?? DEFAULT_CLI_CREDENTIALS.username,
      password: values.password ?? DEFAULT_CLI_CREDENTIALS.password,
    };
    if (options.port !== 0 && options.port + servers - 1 > 65_535) {
      throw new Error(`--port ${options.port} leaves no room for ${servers} servers`);
    }
    if (values["no-rate-limit"]) options.tokenRateLimit = false;
    if (values.sparse) options.fields = "sparse";
    const keyFile = values["tls-key"];
    const certFile = values["tls-cert"];
    if (keyFile !== undefined && certFile !== undefined) {
      options.tls = { key: readFile(keyFile), cert: readFile(certFile) };
      return { kind: "run", options, tlsCertFile: resolve(certFile), servers };
    }
    return { kind: "run", options, servers };
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
}

/** What the CLI prints once listening. */
export function banner(
  sim: { url: string; username: string; password: string },
  options: SimulatorOptions,
  tlsCertFile?: string,
): string {
  const generated = options.organizations
    ? ` + ${options.organizations} generated organizations of ${options.usersPerOrganization} users`
    : "";
  return [
    `VB365 simulator listening on ${sim.url} (API ${(options.versions ?? API_VERSIONS).join(", ")}, ${options.fields ?? "realistic"} fields)`,
    `  username: ${sim.username}`,
    `  password: ${sim.password}`,
    `  organizations: ${SEED.organization.name} (${SEED.organization.id}) with ${options.users ?? 0} generated users, ${SEED.contoso.name} (${SEED.contoso.id})${generated}`,
    "",
    "Environment for the bot:",
    `VBO_URL=${sim.url}`,
    `VBO_USERNAME=${sim.username}`,
    `VBO_PASSWORD=${sim.password}`,
    ...(tlsCertFile ? [`VBO_CA_FILE=${tlsCertFile}`] : []),
    "",
    "Ctrl-C stops it.",
    "",
  ].join("\n");
}

/** Server `i` (1-based) of `--servers`: its own port, credentials, seed and organizations. */
export function fleetSpecs(options: SimulatorOptions & { port: number }, servers: number): FleetServerSpec[] {
  return Array.from({ length: servers }, (_, k) => {
    const i = k + 1;
    return {
      ...options,
      name: `server${i}`,
      port: options.port === 0 ? 0 : options.port + k,
      username: `${options.username ?? DEFAULT_CLI_CREDENTIALS.username}-${i}`,
      password: `${options.password ?? DEFAULT_CLI_CREDENTIALS.password}-${i}`,
      seed: i,
      organizationNames: [`Alpha ${i}`, `Bravo ${i}`, SHARED_TENANT],
    };
  });
}

export interface FleetBannerServer {
  name: string;
  url: string;
  username: string;
  password: string;
  organizations: Array<{ id: string; name: string }>;
}

/** A YAML scalar: plain when safe, else double-quoted (JSON strings are valid YAML). */
const yamlScalar = (value: string) => (/^[A-Za-z0-9][\w.:/@-]*$/.test(value) ? value : JSON.stringify(value));

/** The environment variable the printed routing file reads a server's password from. */
export const passwordVariable = (server: string) =>
  `SIM_${server.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PASSWORD`;

/** What the CLI prints once a fleet listens: each server, then the environment and routing file. */
export function fleetBanner(
  servers: FleetBannerServer[],
  options: SimulatorOptions,
  tlsCertFile?: string,
): string {
  const first = servers[0];
  const example = first?.organizations[0];
  const lines = [
    `VB365 simulator fleet: ${servers.length} servers (API ${(options.versions ?? API_VERSIONS).join(", ")}, ${options.fields ?? "realistic"} fields)`,
  ];
  for (const server of servers) {
    lines.push(
      `  ${server.name} on ${server.url}`,
      `    username: ${server.username}`,
      `    password: ${server.password}`,
      `    organizations: ${server.organizations.map((o) => `${o.name} (${o.id})`).join(", ")}`,
    );
  }
  lines.push(
    "",
    `"${SHARED_TENANT}" is on every server with other ids (a name clash on purpose): name it ${first?.name ?? "server1"}/${SHARED_TENANT}.`,
    ...(example
      ? [`Each organization has Ben and Sarah Young, e.g. ben.young@${tenantDomain(example.name)}.`]
      : []),
    "",
    "Environment for the bot (the routing file reads the passwords from it):",
    ...servers.map((s) => `${passwordVariable(s.name)}=${s.password}`),
    "ROUTING_FILE=routing.yaml",
    "",
    "Servers for routing.yaml:",
    "servers:",
  );
  for (const server of servers) {
    lines.push(
      `  - name: ${yamlScalar(server.name)}`,
      `    url: ${yamlScalar(server.url)}`,
      `    username: ${yamlScalar(server.username)}`,
      `    password: \${${passwordVariable(server.name)}}`,
      "    apiVersion: auto",
      ...(tlsCertFile ? [`    caFile: ${yamlScalar(tlsCertFile)}`] : []),
    );
  }
  lines.push("", "Ctrl-C stops them.", "");
  return lines.join("\n");
}

async function serveFleet(
  options: SimulatorOptions & { port: number },
  servers: number,
  tlsCertFile?: string,
) {
  const fleet = await createSimulatorFleet(fleetSpecs(options, servers));
  const shown = fleet.servers.map((s) => ({ ...s, organizations: s.sim.control.organizations() }));
  process.stdout.write(fleetBanner(shown, options, tlsCertFile));
  return fleet;
}

async function main(argv: string[]): Promise<void> {
  const parsed = parseCli(argv, (path) => readFileSync(path, "utf8"));
  if (parsed.kind === "help") {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`${parsed.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let sim: { close(): Promise<void> };
  if (parsed.servers > 1) {
    sim = await serveFleet(parsed.options, parsed.servers, parsed.tlsCertFile);
  } else {
    const one = await createSimulator(parsed.options);
    process.stdout.write(banner(one, parsed.options, parsed.tlsCertFile));
    sim = one;
  }
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
