/**
 * The routing file (`ROUTING_FILE`): several VB365 servers, and which organizations go to which
 * channels, approvers and viewers. Pure apart from the `readFile` it is given: YAML text and an
 * environment in, servers and routes (or every problem at once, each with its path) out.
 *
 * Secrets stay out of the file: a password is a `passwordFile` path or a whole `${ENV}` reference,
 * and no problem ever prints a value, only where it is and what is wrong.
 */

import { parseDocument, type YAMLError } from "yaml";
import * as z from "zod";
import type {
  ApiVersionSetting,
  AuditVisibility,
  OrganizationMatch,
  RouteConfig,
  ServerConfig,
} from "./config.ts";
import { channelId, httpUrl, memberId, usergroupId } from "./config-checks.ts";

type Env = Record<string, string | undefined>;

export type RoutingResult =
  | {
      ok: true;
      servers: ServerConfig[];
      routes: RouteConfig[];
      defaultRoute?: RouteConfig;
      warnings: string[];
    }
  | { ok: false; problems: string[] };

/** Problems name the setting as `ROUTING_FILE servers[0].url`, as the environment's do `VBO_URL`. */
const PREFIX = "ROUTING_FILE";
const DEFAULT_ROUTE_NAME = "default";
/** A server's name: `server/name` in `--org` splits on the slash, so none here. */
const SERVER_NAME = /^[a-z0-9][a-z0-9-]*$/;
const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** A missing setting says so; a wrong one says what it must be. */
const expected = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : what;
const text = (what: string) =>
  z
    .string({ error: expected(`must be ${what}`) })
    .trim()
    .min(1, { error: "must not be empty" });
const flag = z.boolean({ error: expected("must be true or false") });
const whole = (min: number, max: number) =>
  z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const memberList = z
  .array(memberId, { error: "must be a list of Slack user ids" })
  .transform((ids) => [...new Set(ids)]);

const serverSchema = z.strictObject({
  name: text("a name").regex(SERVER_NAME, {
    error: "must be lower-case letters, digits and dashes (no /: `server/name` uses it), e.g. eu-1",
  }),
  url: httpUrl(", e.g. https://vbo-eu.example.net:4443"),
  username: text("a user name").optional(),
  usernameFile: text("a file path").optional(),
  password: text(`a \${ENV} reference`).optional(),
  passwordFile: text("a file path").optional(),
  caFile: text("a file path").optional(),
  tlsInsecure: flag.default(false),
  apiVersion: z
    .enum(["v6", "v7", "v8", "auto"], { error: "must be v6, v7, v8 or auto" })
    .default("auto" as ApiVersionSetting),
});

const matchSchema = z
  .strictObject({
    server: text("a server name").optional(),
    id: text("an organization id").optional(),
    name: text("an organization name").optional(),
    pattern: text("a pattern such as contoso*").optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), {
    error: "must give at least one of server, id, name, pattern",
  });

const routeFields = {
  channels: z.strictObject(
    { approvals: channelId, digest: channelId, alerts: channelId.optional() },
    { error: "must give approvals and digest channel ids" },
  ),
  approvers: z.strictObject(
    { users: memberList.optional(), usergroup: usergroupId.optional() },
    { error: "must give users or a usergroup" },
  ),
  viewers: z
    .strictObject(
      { users: memberList.optional(), usergroup: usergroupId.optional(), everyone: flag.optional() },
      { error: "must give users, a usergroup or everyone: true" },
    )
    .optional(),
  requiredApprovals: whole(1, 20).default(1),
  allowSelfApproval: flag.default(false),
  requestTtlHours: z
    .number({ error: "must be a number of hours" })
    .min(1, { error: "must be at least 1" })
    .max(720, { error: "must be at most 720" })
    .default(72),
};
const routeName = text("a name").regex(ROUTE_NAME, { error: "must be letters, digits, spaces, . _ or -" });
const routeSchema = z.strictObject({
  name: routeName,
  organizations: z
    .array(matchSchema, { error: "must be a list of organization matches" })
    .min(1, { error: "must list at least one organization match" }),
  ...routeFields,
});
const defaultRouteSchema = z.strictObject(
  { name: routeName.default(DEFAULT_ROUTE_NAME), ...routeFields },
  { error: "must be a route without organizations" },
);

const fileSchema = z.strictObject(
  {
    servers: z
      .array(serverSchema, { error: "must be a list of servers" })
      .min(1, { error: "must list at least one server" }),
    routes: z.array(routeSchema, { error: "must be a list of routes" }).default([]),
    defaultRoute: defaultRouteSchema.optional(),
  },
  { error: "must be a mapping with servers, routes and defaultRoute" },
);

type FileRoute = z.output<typeof routeSchema> | z.output<typeof defaultRouteSchema>;

/**
 * Parses and checks a routing file's text. `${NAME}` in any string is replaced from `env`;
 * `usernameFile`, `passwordFile` and `caFile` are read with `readFile` (paths as written, so a
 * relative one is from the working directory, like the `X_FILE` variables).
 */
export function parseRoutingFile(
  source: string,
  env: Env,
  readFile: (path: string) => string,
): RoutingResult {
  const problems: string[] = [];
  const at = (path: readonly PropertyKey[], message: string) =>
    problems.push(`${PREFIX}${path.length > 0 ? ` ${pathText(path)}` : ""}: ${message}`);

  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One mistake often upsets the parser many times after it: the first few lead to it.
    const lines = doc.errors.slice(0, 5).map((error) => `${PREFIX}: ${yamlProblem(error)}`);
    return { ok: false, problems: dedupe(lines) };
  }
  const raw: unknown = doc.toJS();

  // Before substitution: a password must be a reference, never the literal text.
  for (const [i, server] of listAt(raw, "servers")) {
    const password = isRecord(server) ? server.password : undefined;
    if (typeof password === "string" && !WHOLE_REFERENCE.test(password.trim())) {
      at(
        ["servers", i, "password"],
        `must not be written in the file: use passwordFile or a \${ENV} reference`,
      );
    }
  }
  const substituted = substitute(raw, [], env, at);

  const parsed = fileSchema.safeParse(substituted);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) at([...issue.path, key], "is not a known setting");
      } else {
        at(issue.path, ownMessage(issue));
      }
    }
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems: dedupe(problems) };

  const file = parsed.data;
  const warnings: string[] = [];
  const servers = file.servers.map((s, i) => toServer(s, i, readFile, at, warnings));
  const names = new Set<string>();
  file.servers.forEach((s, i) => {
    if (names.has(s.name)) at(["servers", i, "name"], `${s.name} is already the name of another server`);
    names.add(s.name);
  });

  if (file.routes.length === 0 && !file.defaultRoute) {
    at(["routes"], "list at least one route, or give a defaultRoute, so that requests go somewhere");
  }
  const routeNames = new Set<string>();
  const checkRoute = (route: FileRoute, path: PropertyKey[]) => {
    if (routeNames.has(route.name))
      at([...path, "name"], `${route.name} is already the name of another route`);
    routeNames.add(route.name);
    checkApprovers(route, path, at);
  };
  file.routes.forEach((route, i) => {
    checkRoute(route, ["routes", i]);
    route.organizations.forEach((m, j) => {
      if (m.server !== undefined && !names.has(m.server)) {
        at(["routes", i, "organizations", j, "server"], `${m.server} is not a server of this file`);
      }
    });
  });
  if (file.defaultRoute) checkRoute(file.defaultRoute, ["defaultRoute"]);
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };

  const routes = file.routes.map((r) => toRoute(r, r.organizations.map(toMatch)));
  return {
    ok: true,
    servers,
    routes,
    ...(file.defaultRoute ? { defaultRoute: toRoute(file.defaultRoute, []) } : {}),
    warnings,
  };
}

type At = (path: readonly PropertyKey[], message: string) => void;

/** Someone must be able to approve, and enough people to reach the quorum. */
function checkApprovers(route: FileRoute, path: PropertyKey[], at: At): void {
  const users = route.approvers.users ?? [];
  if (users.length === 0 && route.approvers.usergroup === undefined) {
    at([...path, "approvers"], "list users or give a usergroup, so that someone can approve requests");
  } else if (route.approvers.usergroup === undefined && users.length < route.requiredApprovals) {
    at(
      [...path, "requiredApprovals"],
      `needs ${route.requiredApprovals} distinct approvers but approvers.users lists ${users.length} and no approvers.usergroup is set`,
    );
  }
}

function toServer(
  s: z.output<typeof serverSchema>,
  i: number,
  readFile: (path: string) => string,
  at: At,
  warnings: string[],
): ServerConfig {
  const here = ["servers", i];
  const secret = (name: "username" | "password") => {
    const direct = s[name];
    const file = s[`${name}File`];
    if (direct !== undefined && file !== undefined) {
      at([...here, name], `set both ${name} and ${name}File; use one`);
      return "";
    }
    if (direct !== undefined) return direct;
    if (file === undefined) {
      at([...here, name], `is required (or ${name}File)`);
      return "";
    }
    try {
      return readFile(file).replace(/\r?\n$/, "");
    } catch {
      at([...here, `${name}File`], `cannot read ${file}`);
      return "";
    }
  };
  const username = secret("username");
  const password = secret("password");
  let caPem: string | undefined;
  if (s.caFile !== undefined) {
    try {
      caPem = readFile(s.caFile);
      if (!caPem.includes("-----BEGIN CERTIFICATE-----")) {
        at([...here, "caFile"], `${s.caFile} holds no PEM certificate`);
      }
    } catch {
      at([...here, "caFile"], `cannot read ${s.caFile}`);
    }
  }
  if (s.tlsInsecure && caPem) {
    warnings.push(
      `${PREFIX} servers[${i}] (${s.name}): tlsInsecure overrides caFile: certificates are not checked`,
    );
  }
  if (s.url.startsWith("http://")) {
    warnings.push(`${PREFIX} servers[${i}] (${s.name}): plain http: VB365 credentials travel unencrypted`);
  }
  return {
    name: s.name,
    url: s.url.replace(/\/+$/, ""),
    username,
    password,
    apiVersion: s.apiVersion,
    tlsInsecure: s.tlsInsecure,
    ...(caPem !== undefined && s.caFile !== undefined ? { caPem, caFile: s.caFile } : {}),
  };
}

function toMatch(m: z.output<typeof matchSchema>): OrganizationMatch {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as OrganizationMatch;
}

function toRoute(r: FileRoute, organizations: OrganizationMatch[]): RouteConfig {
  const audit: AuditVisibility = r.viewers?.everyone ? "everyone" : "viewers";
  return {
    name: r.name,
    organizations,
    approvals: {
      channelId: r.channels.approvals,
      approverUserIds: r.approvers.users ?? [],
      requiredApprovals: r.requiredApprovals,
      allowSelfApproval: r.allowSelfApproval,
      requestTtlHours: r.requestTtlHours,
      ...(r.approvers.usergroup ? { approverUsergroupId: r.approvers.usergroup } : {}),
    },
    visibility: {
      audit,
      viewerUserIds: r.viewers?.users ?? [],
      ...(r.viewers?.usergroup ? { viewerUsergroupId: r.viewers.usergroup } : {}),
    },
    digestChannelId: r.channels.digest,
    ...(r.channels.alerts ? { alertsChannelId: r.channels.alerts } : {}),
  };
}

/** `${NAME}` replaced in every string value; a missing one is a problem naming the reference. */
function substitute(value: unknown, path: PropertyKey[], env: Env, at: At): unknown {
  if (typeof value === "string") {
    return value.replace(REFERENCE, (reference, name: string) => {
      const found = env[name];
      if (found === undefined || found.trim() === "") {
        at(path, `${reference} is not set in the environment`);
        // Left as written, so the setting raises no second problem of its own.
        return reference;
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, [...path, i], env, at));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, [...path, k], env, at)]),
    );
  }
  return value;
}

/** Only our own messages: zod's defaults may echo what was received, which can be a secret. */
function ownMessage(issue: z.core.$ZodIssue): string {
  const own = issue.code === "custom" || /^(must|is required)/.test(issue.message);
  return own ? issue.message : "is invalid";
}

/**
 * YAML's own description and position, cut before any quoted token or source line: the parser
 * quotes what it saw, which can be a secret.
 */
function yamlProblem(error: YAMLError): string {
  const what = error.message.split(/ at line \d+|:/)[0]?.trim() || "is not valid YAML";
  const pos = error.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}: ${what}` : what;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

function listAt(value: unknown, key: string): Array<[number, unknown]> {
  const list = isRecord(value) ? value[key] : undefined;
  return Array.isArray(list) ? list.map((v, i) => [i, v]) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
