/**
 * The VB365 simulator: a real HTTP(S) server on 127.0.0.1 that answers like a VB365 REST server
 * (v6, v7, v8), with hooks to shape its data and inject failures. Each request goes through, in
 * order: statistics, latency, a hold, dropped connection ("before"), injected failure, routing (404/405),
 * authentication (401), the route, dropped connection ("after"), the response.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type Clock, sleep, systemClock } from "../clock.ts";
import { API_VERSIONS, type ApiVersion } from "../vbo/schemas.ts";
import { DEFAULT_TOKEN_RATE_LIMIT } from "./auth.ts";
import { type FailureRule, Faults } from "./faults.ts";
import { bodyReader, Query, type RequestContext, SimHttpError, type SimResponse } from "./http.ts";
import { canonicalId, isUuid, principalId, randomToken, randomUuid } from "./ids.ts";
import type { PrincipalKind } from "./model.ts";
import { errorBody } from "./render.ts";
import { bearerToken } from "./routes/auth.ts";
import { type RouteMatch, Router } from "./routes/index.ts";
import type { FieldMode } from "./shape.ts";
import { SimState } from "./state.ts";
import { Stats } from "./stats.ts";
import type { SimPrincipal, SimulatorControl, SimulatorOptions, VboSimulator } from "./types.ts";

export type { VboSimulator } from "./types.ts";

/** What `createSimulator` returns: the agreed interface, with its optional parts present. */
export interface RunningSimulator extends VboSimulator {
  readonly stats: Stats;
  readonly faults: Faults;
}

const JSON_TYPE = "application/json; charset=utf-8";
const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Authorization has been denied for this request.",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Quota exceeded.",
  500: "An error has occurred.",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** What a .NET server leaks on a 500 (v8 sends it; clients must never show it). */
const FAKE_STACK =
  "   at Veeam.Archiver.REST.Common.Exceptions.RestExceptionFilter.OnException(HttpActionExecutedContext context)\r\n" +
  "   at System.Web.Http.Filters.ExceptionFilterAttribute.OnExceptionAsync(HttpActionExecutedContext ctx)";

export async function createSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  checkOrganizationNames(options.organizationNames);
  const clock: Clock = options.clock ?? systemClock;
  const stats = new Stats();
  const state = new SimState({
    versions: options.versions ?? [...API_VERSIONS],
    username: options.username ?? "vbo-audit-svc",
    password: options.password ?? randomToken().slice(0, 24),
    clock,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    tokenRateLimit: options.tokenRateLimit === undefined ? DEFAULT_TOKEN_RATE_LIMIT : options.tokenRateLimit,
    users: options.users ?? 0,
    organizations: options.organizations ?? 0,
    usersPerOrganization: options.usersPerOrganization ?? 10,
    organizationNames: options.organizationNames,
    seed: options.seed ?? 0,
    stats,
    fieldMode: options.fields ?? "realistic",
    productVersion: options.productVersion,
    operatorAuthenticationOnly: options.operatorAuthenticationOnly ?? false,
  });
  const faults = new Faults(options.latencyMs ?? 0, () => state.tokens.expireAll());
  const router = new Router();
  const inflight = new Set<AbortController>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in a route must not take the server down; answer 500 if still possible.
      if (!res.headersSent && !res.destroyed) send(res, fromError(undefined, state.fieldMode, err));
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://simulator");
    const rawSegments = url.pathname.split("/").filter((s) => s !== "");
    let segments: string[];
    try {
      segments = rawSegments.map((s) => decodeURIComponent(s));
    } catch {
      segments = rawSegments;
    }
    const match = router.match(method, segments, state.versions);
    stats.record(method, match.label);

    // Aborted when the client goes away or the server closes: ends latency waits and long polls.
    const abort = new AbortController();
    inflight.add(abort);
    res.once("close", () => {
      abort.abort();
      inflight.delete(abort);
    });

    const latency = faults.latencyFor(method, url.pathname);
    if (latency > 0) await sleep(latency, abort.signal).catch(() => undefined);
    await faults.waitIfHeld(method, url.pathname, abort.signal);
    if (abort.signal.aborted) {
      res.destroy();
      return;
    }

    const drop = faults.takeDrop(method, url.pathname);
    if (drop === "before") {
      req.socket.destroy();
      return;
    }
    const version = match.kind === "found" ? match.version : versionOf(segments[0]);
    const failure = faults.takeFailure(method, url.pathname);
    if (failure) {
      send(res, injected(version, state.fieldMode, failure));
      return;
    }

    let response: SimResponse;
    try {
      response = await dispatch(state, req, url, match, abort.signal);
    } catch (err) {
      response = fromError(version, state.fieldMode, err);
    }
    if (drop === "after") {
      req.socket.destroy();
      return;
    }
    send(res, response);
  }

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${options.tls ? "https" : "http"}://${host}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    username: state.username,
    password: state.password,
    faults,
    stats,
    control: control(state),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const request of inflight) request.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** One server cannot hold two organizations of one name; an empty list would serve nothing. */
function checkOrganizationNames(names: string[] | undefined): void {
  if (names === undefined) return;
  if (names.length === 0) throw new Error("organizationNames must name at least one organization");
  const seen = new Set<string>();
  for (const name of names) {
    const key = name.trim().toLowerCase();
    if (key === "") throw new Error("organizationNames must not hold an empty name");
    if (seen.has(key)) throw new Error(`organizationNames holds "${name}" twice`);
    seen.add(key);
  }
}

/** Routing and authentication, then the route itself. Throws SimHttpError for 404, 405 and 401. */
function dispatch(
  state: SimState,
  req: IncomingMessage,
  url: URL,
  match: RouteMatch,
  signal: AbortSignal,
): SimResponse | Promise<SimResponse> {
  if (match.kind === "none") {
    throw new SimHttpError(404, `No HTTP resource was found that matches the request URI '${url.pathname}'.`);
  }
  if (match.kind === "method") {
    throw new SimHttpError(405, `The requested resource does not support http method '${req.method}'.`);
  }
  if (!match.route.anonymous) {
    const token = bearerToken({ headers: req.headers });
    if (!token || !state.tokens.isValid(token)) {
      throw new SimHttpError(401, "Authorization has been denied for this request.", undefined, {
        "WWW-Authenticate": "Bearer",
      });
    }
  }
  const ctx: RequestContext = {
    version: match.version,
    out: { version: match.version, mode: state.fieldMode },
    method: match.route.method,
    path: url.pathname,
    params: match.params,
    query: new Query(url.searchParams),
    headers: req.headers,
    body: bodyReader(req),
    signal,
  };
  return match.route.handle(ctx, state);
}

function versionOf(segment: string | undefined): ApiVersion | undefined {
  return API_VERSIONS.find((v) => v === segment?.toLowerCase());
}

function fromError(version: ApiVersion | undefined, mode: FieldMode, err: unknown): SimResponse {
  if (err instanceof SimHttpError) {
    return {
      status: err.status,
      body: errorBody(version, mode, err.message, err.code),
      headers: err.headers,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    status: 500,
    body: errorBody(version, mode, `An error has occurred: ${message}`, undefined, FAKE_STACK),
  };
}

function injected(version: ApiVersion | undefined, mode: FieldMode, rule: FailureRule): SimResponse {
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) headers["Retry-After"] = String(rule.retryAfterSeconds);
  if (rule.rawBody !== undefined) {
    headers["Content-Type"] = rule.contentType ?? "text/html; charset=utf-8";
    return { status: rule.status, body: rule.rawBody, headers };
  }
  const message = STATUS_TEXT[rule.status] ?? `HTTP ${rule.status}`;
  const code =
    rule.status === 404 ? "ResourceNotFound" : rule.status === 400 ? "ParameterValidationFailure" : undefined;
  const body =
    rule.body ?? errorBody(version, mode, message, code, rule.status === 500 ? FAKE_STACK : undefined);
  return { status: rule.status, body, headers };
}

function send(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = { ...response.headers };
  let payload: Buffer | undefined;
  if (typeof response.body === "string") {
    payload = Buffer.from(response.body, "utf8");
    headers["Content-Type"] ??= "text/plain; charset=utf-8";
  } else if (response.body !== undefined) {
    payload = Buffer.from(JSON.stringify(response.body), "utf8");
    headers["Content-Type"] = JSON_TYPE;
  }
  headers["Content-Length"] = payload?.length ?? 0;
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** The administrator's console: changes made outside the bot (drift). */
function control(state: SimState): SimulatorControl {
  const principalOf = (orgId: string, p: SimPrincipal) => {
    const org = state.organization(orgId);
    const found = org.directory.principal(p.type, p.id);
    if (!found) throw new Error(`${p.type} ${p.id} is not in organization ${orgId}`);
    return { org, found };
  };
  return {
    addAuditItem: (organizationId, principal) => {
      const { org, found } = principalOf(organizationId, principal);
      return org.audit.add(principal.type, found.id).id;
    },
    removeAuditItem: (organizationId, itemId) => {
      if (!state.organization(organizationId).audit.remove(itemId))
        throw new Error(`no audit item ${itemId}`);
    },
    auditItems: (organizationId) => {
      const org = state.organization(organizationId);
      return org.audit.list().map((entry) => {
        const p = org.directory.principal(entry.type, entry.principalId);
        const principal: SimPrincipal = {
          type: entry.type as PrincipalKind,
          id: p?.id ?? entry.principalId,
          name: p?.name ?? "",
          displayName: p?.displayName ?? "",
        };
        return { id: entry.id, principal };
      });
    },
    setNotifications: (enabled) => {
      state.settings = { ...state.settings, enableNotification: enabled };
    },
    addRestoreSession: (session) =>
      state.sessions.add(session, state.organization(session.organizationId).name).id,
    addRestoreEvents: (sessionId, events) => {
      state.sessions.addEvents(sessionId, events);
    },
    addUser: (organizationId, user) => {
      const org = state.organization(organizationId);
      const msid = user.id && isUuid(user.id.slice(0, 36)) ? canonicalId(user.id.slice(0, 36)) : randomUuid();
      const id = user.id ?? principalId(msid);
      org.directory.addUser({
        id,
        name: user.name,
        displayName: user.displayName,
        type: user.type ?? "User",
        locationType: "Cloud",
        msid,
      });
      return id;
    },
    organizations: () => state.organizations.map((org) => ({ id: org.id, name: org.name })),
  };
}
