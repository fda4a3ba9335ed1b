/**
 * Configuration: the only module that reads the environment. Every variable of the contract is
 * parsed once, here or by the helpers it hands the variables to (env-routing.ts, routing-file.ts),
 * every problem is collected (not just the first), and secret values never appear in a problem
 * message.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import cron from "node-cron";
import * as z from "zod";
import { blankToUndefined, hours, httpUrl, int, issueLines, isTimeZone, opt, req } from "./config-checks.ts";
import { ROUTED_VARIABLES, type Routing, routingFromEnvironment } from "./env-routing.ts";
import type { LogLevel } from "./logger.ts";
import { parseRoutingFile } from "./routing-file.ts";

export { DEFAULT_SERVER } from "./env-routing.ts";

export type ApiVersionSetting = "v6" | "v7" | "v8" | "auto";
export type AuditVisibility = "viewers" | "everyone";

/** One VB365 server: from `VBO_*` (named `default`), or from the routing file. */
export interface ServerConfig {
  name: string;
  url: string;
  username: string;
  password: string;
  apiVersion: ApiVersionSetting;
  /** PEM text of the CA or certificate to trust, read from the CA file. */
  caPem?: string;
  caFile?: string;
  tlsInsecure: boolean;
}

/** Which organizations a route takes: every field given must match. */
export interface OrganizationMatch {
  /** Only organizations on the server of this name. */
  server?: string;
  /** The organization's id, ignoring case. */
  id?: string;
  /** The organization's name or Microsoft 365 tenant name, ignoring case. */
  name?: string;
  /** `*` and `?` wildcards over the name and the tenant name, ignoring case. */
  pattern?: string;
}

/** Where an organization's requests, digest and alerts go, who decides them, and who sees them. */
export interface RouteConfig {
  name: string;
  /** Any of these; empty for the default route. */
  organizations: OrganizationMatch[];
  approvals: Omit<Config["approvals"], "maxOpenRequestsPerUser">;
  visibility: Config["visibility"];
  digestChannelId: string;
  alertsChannelId?: string;
}

export interface Config {
  slack: {
    botToken: string;
    /** Set: Socket Mode. Unset: HTTP mode. */
    appToken?: string;
    /** Required in HTTP mode. */
    signingSecret?: string;
    apiUrl: string;
    mode: "socket" | "http";
  };
  port: number;
  /** The first server's connection (`VBO_*` in the simple case), and `VBO_ORGANIZATION`. */
  vbo: Omit<ServerConfig, "name"> & { organization?: string };
  databasePath: string;
  approvals: {
    channelId: string;
    approverUserIds: string[];
    approverUsergroupId?: string;
    requiredApprovals: number;
    allowSelfApproval: boolean;
    requestTtlHours: number;
    /** Open requests one person may have at once. */
    maxOpenRequestsPerUser: number;
  };
  /** Who may see audit state: approvers, these viewers, or (`everyone`) every member. */
  visibility: {
    audit: AuditVisibility;
    viewerUserIds: string[];
    viewerUsergroupId?: string;
  };
  digest: { channelId: string; cron: string; timezone: string };
  alerts: { channelId?: string };
  /**
   * Every VB365 server (the simple case: one, \`default\`, from \`VBO_*\`). \`vbo\` above is the first
   * of them, for what has one server only (the database's rows of before routing).
   */
  servers: ServerConfig[];
  /** Routes tried in order, the first that matches an organization wins (the simple case: none). */
  routes: RouteConfig[];
  /**
   * The route of organizations no route matches (the simple case: the channels, approvers and
   * viewers of the environment). Unset: such organizations are refused.
   */
  defaultRoute?: RouteConfig;
  /**
   * When an apply VB365 keeps refusing (a definite error, not an outage) ends as failed: after this
   * many definite failures, or once its approval is this old.
   */
  applies: { maxDefiniteFailures: number; maxAgeHours: number };
  /** `LOG_HMAC_KEY`: keys the approval log's hashes when set. */
  log: { hmacKey?: string };
  logLevel: LogLevel;
}

export type ConfigResult =
  | { ok: true; config: Config; warnings: string[] }
  | { ok: false; problems: string[] };

/** Variables whose value may be given as `X_FILE` and must never be printed. */
export const SECRET_VARIABLES = [
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_SIGNING_SECRET",
  "VBO_PASSWORD",
  "LOG_HMAC_KEY",
] as const;
const FILE_VARIABLES = [...SECRET_VARIABLES, "VBO_USERNAME"] as const;

type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** Folder whose `.env` is read when present. */
  cwd?: string;
  readFile?: (path: string) => string;
}

/** A shorter key is too easy to guess; `openssl rand -hex 32` makes a good one. */
const LOG_KEY_MIN_LENGTH = 32;
const LOG_KEY_PROBLEM = `must be at least ${LOG_KEY_MIN_LENGTH} characters, e.g. the output of openssl rand -hex 32`;

const globalSchema = z.object({
  SLACK_BOT_TOKEN: req(
    z.string().startsWith("xoxb-", { message: "must be a bot token starting with xoxb-" }),
  ),
  SLACK_APP_TOKEN: opt(
    z.string().startsWith("xapp-", { message: "must be an app-level token starting with xapp-" }),
  ),
  SLACK_SIGNING_SECRET: opt(z.string()),
  SLACK_API_URL: z.preprocess(blankToUndefined, httpUrl("").optional().default("https://slack.com/api/")),
  PORT: int(3000, 0, 65535),
  VBO_ORGANIZATION: opt(z.string()),
  ROUTING_FILE: opt(z.string()),
  DATABASE_PATH: z.preprocess(blankToUndefined, z.string().optional().default("./data/vbo-audit.sqlite")),
  MAX_OPEN_REQUESTS_PER_USER: int(5, 1, 1000),
  DIGEST_CRON: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .default("0 9 * * 1-5")
      .refine((v) => cron.validate(v), { message: "is not a valid cron expression" }),
  ),
  DIGEST_TIMEZONE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .default("UTC")
      .refine(isTimeZone, { message: "is not an IANA time zone such as Pacific/Auckland" }),
  ),
  APPLY_MAX_FAILURES: int(5, 1, 100),
  APPLY_MAX_AGE_HOURS: hours(24, 1, 720),
  LOG_HMAC_KEY: opt(
    z.string().refine((v) => v.trim().length >= LOG_KEY_MIN_LENGTH, { message: LOG_KEY_PROBLEM }),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.toLowerCase()) : v),
    z
      .enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" })
      .optional()
      .default("info"),
  ),
});

/** Every variable the bot reads (beside each secret's `X_FILE`): `.env.example` names them all. */
export const CONFIG_VARIABLES: readonly string[] = [...ROUTED_VARIABLES, ...Object.keys(globalSchema.shape)];

/**
 * Reads configuration from `env` (plus `.env` in `cwd` when present; real environment wins) and
 * resolves `X_FILE` secrets. With `ROUTING_FILE`, servers and routes come from that file (see
 * routing-file.ts) and the variables it replaces must be unset. Pure apart from reading files.
 */
export function loadConfig(env: Env, options: LoadOptions = {}): ConfigResult {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const problems: string[] = [];
  const warnings: string[] = [];
  const dotEnv = readDotEnv(options.cwd, readFile, problems);
  const real = defined(env);
  const merged: Env = { ...dotEnv, ...real };
  const set = (source: Env, name: string) => (source[name] ?? "").trim() !== "";
  const has = (name: string) => set(merged, name);
  const routingFile = merged.ROUTING_FILE?.trim() || undefined;

  if (routingFile !== undefined) {
    for (const name of [...ROUTED_VARIABLES, "VBO_USERNAME_FILE", "VBO_PASSWORD_FILE"]) {
      if (!has(name)) continue;
      const where = name.startsWith("VBO_") ? "servers" : "routes";
      problems.push(`${name}: set in ROUTING_FILE's ${where}, not here`);
    }
  }

  for (const name of FILE_VARIABLES) {
    const file = merged[`${name}_FILE`];
    if (file === undefined || file.trim() === "") continue;
    if (routingFile !== undefined && name.startsWith("VBO_")) continue;
    const fileName = `${name}_FILE`;
    // Both in one place is a mistake; across places the real environment wins, as for any variable.
    if ((set(real, name) && set(real, fileName)) || (set(dotEnv, name) && set(dotEnv, fileName))) {
      problems.push(`${name}: set both ${name} and ${fileName}; use one`);
      continue;
    }
    if (set(real, name)) continue;
    try {
      merged[name] = readFile(file).replace(/\r?\n$/, "");
    } catch {
      problems.push(`${name}_FILE: cannot read ${file}`);
    }
  }

  const parsed = globalSchema.safeParse(merged);
  if (!parsed.success) problems.push(...issueLines(parsed.error));
  if (!has("SLACK_APP_TOKEN") && !has("SLACK_SIGNING_SECRET")) {
    problems.push(
      "SLACK_SIGNING_SECRET: is required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)",
    );
  }

  // Checks across variables run on the raw values too, so that one start lists every problem.
  let routing: Routing | undefined;
  if (routingFile !== undefined) {
    let text: string | undefined;
    try {
      text = readFile(routingFile);
    } catch {
      problems.push(`ROUTING_FILE: cannot read ${routingFile}`);
    }
    if (text !== undefined) {
      const result = parseRoutingFile(text, merged, readFile);
      if (result.ok) {
        routing = result;
        warnings.push(...result.warnings);
      } else {
        problems.push(...result.problems);
      }
    }
  } else {
    routing = routingFromEnvironment(merged, readFile, problems, warnings);
  }
  if (!parsed.success || routing === undefined || problems.length > 0) {
    return { ok: false, problems: dedupe(problems) };
  }

  const e = parsed.data;
  const { servers, routes, defaultRoute } = routing;
  // `vbo`, `approvals`, `visibility`, `digest.channelId` and `alerts` are the first server and the
  // default route (else the first route), so that code written for one server and one route keeps
  // working; routed code reads `servers` and `routes`.
  const first = servers[0];
  const primary = defaultRoute ?? routes[0];
  if (first === undefined || primary === undefined) {
    return { ok: false, problems: ["ROUTING_FILE: declares no server or no route"] };
  }
  const { name: _server, ...vbo } = first;
  const config: Config = {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith("/") ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      mode: e.SLACK_APP_TOKEN ? "socket" : "http",
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
    },
    port: e.PORT,
    vbo: { ...vbo, ...(e.VBO_ORGANIZATION ? { organization: e.VBO_ORGANIZATION } : {}) },
    databasePath: e.DATABASE_PATH,
    approvals: { ...primary.approvals, maxOpenRequestsPerUser: e.MAX_OPEN_REQUESTS_PER_USER },
    visibility: primary.visibility,
    digest: { channelId: primary.digestChannelId, cron: e.DIGEST_CRON, timezone: e.DIGEST_TIMEZONE },
    alerts: primary.alertsChannelId ? { channelId: primary.alertsChannelId } : {},
    applies: { maxDefiniteFailures: e.APPLY_MAX_FAILURES, maxAgeHours: e.APPLY_MAX_AGE_HOURS },
    log: e.LOG_HMAC_KEY ? { hmacKey: e.LOG_HMAC_KEY } : {},
    logLevel: e.LOG_LEVEL,
    servers,
    routes,
    ...(defaultRoute ? { defaultRoute } : {}),
  };
  return { ok: true, config, warnings };
}

/** The secret values of a config (every server's password), for the logger to scrub. */
export function secretsOf(config: Config): string[] {
  const secrets = [
    config.slack.botToken,
    config.slack.appToken,
    config.slack.signingSecret,
    config.vbo.password,
    ...config.servers.map((s) => s.password),
    config.log.hmacKey,
  ].filter((s): s is string => typeof s === "string" && s.length > 0);
  return dedupe(secrets);
}

function readDotEnv(cwd: string | undefined, readFile: (p: string) => string, problems: string[]): Env {
  if (cwd === undefined) return {};
  let text: string;
  try {
    text = readFile(join(cwd, ".env"));
  } catch {
    return {};
  }
  try {
    return parseEnv(text) as Env;
  } catch {
    problems.push(".env: cannot be parsed");
    return {};
  }
}

/** Unset variables must not hide values from `.env`. */
function defined(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}

/**
 * The environment of this process. Entry points (main, CLIs) call this and pass the result on, so
 * that no other module reads `process.env` and tests can hand in any environment they like.
 */
export function processEnvironment(): Env {
  return { ...process.env };
}

/** One variable as the bot would see it (`.env` in `cwd` beneath the environment); undefined when blank. */
export function variableFrom(env: Env, name: string, options: LoadOptions = {}): string | undefined {
  const value = mergedEnv(env, options)[name]?.trim();
  return value ? value : undefined;
}

/** The environment with `.env` in `cwd` beneath it. */
function mergedEnv(env: Env, options: LoadOptions): Env {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  return { ...readDotEnv(options.cwd, readFile, []), ...defined(env) };
}

/** `DATABASE_PATH` alone, for tools such as `npm run verify-log` that need nothing else. */
export function databasePathFrom(env: Env, options: LoadOptions = {}): string {
  return variableFrom(env, "DATABASE_PATH", options) ?? "./data/vbo-audit.sqlite";
}

/**
 * `LOG_HMAC_KEY` alone (or `LOG_HMAC_KEY_FILE`), for `npm run verify-log`: the key, or the problem
 * with it (never the value). Undefined key and problem: not set.
 */
export function logKeyFrom(env: Env, options: LoadOptions = {}): { key?: string; problem?: string } {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  // As loadConfig takes it: the value untrimmed, a blank one as unset.
  const raw = mergedEnv(env, options).LOG_HMAC_KEY;
  const direct = raw?.trim() ? raw : undefined;
  const file = variableFrom(env, "LOG_HMAC_KEY_FILE", options);
  if (direct !== undefined && file !== undefined) {
    return { problem: "LOG_HMAC_KEY: set both LOG_HMAC_KEY and LOG_HMAC_KEY_FILE; use one" };
  }
  let key = direct;
  if (file !== undefined) {
    try {
      key = readFile(file).replace(/\r?\n$/, "");
    } catch {
      return { problem: `LOG_HMAC_KEY_FILE: cannot read ${file}` };
    }
  }
  if (key === undefined) return {};
  if (key.trim().length < LOG_KEY_MIN_LENGTH) return { problem: `LOG_HMAC_KEY: ${LOG_KEY_PROBLEM}` };
  return { key };
}
