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

/** `logRequestEvent` bound to one log: what the lifecycle and the applier each hold. */
export type RequestEventWriter = (
  request: Request,
  kind: EventKind,
  actor: string,
  at: Date,
  detail: Record<string, unknown>,
) => void;

export function requestEvents(log: EventLog): RequestEventWriter {
  return (request, kind, actor, at, detail) => logRequestEvent(log, request, kind, actor, at, detail);
}
