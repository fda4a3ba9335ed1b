/**
 * Audit items and the audit e-mail settings: the feature the bot drives.
 * - `POST AuditItems` takes only a JSON array of `{type, user|group}`; every item is checked
 *   before any is applied, so a bad item leaves nothing half-done. Adding an audited principal
 *   again is a no-op. Success is 201 before v8, 204 on v8, with no body.
 * - `POST AuditItems/remove` takes `{itemIds}` (audit item ids, not user ids); unknown ids are a
 *   400 and nothing is removed. Success is 200 before v8, 204 on v8.
 */
import type { ApiVersion } from "../../vbo/schemas.ts";
import { badRequest, empty, isRecord, json, jsonBody, type RequestContext } from "../http.ts";
import type { AuthenticationType, EmailSettings, PrincipalKind } from "../model.ts";
import { renderAuditItem, renderEmailSettings } from "../render.ts";
import type { SimState } from "../state.ts";
import type { Route } from "./route.ts";

/** JSON property names bind case-insensitively on the real server. */
function prop(record: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

async function addAuditItems(ctx: RequestContext, state: SimState) {
  const org = state.organization(ctx.params.organizationId ?? "");
  const body = await jsonBody(ctx);
  if (!Array.isArray(body)) throw badRequest("The request body must be an array of audit items.");
  if (body.length === 0) throw badRequest("No audit items were specified.");
  const wanted = body.map((item: unknown, k): { type: PrincipalKind; id: string } => {
    if (!isRecord(item)) throw badRequest(`Audit item ${k}: an object is expected.`);
    const type = prop(item, "type");
    const lower = typeof type === "string" ? type.toLowerCase() : undefined;
    const kind: PrincipalKind | undefined =
      lower === "user" ? "User" : lower === "group" ? "Group" : undefined;
    if (!kind) throw badRequest(`Audit item ${k}: unknown type '${String(type)}'.`);
    const principal = prop(item, kind);
    const id = isRecord(principal) ? prop(principal, "id") : undefined;
    if (typeof id !== "string" || id === "")
      throw badRequest(`Audit item ${k}: ${kind.toLowerCase()}.id is required.`);
    const found = org.directory.principal(kind, id);
    if (!found)
      throw badRequest(`Audit item ${k}: ${kind.toLowerCase()} '${id}' was not found in ${org.name}.`);
    return { type: kind, id: found.id };
  });
  for (const w of wanted) org.audit.add(w.type, w.id);
  return empty(ctx.version === "v8" ? 204 : 201);
}

async function removeAuditItems(ctx: RequestContext, state: SimState) {
  const org = state.organization(ctx.params.organizationId ?? "");
  const body = await jsonBody(ctx);
  const itemIds = isRecord(body) ? prop(body, "itemIds") : undefined;
  if (!Array.isArray(itemIds) || !itemIds.every((id) => typeof id === "string")) {
    throw badRequest('The request body must be an object with an array of item ids: {"itemIds": [...]}.');
  }
  if (itemIds.length === 0) throw badRequest("No audit item ids were specified.");
  const unknown = itemIds.filter((id) => !org.audit.get(id));
  if (unknown.length > 0) throw badRequest(`Audit items not found: ${unknown.join(", ")}.`);
  for (const id of itemIds) org.audit.remove(id);
  return empty(ctx.version === "v8" ? 204 : 200);
}

const AUTH_TYPES: AuthenticationType[] = ["CustomSmtp", "GoogleGmail", "Microsoft365"];

/** PUT AuditEmailSettings: the fields this version defines, each type-checked. */
function updateSettings(version: ApiVersion, current: EmailSettings, body: unknown): EmailSettings {
  if (!isRecord(body)) throw badRequest("The request body must be an object.");
  const next: EmailSettings = { ...current };
  const read = <T>(name: string, check: (v: unknown) => v is T, apply: (v: T) => void) => {
    const value = prop(body, name);
    if (value === undefined || value === null) return;
    if (!check(value)) throw badRequest(`The value of '${name}' is not valid.`);
    apply(value);
  };
  const isBool = (v: unknown): v is boolean => typeof v === "boolean";
  const isStr = (v: unknown): v is string => typeof v === "string";
  const isPort = (v: unknown): v is number =>
    Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;
  read("enableNotification", isBool, (v) => {
    next.enableNotification = v;
  });
  read("smtpServer", isStr, (v) => {
    next.smtpServer = v;
  });
  read("port", isPort, (v) => {
    next.port = v;
  });
  read("useAuthentication", isBool, (v) => {
    next.useAuthentication = v;
  });
  read("username", isStr, (v) => {
    next.username = v;
  });
  read("userPassword", isStr, (v) => {
    next.userPassword = v;
  });
  read("useSSL", isBool, (v) => {
    next.useSSL = v;
  });
  read("from", isStr, (v) => {
    next.from = v;
  });
  read("to", isStr, (v) => {
    next.to = v;
  });
  read("subject", isStr, (v) => {
    next.subject = v;
  });
  if (version !== "v6") {
    const isAuth = (v: unknown): v is AuthenticationType => AUTH_TYPES.includes(v as AuthenticationType);
    read("authenticationType", isAuth, (v) => {
      next.authenticationType = v;
    });
    read("userId", isStr, (v) => {
      next.userId = v;
    });
    read("mailApiUrl", isStr, (v) => {
      next.mailApiUrl = v;
    });
  }
  return next;
}

export const auditRoutes: Route[] = [
  {
    method: "GET",
    path: "Organizations/{organizationId}/AuditItems",
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      return json(
        org.audit
          .list()
          .map((entry) =>
            renderAuditItem(ctx.out, org.id, entry, org.directory.principal(entry.type, entry.principalId)),
          ),
      );
    },
  },
  { method: "POST", path: "Organizations/{organizationId}/AuditItems", handle: addAuditItems },
  { method: "POST", path: "Organizations/{organizationId}/AuditItems/remove", handle: removeAuditItems },
  {
    method: "GET",
    path: "AuditEmailSettings",
    handle: (ctx, state) => json(renderEmailSettings(ctx.out, state.settings)),
  },
  {
    method: "PUT",
    path: "AuditEmailSettings",
    handle: async (ctx, state) => {
      state.settings = updateSettings(ctx.version, state.settings, await jsonBody(ctx));
      return empty(ctx.version === "v8" ? 204 : 200);
    },
  },
  {
    method: "POST",
    path: "AuditEmailSettings/SendTest",
    versions: ["v6", "v7"],
    handle: (_ctx, state) => {
      state.testMailsSent++;
      return empty(200);
    },
  },
  {
    method: "POST",
    path: "AuditEmailSettings/SendTestEmail",
    versions: ["v8"],
    handle: (_ctx, state) => {
      state.testMailsSent++;
      return empty(204);
    },
  },
];
