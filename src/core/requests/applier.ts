/**
 * The applier: carries approved requests out in VB365, exactly once however many callers race, and
 * ends time-bound audits when their time is up. Reads before it writes, so a change that already
 * happened (a crash after the POST, a console edit) counts as done. A failure leaves the request
 * waiting with a safe error and a next attempt time (backoff), never lost.
 *
 * Separate from the lifecycle (lifecycle.ts), which only records decisions: this is the one part of
 * the request feature that changes VB365.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock.ts";
import { describeError, isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { VboApi } from "../../vbo/api.ts";
import { findAuditItem } from "../../vbo/principals.ts";
import { SYSTEM_ACTOR } from "../vocabulary.ts";
import { formatDuration } from "./duration.ts";
import { type RequestEventWriter, requestEvents } from "./events.ts";
import type { RequestStore } from "./ports.ts";
import { APPLICABLE_STATES, type Request } from "./types.ts";

export interface RetryPolicy {
  /** Delay after the first failed attempt; doubled after each further failure. */
  baseDelayMs: number;
  /** Longest delay between attempts. */
  maxDelayMs: number;
  /** How long one applier holds a request; past it, a crashed applier's work is taken over. */
  leaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, leaseMs: 300_000 };

/** Delay before the next attempt after `failures` failed ones: base · 2^(failures−1), capped. */
export function retryDelayMs(failures: number, retry: RetryPolicy = DEFAULT_RETRY): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(retry.baseDelayMs * 2 ** exponent, retry.maxDelayMs);
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
  /** Another applier holds the request right now. */
  | { kind: "busy"; request: Request }
  /** Nothing to apply: the request is not approved (pending, applied already, denied…). */
  | { kind: "not_applicable"; request: Request }
  | { kind: "not_found"; requestId: number };

export type ExpiryResult =
  /** The audit item was removed (or was already gone). */
  | { kind: "removed"; request: Request; alreadyGone: boolean }
  /** A later applied request for the same principal decides its audit now; VB365 was left alone. */
  | { kind: "superseded"; request: Request; by: number }
  | { kind: "failed"; request: Request; error: string; nextAttemptAt: Date }
  | { kind: "busy"; request: Request };

export interface ApplierDeps {
  store: RequestStore;
  vbo: VboApi;
  clock: Clock;
  logger: Logger;
  retry?: Partial<RetryPolicy> | undefined;
}

export class Applier {
  readonly #deps: Omit<ApplierDeps, "retry">;
  readonly #retry: RetryPolicy;
  readonly #log: RequestEventWriter;

  constructor(deps: ApplierDeps) {
    this.#deps = { ...deps, logger: deps.logger.child({ component: "applier" }) };
    this.#retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.#log = requestEvents(deps.store.log);
  }

  /**
   * Applies an approved (or apply_failed) request to VB365, exactly once however many callers race:
   * a lease taken by a conditional UPDATE admits one applier. VB365's audit items are read first,
   * so a change that already happened (a crash after the POST, a console edit) counts as success.
   * A failure leaves the request apply_failed with a safe error and a next attempt time. A direct
   * call tries now, whatever the backoff says; `retryDue` respects it.
   */
  async apply(requestId: number): Promise<ApplyResult> {
    const { requests } = this.#deps.store;
    const owner = randomUUID();
    const now = this.#deps.clock.now();
    const claimed = this.#deps.store.transaction(() => {
      if (!requests.claimApply(requestId, owner, now, new Date(now.getTime() + this.#retry.leaseMs))) {
        return undefined;
      }
      const request = requests.getOrThrow(requestId);
      this.#log(request, "apply_attempted", SYSTEM_ACTOR, now, { attempt: request.applyAttempts });
      return request;
    });
    if (claimed === undefined) {
      const request = requests.get(requestId);
      if (request === undefined) return { kind: "not_found", requestId };
      const applicable = (APPLICABLE_STATES as readonly string[]).includes(request.state);
      return applicable ? { kind: "busy", request } : { kind: "not_applicable", request };
    }

    const log = this.#deps.logger.child({ requestId, kind: claimed.kind, attempt: claimed.applyAttempts });
    let how: "response" | "readback" | "already_done";
    // Real time, for the log: how long VB365 took over this attempt.
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      how = await this.#carryOut(claimed);
    } catch (err) {
      const at = this.#deps.clock.now();
      const error = describeError(err);
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(claimed.applyAttempts, this.#retry));
      this.#deps.store.transaction(() => {
        if (requests.markApplyFailed(requestId, owner, at, error, nextAttemptAt)) {
          this.#log(claimed, "apply_failed", SYSTEM_ACTOR, at, {
            attempt: claimed.applyAttempts,
            error,
            nextAttemptAt: nextAttemptAt.toISOString(),
          });
        }
      });
      const ctx = { error: err, nextAttemptAt, durationMs: took() };
      if (isVboError(err)) log.warn("applying a request to VB365 failed; will retry", ctx);
      else log.error("applying a request failed unexpectedly; will retry", ctx);
      return { kind: "failed", request: requests.getOrThrow(requestId), error, nextAttemptAt };
    }

    const at = this.#deps.clock.now();
    const expiresAt = claimed.auditForMs === null ? null : new Date(at.getTime() + claimed.auditForMs);
    const recorded = this.#deps.store.transaction(() => {
      if (!requests.markApplied(requestId, owner, at, expiresAt)) return false;
      this.#log(claimed, "apply_succeeded", SYSTEM_ACTOR, at, {
        attempt: claimed.applyAttempts,
        how,
        ...(expiresAt ? { auditExpiresAt: expiresAt.toISOString() } : {}),
      });
      return true;
    });
    // Not recorded: the lease ran out mid-call and another applier took over; it will find the
    // change already made and record it.
    if (!recorded) log.warn("applied, but the lease had passed to another applier");
    else log.info("request applied to VB365", { how, durationMs: took() });
    return { kind: "applied", request: requests.getOrThrow(requestId), how };
  }

  /**
   * Applies every approved or apply_failed request whose next attempt is due, one after another.
   * A job calls this; it is also what finishes an approval interrupted by a crash. `now` selects
   * what is due; the attempts themselves use the applier's clock.
   */
  async retryDue(now: Date = this.#deps.clock.now()): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const request of this.#deps.store.requests.listDueForApply(now)) {
      results.push(await this.apply(request.id));
    }
    return results;
  }

  /**
   * Ends time-bound audits whose time is up: removes the audit item (no second approval; the
   * approval was for a limited time) and logs `audit_expired` with the reason, exactly once per
   * request. When a later request for the same principal was applied since, that one decides, and
   * VB365 is left alone.
   */
  async endTimedAudits(now: Date = this.#deps.clock.now()): Promise<ExpiryResult[]> {
    const results: ExpiryResult[] = [];
    for (const due of this.#deps.store.requests.listAuditExpiriesDue(now)) {
      results.push(await this.#expireAudit(due.id));
    }
    return results;
  }

  async #expireAudit(requestId: number): Promise<ExpiryResult> {
    const { requests } = this.#deps.store;
    const owner = randomUUID();
    const now = this.#deps.clock.now();
    const lease = new Date(now.getTime() + this.#retry.leaseMs);
    if (!requests.claimAuditExpiry(requestId, owner, now, lease)) {
      return { kind: "busy", request: requests.getOrThrow(requestId) };
    }
    const request = requests.getOrThrow(requestId);
    const ended = {
      auditFor: request.auditForMs === null ? null : formatDuration(request.auditForMs),
      auditExpiresAt: request.auditExpiresAt?.toISOString() ?? null,
    };

    const later = requests.findLaterApplied(request);
    if (later) {
      this.#deps.store.transaction(() => {
        if (requests.markAuditExpired(requestId, owner, now)) {
          this.#log(request, "audit_expired", SYSTEM_ACTOR, now, {
            ...ended,
            reason: `time-bound audit ended; request ${later.id} (${later.kind}) applied since decides it, so VB365 was left as it is`,
            supersededBy: later.id,
          });
        }
      });
      return { kind: "superseded", request: requests.getOrThrow(requestId), by: later.id };
    }

    let alreadyGone: boolean;
    try {
      const item = findAuditItem(
        await this.#deps.vbo.listAuditItems(request.organization.id),
        request.principal,
      );
      alreadyGone = item === undefined;
      if (item) await this.#deps.vbo.removeAuditItems(request.organization.id, [item.id]);
    } catch (err) {
      const at = this.#deps.clock.now();
      const error = describeError(err);
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(request.expiryAttempts + 1, this.#retry));
      this.#deps.store.transaction(() => {
        if (requests.markAuditExpiryFailed(requestId, owner, at, error, nextAttemptAt)) {
          this.#log(request, "audit_expiry_failed", SYSTEM_ACTOR, at, {
            ...ended,
            error,
            nextAttemptAt: nextAttemptAt.toISOString(),
          });
        }
      });
      this.#deps.logger.warn("removing an expired time-bound audit failed; will retry", {
        requestId,
        error: err,
      });
      return { kind: "failed", request: requests.getOrThrow(requestId), error, nextAttemptAt };
    }

    const at = this.#deps.clock.now();
    this.#deps.store.transaction(() => {
      if (requests.markAuditExpired(requestId, owner, at)) {
        this.#log(request, "audit_expired", SYSTEM_ACTOR, at, {
          ...ended,
          reason: `time-bound audit of ${ended.auditFor ?? "a limited time"} ended; no further approval needed`,
          alreadyGone,
        });
      }
    });
    this.#deps.logger.info("time-bound audit ended", { requestId, alreadyGone });
    return { kind: "removed", request: requests.getOrThrow(requestId), alreadyGone };
  }

  /** Adds, or removes, the audit item; "already there" / "already gone" counts as done. */
  async #carryOut(request: Request): Promise<"response" | "readback" | "already_done"> {
    const orgId = request.organization.id;
    const item = findAuditItem(await this.#deps.vbo.listAuditItems(orgId), request.principal);
    if (request.kind === "add") {
      if (item) return "already_done";
      return this.#deps.vbo.addAuditItems(orgId, [request.principal]);
    }
    if (!item) return "already_done";
    return this.#deps.vbo.removeAuditItems(orgId, [item.id]);
  }
}
