/**
 * `npm run sim`: the simulator as a process of its own, for trying the bot without a VB365
 * server. Prints where it listens, the credentials, and the lines to paste into `.env`.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { API_VERSIONS, type ApiVersion } from "../vbo/schemas.ts";
import { createSimulator } from "./server.ts";
import { SEED, type SimulatorOptions } from "./types.ts";

export const USAGE = `Usage: npm run sim -- [options]

  --port N                       listen on this port (default 4443; 0 picks a free one)
  --host ADDRESS                 listen on this address (default 127.0.0.1)
  --versions v6,v7,v8            API versions served (default all three)
  --users N                      extra generated users in vBridge (default 0)
  --organizations N              extra generated organizations (default 0)
  --users-per-organization N     users in each generated organization (default 10)
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
  | { kind: "run"; options: SimulatorOptions & { port: number }; tlsCertFile?: string }
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
    if (values["no-rate-limit"]) options.tokenRateLimit = false;
    if (values.sparse) options.fields = "sparse";
    const keyFile = values["tls-key"];
    const certFile = values["tls-cert"];
    if (keyFile !== undefined && certFile !== undefined) {
      options.tls = { key: readFile(keyFile), cert: readFile(certFile) };
      return { kind: "run", options, tlsCertFile: resolve(certFile) };
    }
    return { kind: "run", options };
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
  const sim = await createSimulator(parsed.options);
  process.stdout.write(banner(sim, parsed.options, parsed.tlsCertFile));
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
