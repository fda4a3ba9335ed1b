/**
 * VB365 operations on an organization's audit items: the list, and the two changes (add, remove),
 * each confirmed by reading the list back when the server's answer to the POST was lost. The same
 * calls run on either lane of the connection: `reads`, or `applies` (an approved change's own
 * connections, see transport.ts).
 */
import type { AuditChanges, Confirmation } from "./api.ts";
import { AnyList, enc, type VboConnection } from "./connection.ts";
import { isVboError, VboError } from "./errors.ts";
import { findAuditItem, sameAuditItemId } from "./principals.ts";
import type { AuditItem } from "./schemas.ts";
import { failure, isSuccess, type Lane, type Reply } from "./transport.ts";

/** Failures after which a POST may or may not have applied. */
const AMBIGUOUS_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);

export function auditItemCalls(
  c: VboConnection,
  lane: Lane = "reads",
): Omit<AuditChanges, "apiVersion" | "worstCase"> {
  return {
    listAuditItems: (organizationId, options = {}) =>
      c.track(() => readAuditItems(c, organizationId, "listAuditItems", lane, options.signal)),

    addAuditItems: (organizationId, principals, options = {}) => {
      if (principals.length === 0) return Promise.resolve("response");
      const body = principals.map((p) => {
        const who = { id: p.id, displayName: p.displayName, name: p.name };
        return p.type === "User" ? { type: "User", user: who } : { type: "Group", group: who };
      });
      return c.track(() =>
        change(
          c,
          { organizationId, operation: "addAuditItems", path: "/AuditItems", json: body, lane },
          (items) => principals.every((p) => findAuditItem(items, p) !== undefined),
          options.signal,
        ),
      );
    },

    removeAuditItems: (organizationId, itemIds, options = {}) => {
      if (itemIds.length === 0) return Promise.resolve("response");
      return c.track(() =>
        change(
          c,
          {
            organizationId,
            operation: "removeAuditItems",
            path: "/AuditItems/remove",
            json: { itemIds },
            lane,
          },
          (items) => itemIds.every((id) => !items.some((item) => sameAuditItemId(item.id, id))),
          options.signal,
        ),
      );
    },
  };
}

async function readAuditItems(
  c: VboConnection,
  organizationId: string,
  operation: string,
  lane: Lane,
  signal?: AbortSignal,
): Promise<AuditItem[]> {
  const list = await c.json(
    {
      operation,
      method: "GET",
      url: (v) => c.url(v, `/Organizations/${enc(organizationId)}/AuditItems`),
      signal,
      lane,
    },
    AnyList,
  );
  return c.items.auditItems(list, operation);
}

/**
 * POSTs a change to the audit items. The server may have applied a POST whose answer was lost
 * (timeout, dropped connection, gateway error); sending it again could apply it twice, so the
 * list is read instead and decides: applied, or a definite `not_applied`.
 */
async function change(
  c: VboConnection,
  change: { organizationId: string; operation: string; path: string; json: unknown; lane: Lane },
  applied: (items: AuditItem[]) => boolean,
  signal: AbortSignal | undefined,
): Promise<Confirmation> {
  const { organizationId, operation, lane } = change;
  let outcome: Reply | VboError;
  try {
    outcome = await c.send({
      operation,
      method: "POST",
      url: (v) => c.url(v, `/Organizations/${enc(organizationId)}${change.path}`),
      json: change.json,
      signal,
      lane,
    });
  } catch (err) {
    if (!isVboError(err) || (err.kind !== "network" && err.kind !== "timeout")) throw err;
    outcome = err;
  }
  if (!(outcome instanceof VboError)) {
    if (isSuccess(outcome.status)) return "response";
    if (!AMBIGUOUS_STATUS.has(outcome.status)) throw failure(outcome, operation, c.secrets());
  }
  const cause = outcome instanceof VboError ? outcome : failure(outcome, operation, c.secrets());
  c.logger.warn("vbo change may or may not have applied; reading the audit items back", {
    operation,
    error: cause.kind,
    status: cause.status,
  });
  let items: AuditItem[];
  try {
    items = await readAuditItems(c, organizationId, `${operation}.readback`, lane, signal);
  } catch (err) {
    c.logger.warn("vbo read-back failed; the change's outcome is unknown", {
      operation,
      error: isVboError(err) ? err.kind : "unexpected",
    });
    throw cause;
  }
  if (applied(items)) {
    c.logger.info("vbo change applied despite the failed answer", { operation });
    return "readback";
  }
  throw new VboError({
    kind: "not_applied",
    operation,
    status: cause.status,
    errorCode: cause.errorCode,
    message: `the change did not apply (${cause.kind === "http" ? `HTTP ${cause.status}` : cause.message})`,
  });
}
