/** The one way a request's steps reach the approval log: with its organization, principal and kind. */
import type { EventLog } from "../ports.ts";
import type { EventKind } from "../vocabulary.ts";
import type { Request } from "./types.ts";

export function logRequestEvent(
  log: EventLog,
  request: Request,
  kind: EventKind,
  actor: string,
  at: Date,
  detail: Record<string, unknown>,
): void {
  log.append({
    kind,
    actor,
    at,
    requestId: request.id,
    organization: request.organization,
    principal: request.principal,
    detail: { requestKind: request.kind, ...detail },
  });
}
