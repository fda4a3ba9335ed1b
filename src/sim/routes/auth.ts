/**
 * `POST /token` (password and refresh grants, form-encoded or JSON, throttled), `POST
 * /token/logout` (v7+), `GET /ServiceInstance`, which answers 401 without a token: that 401
 * is how clients learn a version is served, and v8's anonymous `GET /Health`.
 */
import { badRequest, empty, isRecord, json, type RequestContext, SimHttpError } from "../http.ts";
import type { SimState } from "../state.ts";
import type { Route } from "./route.ts";

/** The body's parameters, names lower-cased for lookup, and the names as sent (for the record). */
async function tokenParameters(
  ctx: RequestContext,
): Promise<{ values: Map<string, string>; names: string[] }> {
  const text = (await ctx.body()).toString("utf8");
  const type = ctx.headers["content-type"]?.toLowerCase() ?? "";
  const values = new Map<string, string>();
  const names: string[] = [];
  if (type.includes("json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest("The request body is not valid JSON.");
    }
    if (!isRecord(parsed)) throw badRequest("The request body must be an object.");
    for (const [name, value] of Object.entries(parsed)) {
      names.push(name);
      values.set(name.toLowerCase(), String(value));
    }
  } else {
    for (const [name, value] of new URLSearchParams(text)) {
      names.push(name);
      if (!values.has(name.toLowerCase())) values.set(name.toLowerCase(), value);
    }
  }
  return { values, names: names.sort() };
}

const invalidGrant = (message: string) => new SimHttpError(400, message);

async function token(ctx: RequestContext, state: SimState) {
  const { values, names } = await tokenParameters(ctx);
  const grantType = values.get("grant_type");
  state.stats.recordToken({
    version: ctx.version,
    grantType,
    parameterNames: names,
    contentType: ctx.headers["content-type"],
  });
  const quota = state.tokenQuota?.take();
  if (quota && !quota.ok) {
    throw new SimHttpError(
      429,
      `Quota exceeded. Try again in ${quota.retryAfterSeconds} second(s).`,
      undefined,
      {
        "Retry-After": String(quota.retryAfterSeconds),
      },
    );
  }
  let userName: string | undefined;
  if (grantType === "password" && state.operatorAuthenticationOnly) {
    throw new SimHttpError(
      403,
      "The REST API is configured for restore operator authentication only.",
      "ResourceAccessDenied",
    );
  }
  if (grantType === "password") {
    const okUser = values.get("username")?.toLowerCase() === state.username.toLowerCase();
    // Never echo what was sent: the message is the same whatever was wrong.
    if (!okUser || values.get("password") !== state.password) {
      throw invalidGrant("The user name or password is incorrect.");
    }
    userName = state.username;
  } else if (grantType === "refresh_token") {
    // v7+ pairs tokens with an antiforgery cookie unless the client opts out; a refresh without
    // either is refused, as a real server refuses it.
    if (ctx.version !== "v6" && values.get("disable_antiforgery_token")?.toLowerCase() !== "true") {
      throw invalidGrant("The antiforgery token is missing or invalid.");
    }
    const refresh = values.get("refresh_token");
    userName = refresh ? state.tokens.redeem(refresh) : undefined;
    if (!userName) throw invalidGrant("The refresh token is invalid or expired.");
  } else if (grantType === undefined || grantType === "") {
    throw invalidGrant("The grant_type parameter is required.");
  } else {
    throw invalidGrant(`The grant type '${grantType}' is not supported.`);
  }
  const issued = state.tokens.issue(userName);
  return json({
    access_token: issued.accessToken,
    refresh_token: issued.refreshToken,
    token_type: "bearer",
    expires_in: issued.lifetimeSeconds,
    ".issued": issued.issuedAt.toISOString(),
    ".expires": issued.expiresAt.toISOString(),
    userName: issued.userName,
  });
}

export const bearerToken = (ctx: Pick<RequestContext, "headers">): string | undefined => {
  const header = ctx.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
};

export const authRoutes: Route[] = [
  { method: "POST", path: "token", anonymous: true, handle: token },
  {
    method: "POST",
    path: "token/logout",
    versions: ["v7", "v8"],
    handle: (ctx, state) => {
      const accessToken = bearerToken(ctx);
      if (accessToken) state.tokens.revoke(accessToken);
      return empty(ctx.version === "v8" ? 204 : 200);
    },
  },
  {
    method: "GET",
    path: "ServiceInstance",
    handle: (_ctx, state) => json({ installationId: state.installationId, version: state.productVersion }),
  },
  {
    // What the server's own dependencies report; anonymous, like the real one.
    method: "GET",
    path: "Health",
    versions: ["v8"],
    anonymous: true,
    handle: () =>
      json({
        status: "Healthy",
        entries: {
          nats: { status: "Healthy", description: null },
          postgresql: { status: "Healthy", description: null },
        },
      }),
  },
];
