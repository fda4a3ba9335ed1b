/**
 * How an apply is tried: how long one attempt may spend on VB365 and how long its lease runs (from
 * the client's worst case), when a failed one is tried again, and which failures are definite.
 * what an attempt comes to, and which item the end of a time-bound audit may remove. The applier
 * (applier.ts) follows these; they are apart so the policy reads on its own.
 */
import { isVboError } from "../../errors.ts";
import type { AuditChanges } from "../../vbo/api.ts";
import { findAuditItem, sameAuditItemId } from "../../vbo/principals.ts";
import type { AuditItem } from "../../vbo/schemas.ts";
import type { Request } from "./types.ts";

export interface RetryPolicy {
  /** Delay after the first failed attempt; doubled after each further failure. */
  baseDelayMs: number;
  /** Longest delay between attempts. */
  maxDelayMs: number;
  /** Definite refusals by VB365 after which the request ends as failed. */
  maxDefiniteFailures: number;
  /** Age of the approval after which a definite refusal ends the request as failed. */
  maxAgeMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  maxDefiniteFailures: 5,
  maxAgeMs: 24 * 3_600_000,
};

/** Delay before the next attempt after `failures` failed ones: base · 2^(failures−1), capped. */
export function retryDelayMs(failures: number, retry: RetryPolicy = DEFAULT_RETRY): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(retry.baseDelayMs * 2 ** exponent, retry.maxDelayMs);
}

/**
 * The most one attempt spends on VB365. The client's worst case (every retry, `Retry-After` wait
 * and token renewal) runs to hours; an attempt that would take that long is cut short by its
 * deadline and retried with backoff, so that a process killed mid-apply holds its request for
 * minutes, not hours.
 */
export const APPLY_BUDGET_MS = 10 * 60_000;

/**
 * The times of one apply, from the client's worst case: `workMs` bounds the VB365 work (the read
 * before, the write with its read-back, the read of a new item's id), capped at
 * `APPLY_BUDGET_MS`; the lease outlasts it by the time a request cut short may still take on the
 * server (`settleMs`). `writeMs` is how much of the lease must be left for the write to begin: its
 * own worst case (with its read-back); when the budget cut the work short, the budget's second half,
 * so that a write does not start only to be cut off.
 */
export function applyTimes(vbo: Pick<AuditChanges, "worstCase">): {
  workMs: number;
  leaseMs: number;
  writeMs: number;
} {
  const w = vbo.worstCase();
  const worstMs = 2 * w.readMs + w.writeMs;
  const workMs = Math.min(worstMs, APPLY_BUDGET_MS);
  const writeMs = (worstMs <= APPLY_BUDGET_MS ? w.writeMs + w.readMs : APPLY_BUDGET_MS / 2) + w.settleMs;
  return { workMs, leaseMs: workMs + w.settleMs, writeMs };
}

/** A refusal VB365 will repeat however often it is asked: a 4xx other than 401, 408 and 429. */
export function isDefiniteRefusal(err: unknown): boolean {
  if (!isVboError(err) || err.kind !== "http" || err.status === undefined) return false;
  return err.status >= 400 && err.status < 500 && ![401, 408, 429].includes(err.status);
}

export type ApplyResult =
  | {
      kind: "applied";
      request: Request;
      /** How success was known: VB365's answer, a read-back after an ambiguous failure, or the item was already there/gone. */
      how: "response" | "readback" | "already_done";
    }
  /** VB365 failed: the request is apply_failed and will be retried at `nextAttemptAt`. */
  | { kind: "failed"; request: Request; error: string; nextAttemptAt: Date }
  /** VB365 kept refusing it: the request ended as failed. */
  | { kind: "ended"; request: Request; error: string }
  /** Another applier holds the request right now, or took it over while this one was held up. */
  | { kind: "busy"; request: Request }
  /** Nothing to apply: the request is not approved (pending, applied already, denied…). */
  | { kind: "not_applicable"; request: Request }
  /** The request says approved, but its log entries do not: it is not applied (see history.ts). */
  | { kind: "not_in_log"; request: Request }
  | { kind: "not_found"; requestId: number };

export type ExpiryResult =
  /** The audit item was removed (or was already gone). */
  | { kind: "removed"; request: Request; alreadyGone: boolean }
  /** A later applied request for the same principal decides its audit now; VB365 was left alone. */
  | { kind: "superseded"; request: Request; by: number }
  /** The item this request created was removed or replaced outside the bot: logged as drift, left alone. */
  | { kind: "drift"; request: Request; change: "removed" | "replaced" }
  | { kind: "failed"; request: Request; error: string; nextAttemptAt: Date }
  | { kind: "busy"; request: Request };

/**
 * The item a time-bound add created, in VB365's list now: by its id when the bot learnt it; by the
 * principal when it did not (or the request was applied before the bot recorded it).
 */
export function ownItem(
  request: Request,
  items: readonly AuditItem[],
): { kind: "ours"; item: AuditItem | undefined } | { kind: "drift"; change: "removed" | "replaced" } {
  const forPrincipal = findAuditItem(items, request.principal);
  if (request.auditItemCreated !== true || request.auditItemId === null)
    return { kind: "ours", item: forPrincipal };
  const mine = items.find((i) => sameAuditItemId(i.id, request.auditItemId ?? ""));
  if (mine) return { kind: "ours", item: mine };
  return { kind: "drift", change: forPrincipal ? "replaced" : "removed" };
}
