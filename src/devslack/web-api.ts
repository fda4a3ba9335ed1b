/**
 * One Web API call, as Slack handles it: arguments from the query, a form or JSON; the token checked
 * (missing, wrong, or of the wrong kind for the method); a failure queued by `failNext` served
 * instead of the method; and every call recorded, without its token.
 */
import { authMethods } from "./methods/auth.ts";
import { chatMethods } from "./methods/chat.ts";
import { conversationsMethods } from "./methods/conversations.ts";
import { usergroupsMethods } from "./methods/usergroups.ts";
import { usersMethods } from "./methods/users.ts";
import { viewsMethods } from "./methods/views.ts";
import {
  type ApiCall,
  type Json,
  type MethodResult,
  type MethodTable,
  refuse,
  type TokenKind,
} from "./types.ts";
import { decodeNested } from "./validate/index.ts";
import type { Workspace } from "./workspace.ts";

/** Arguments Slack's clients send as JSON inside a form field. */
const NESTED_ARGS = new Set(["blocks", "attachments", "view", "metadata"]);

/** Every method the bot uses, by family. */
export function standardMethods(ws: Workspace): MethodTable {
  return {
    ...authMethods(ws),
    ...chatMethods(ws),
    ...conversationsMethods(ws),
    ...usergroupsMethods(ws),
    ...usersMethods(ws),
    ...viewsMethods(ws),
  };
}

export interface ApiRequest {
  method: string;
  authorization: string | undefined;
  /** Media type only, lower case ("" when absent). */
  contentType: string;
  query: URLSearchParams;
  raw: string;
}

export function callWebApi(ws: Workspace, methods: MethodTable, request: ApiRequest): MethodResult {
  const parsed = parseArgs(request);
  const args = parsed.ok ? parsed.args : {};
  const token = tokenKind(ws, request.authorization, args);
  const recorded: Json = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === "token") continue;
    const decoded = NESTED_ARGS.has(key) ? decodeNested(value) : { ok: false as const };
    recorded[key] = decoded.ok ? decoded.value : value;
  }
  const result = dispatch(ws, methods[request.method], request.method, token, parsed);
  const call: ApiCall = {
    method: request.method,
    args: recorded,
    time: ws.now(),
    token,
    ok: result.body.ok === true,
    status: result.status ?? 200,
  };
  if (typeof result.body.error === "string") call.error = result.body.error;
  ws.calls.push(call);
  return result;
}

function dispatch(
  ws: Workspace,
  handler: MethodTable[string] | undefined,
  method: string,
  token: TokenKind,
  parsed: ReturnType<typeof parseArgs>,
): MethodResult {
  if (!handler) return refuse("unknown_method");
  if (token === "none") return refuse("not_authed");
  if (token === "invalid") return refuse("invalid_auth");
  if (handler.token !== "any" && handler.token !== token) return refuse("not_allowed_token_type");
  if (!parsed.ok) return refuse(parsed.error);
  const queued = ws.failures.get(method)?.shift();
  if (queued) {
    const status = queued.status ?? (queued.error === "ratelimited" ? 429 : 200);
    const headers: Record<string, string> = {};
    if (status === 429 || queued.retryAfter !== undefined)
      headers["retry-after"] = String(queued.retryAfter ?? 1);
    return { status, headers, body: { ok: false, error: queued.error } };
  }
  return handler.run(parsed.args);
}

function tokenKind(ws: Workspace, authorization: string | undefined, args: Json): TokenKind {
  const bearer = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : undefined;
  const token = bearer || (typeof args.token === "string" ? args.token : undefined);
  if (!token) return "none";
  if (token === ws.botToken) return "bot";
  if (token === ws.appToken) return "app";
  return "invalid";
}

function parseArgs(request: ApiRequest): { ok: true; args: Json } | { ok: false; error: string } {
  const args: Json = Object.fromEntries(request.query);
  if (request.raw.length === 0) return { ok: true, args };
  if (request.contentType === "application/json") {
    try {
      const body: unknown = JSON.parse(request.raw);
      if (typeof body !== "object" || body === null || Array.isArray(body))
        return { ok: false, error: "invalid_json" };
      return { ok: true, args: { ...args, ...(body as Json) } };
    } catch {
      return { ok: false, error: "invalid_json" };
    }
  }
  if (request.contentType === "application/x-www-form-urlencoded") {
    return { ok: true, args: { ...args, ...Object.fromEntries(new URLSearchParams(request.raw)) } };
  }
  return { ok: false, error: request.contentType === "" ? "missing_post_type" : "invalid_post_type" };
}
