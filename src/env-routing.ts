/**
 * The simple case, without `ROUTING_FILE`: one VB365 server, `default`, from `VBO_*`, and a default
 * route from the channels, approvers and viewers of the environment. What the routing file says per
 * server or route (routing-file.ts), read from variables instead.
 */
import * as z from "zod";
import type { RouteConfig, ServerConfig } from "./config.ts";
import {
  blankToUndefined,
  bool,
  channelId,
  hours,
  httpUrl,
  int,
  issueLines,
  memberIds,
  opt,
  req,
  usergroupId,
} from "./config-checks.ts";

type Env = Record<string, string | undefined>;

/** The name of the one server of the simple case (`VBO_*`), and of the rows written before routing. */
export const DEFAULT_SERVER = "default";

/** What the routing file says per server or route, when there is no routing file. */
const envRouteSchema = z.object({
  VBO_URL: req(httpUrl(", e.g. https://vbo.corp.local:4443")),
  VBO_USERNAME: req(z.string()),
  VBO_PASSWORD: req(z.string()),
  VBO_API_VERSION: z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(["v6", "v7", "v8", "auto"], { message: "must be v6, v7, v8 or auto" }).optional().default("auto"),
  ),
  VBO_CA_FILE: opt(z.string()),
  VBO_TLS_INSECURE: bool(false),
  APPROVALS_CHANNEL_ID: req(channelId),
  APPROVER_USER_IDS: memberIds,
  APPROVER_USERGROUP_ID: opt(usergroupId),
  REQUIRED_APPROVALS: int(1, 1, 20),
  ALLOW_SELF_APPROVAL: bool(false),
  // A week is the usual; a month is the most any approval should wait (and dates stay renderable).
  REQUEST_TTL_HOURS: hours(72, 1, 720),
  VIEWER_USER_IDS: memberIds,
  VIEWER_USERGROUP_ID: opt(usergroupId),
  AUDIT_VISIBILITY: z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(["viewers", "everyone"], { message: "must be viewers or everyone" }).optional().default("viewers"),
  ),
  DIGEST_CHANNEL_ID: req(channelId),
  ALERTS_CHANNEL_ID: opt(channelId),
});
/** With `ROUTING_FILE` these belong to its servers and routes; set here too would be two truths. */
export const ROUTED_VARIABLES = Object.keys(envRouteSchema.shape) as Array<keyof typeof envRouteSchema.shape>;

export type Routing = { servers: ServerConfig[]; routes: RouteConfig[]; defaultRoute?: RouteConfig };

/** The simple case: one server, `default`, from `VBO_*`, and a default route from the rest. */
export function routingFromEnvironment(
  merged: Env,
  readFile: (path: string) => string,
  problems: string[],
  warnings: string[],
): Routing | undefined {
  const has = (name: string) => (merged[name] ?? "").trim() !== "";
  const parsed = envRouteSchema.safeParse(merged);
  if (!parsed.success) problems.push(...issueLines(parsed.error));
  if (!has("APPROVER_USER_IDS") && !has("APPROVER_USERGROUP_ID")) {
    problems.push("APPROVER_USER_IDS: set it or APPROVER_USERGROUP_ID, so that someone can approve requests");
  }
  let caPem: string | undefined;
  const caFile = merged.VBO_CA_FILE?.trim();
  if (caFile) {
    try {
      caPem = readFile(caFile);
      if (!caPem.includes("-----BEGIN CERTIFICATE-----"))
        problems.push(`VBO_CA_FILE: ${caFile} holds no PEM certificate`);
    } catch {
      problems.push(`VBO_CA_FILE: cannot read ${caFile}`);
    }
  }
  if (!parsed.success) return undefined;

  const e = parsed.data;
  if (
    !e.APPROVER_USERGROUP_ID &&
    e.APPROVER_USER_IDS.length > 0 &&
    e.APPROVER_USER_IDS.length < e.REQUIRED_APPROVALS
  ) {
    problems.push(
      `REQUIRED_APPROVALS: needs ${e.REQUIRED_APPROVALS} distinct approvers but APPROVER_USER_IDS lists ${e.APPROVER_USER_IDS.length} distinct ${e.APPROVER_USER_IDS.length === 1 ? "one" : "ones"} and no APPROVER_USERGROUP_ID is set`,
    );
  }
  if (e.VBO_TLS_INSECURE && caPem)
    warnings.push("VBO_TLS_INSECURE=true overrides VBO_CA_FILE: certificates are not checked");
  if (e.VBO_URL.startsWith("http://"))
    warnings.push("VBO_URL uses plain http: VB365 credentials travel unencrypted");

  const server: ServerConfig = {
    name: DEFAULT_SERVER,
    url: e.VBO_URL.replace(/\/+$/, ""),
    username: e.VBO_USERNAME,
    password: e.VBO_PASSWORD,
    apiVersion: e.VBO_API_VERSION,
    tlsInsecure: e.VBO_TLS_INSECURE,
    ...(caPem && e.VBO_CA_FILE ? { caPem, caFile: e.VBO_CA_FILE } : {}),
  };
  const defaultRoute: RouteConfig = {
    name: "default",
    organizations: [],
    approvals: {
      channelId: e.APPROVALS_CHANNEL_ID,
      approverUserIds: e.APPROVER_USER_IDS,
      requiredApprovals: e.REQUIRED_APPROVALS,
      allowSelfApproval: e.ALLOW_SELF_APPROVAL,
      requestTtlHours: e.REQUEST_TTL_HOURS,
      ...(e.APPROVER_USERGROUP_ID ? { approverUsergroupId: e.APPROVER_USERGROUP_ID } : {}),
    },
    visibility: {
      audit: e.AUDIT_VISIBILITY,
      viewerUserIds: e.VIEWER_USER_IDS,
      ...(e.VIEWER_USERGROUP_ID ? { viewerUsergroupId: e.VIEWER_USERGROUP_ID } : {}),
    },
    digestChannelId: e.DIGEST_CHANNEL_ID,
    ...(e.ALERTS_CHANNEL_ID ? { alertsChannelId: e.ALERTS_CHANNEL_ID } : {}),
  };
  return { servers: [server], routes: [], defaultRoute };
}
