/**
 * The applier: carries approved requests out in VB365, exactly once however many callers race, and
 * ends time-bound audits when their time is up. The one part of the request feature that changes
 * VB365 (lifecycle.ts only records decisions).
 *
 * Exactly once, in three parts:
 * - A lease (a conditional UPDATE) admits one applier. Its length comes from the VB365 client's
 *   worst case (timeouts × retries × the `Retry-After` cap, token renewals included, capped at
 *   `APPLY_BUDGET_MS`), and the VB365 work runs under an `AbortSignal` that fires before the lease
 *   ends.
 * - Just before the write, one transaction checks the lease is still this applier's (and the
 *   request still applicable), marks the write as started and logs `apply_attempted`. An applier
 *   held up past its lease finds another owner there and writes nothing.
 * - VB365's audit items are read first, so a change that already happened (a crash after the POST,
 *   a console edit) counts as done: one read and one write in the common case, and a read-back
 *   only after an ambiguous answer (the client's).
 *
 * Failures: an outage (timeout, 5xx, unreachable, 401/408/429) is retried with backoff for as long
 * as it lasts. A definite refusal (another 4xx: the organization or the principal gone, a request
 * VB365 will never take) ends the request as `failed` after `maxDefiniteFailures` of them, or once
 * its approval is `maxAgeMs` old, so that it stops holding the principal and filling the log.
 *
 * Only what it added is removed: an add records whether its POST created the audit item (and, for
 * a time-bound add, the item's id). An add that finds the principal audited already schedules no
 * end; at the end of a time-bound audit only the item this request created is removed, and one
 * removed or replaced in the meantime is logged as drift and left alone.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock.ts";
import { describeError, isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { AuditChanges } from "../../vbo/api.ts";
import { findAuditItem } from "../../vbo/principals.ts";
import { type OrganizationRef, SYSTEM_ACTOR, VB365_ACTOR } from "../vocabulary.ts";
import {
  type ApplyResult,
  applyTimes,
  DEFAULT_RETRY,
  type ExpiryResult,
  isDefiniteRefusal,
  ownItem,
  type RetryPolicy,
  retryDelayMs,
} from "./attempts.ts";
import { formatDuration } from "./duration.ts";
import { type RequestEventWriter, requestEvents } from "./events.ts";
import { replay } from "./history.ts";
import type { AttemptFailure, RequestStore } from "./ports.ts";
import { APPLICABLE_STATES, type Request } from "./types.ts";

export interface ApplierDeps {
  store: RequestStore;
  /**
   * VB365's audit items, read fresh and changed: on the applies' own connections in the bot; with
   * several servers, a function giving the organization's own server's.
   */
  vbo: AuditChanges | ((organization: OrganizationRef) => AuditChanges);
  clock: Clock;
  logger: Logger;
  retry?: Partial<RetryPolicy> | undefined;
}

/** Where an attempt failed: before its write, or in it (known not applied, or unknown). */
type Stage = "read" | "write";

class LeaseLost extends Error {}

export class Applier {
  readonly #deps: Omit<ApplierDeps, "retry" | "vbo">;
  readonly #retry: RetryPolicy;
  readonly #log: RequestEventWriter;
  readonly #vboOf: (organization: OrganizationRef) => AuditChanges;

  constructor(deps: ApplierDeps) {
    this.#deps = { ...deps, logger: deps.logger.child({ component: "applier" }) };
    const { vbo } = deps;
    this.#vboOf = typeof vbo === "function" ? vbo : () => vbo;
    this.#retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.#log = requestEvents(deps.store.log);
  }

  /**
   * Applies an approved (or apply_failed) request to VB365, exactly once however many callers race
   * (see the top of this file). A direct call tries now, whatever the backoff says; `retryDue`
   * respects it.
   */
  async apply(requestId: number): Promise<ApplyResult> {
    const { requests } = this.#deps.store;
    const owner = randomUUID();
    const target = requests.get(requestId);
    if (target === undefined) return { kind: "not_found", requestId };
    const vbo = this.#vboOf(target.organization);
    const times = applyTimes(vbo);
    // The API version is settled outside the lease: probing it is not part of the worst case.
    await vbo.apiVersion().catch(() => undefined);
    const now = this.#deps.clock.now();
    const claimed = this.#deps.store.transaction((): Request | "not_in_log" | undefined => {
      const current = requests.get(requestId);
      if (current === undefined || !isApplicable(current)) return undefined;
      // Applied only when the log holds its approval: a state set by hand is not carried out.
      if (replay(this.#deps.store.log.forRequest(requestId)).state !== current.state) return "not_in_log";
      if (!requests.claimApply(requestId, owner, now, new Date(now.getTime() + times.leaseMs)))
        return undefined;
      return requests.getOrThrow(requestId);
    });
    if (claimed === "not_in_log") {
      const request = requests.getOrThrow(requestId);
      this.#deps.logger.error("refusing to apply a request whose approval is not in the log", {
        requestId,
        state: request.state,
      });
      return { kind: "not_in_log", request };
    }
    if (claimed === undefined) {
      const request = requests.get(requestId);
      if (request === undefined) return { kind: "not_found", requestId };
      return isApplicable(request) ? { kind: "busy", request } : { kind: "not_applicable", request };
    }

    const log = this.#deps.logger.child({ requestId, kind: claimed.kind, attempt: claimed.applyAttempts });
    const signal = AbortSignal.timeout(times.workMs);
    // Real time, for the log: how long VB365 took over this attempt.
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    let stage: Stage = "read";
    let done: Carried;
    try {
      done = await this.#carryOut(claimed, signal, times.writeMs, owner, () => {
        stage = "write";
      });
    } catch (err) {
      if (err instanceof LeaseLost) {
        log.warn("held up past its lease: another applier has the request, or it changed; nothing written");
        const request = requests.getOrThrow(requestId);
        return isApplicable(request) ? { kind: "busy", request } : { kind: "not_applicable", request };
      }
      return this.#failed(claimed, owner, err, stage, log, took());
    }

    const at = this.#deps.clock.now();
    const timeBound = claimed.auditForMs !== null && done.created === true;
    const expiresAt =
      timeBound && claimed.auditForMs !== null ? new Date(at.getTime() + claimed.auditForMs) : null;
    const alreadyAudited = claimed.kind === "add" && done.created === false;
    const recorded = this.#deps.store.transaction(() => {
      const change = { auditExpiresAt: expiresAt, auditItemCreated: done.created, auditItemId: done.itemId };
      if (!requests.markApplied(requestId, owner, at, change)) return false;
      this.#log(claimed, "apply_succeeded", SYSTEM_ACTOR, at, {
        attempt: claimed.applyAttempts,
        how: done.how,
        ...(expiresAt ? { auditExpiresAt: expiresAt.toISOString() } : {}),
        ...(done.itemId ? { auditItemId: done.itemId } : {}),
        ...(alreadyAudited
          ? {
              alreadyAudited: true,
              note:
                claimed.auditForMs === null
                  ? "already audited in VB365; the bot created nothing"
                  : "already audited; the time limit does not apply",
            }
          : {}),
      });
      return true;
    });
    // Not recorded: the lease ran out mid-call and another applier took over; it will find the
    // change already made and record it.
    if (!recorded) log.warn("applied, but the lease had passed to another applier");
    else log.info("request applied to VB365", { how: done.how, alreadyAudited, durationMs: took() });
    return { kind: "applied", request: requests.getOrThrow(requestId), how: done.how };
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
   * Ends time-bound audits whose time is up: removes the audit item the request created (no second
   * approval; the approval was for a limited time) and logs `audit_expired` with the reason, exactly
   * once per request. When a later request for the same principal was applied since, that one
   * decides, and VB365 is left alone.
   */
  async endTimedAudits(now: Date = this.#deps.clock.now()): Promise<ExpiryResult[]> {
    const results: ExpiryResult[] = [];
    for (const due of this.#deps.store.requests.listAuditExpiriesDue(now)) {
      results.push(await this.#expireAudit(due.id));
    }
    return results;
  }

  /** Records a failed attempt: retried later, or the request ended when VB365 keeps refusing it. */
  #failed(
    claimed: Request,
    owner: string,
    err: unknown,
    stage: Stage,
    log: Logger,
    durationMs: number,
  ): ApplyResult {
    const { requests } = this.#deps.store;
    const at = this.#deps.clock.now();
    const error = describeError(err);
    const definite = isDefiniteRefusal(err);
    const definiteFailures = claimed.definiteFailures + (definite ? 1 : 0);
    const approvedAt = (claimed.decidedAt ?? claimed.createdAt).getTime();
    const giveUp =
      definite &&
      (definiteFailures >= this.#retry.maxDefiniteFailures ||
        at.getTime() - approvedAt >= this.#retry.maxAgeMs);
    if (giveUp) {
      const why =
        definiteFailures >= this.#retry.maxDefiniteFailures
          ? `VB365 refused it ${definiteFailures} times`
          : `VB365 still refuses it ${formatDuration(at.getTime() - approvedAt)} after its approval`;
      this.#deps.store.transaction(() => {
        if (requests.markFailed(claimed.id, owner, at, error)) {
          this.#log(claimed, "failed", SYSTEM_ACTOR, at, {
            attempt: claimed.applyAttempts,
            definiteFailures,
            error,
            reason: `${why}; the request has ended and nothing was changed in VB365`,
          });
        }
      });
      log.warn("VB365 keeps refusing a request; it has ended as failed", { error: err, definiteFailures });
      return { kind: "ended", request: requests.getOrThrow(claimed.id), error };
    }
    const nextAttemptAt = new Date(at.getTime() + retryDelayMs(claimed.applyAttempts, this.#retry));
    // A write refused for good did not happen; one without an answer may have.
    const failure: AttemptFailure = {
      error,
      nextAttemptAt,
      definite,
      writeSettled: stage === "write" && definite,
    };
    this.#deps.store.transaction(() => {
      if (requests.markApplyFailed(claimed.id, owner, at, failure)) {
        this.#log(claimed, "apply_failed", SYSTEM_ACTOR, at, {
          attempt: claimed.applyAttempts,
          error,
          definite,
          nextAttemptAt: nextAttemptAt.toISOString(),
        });
      }
    });
    const ctx = { error: err, nextAttemptAt, definite, durationMs };
    if (isVboError(err)) log.warn("applying a request to VB365 failed; will retry", ctx);
    else log.error("applying a request failed unexpectedly; will retry", ctx);
    return { kind: "failed", request: requests.getOrThrow(claimed.id), error, nextAttemptAt };
  }

  async #expireAudit(requestId: number): Promise<ExpiryResult> {
    const { requests } = this.#deps.store;
    const owner = randomUUID();
    const vbo = this.#vboOf(requests.getOrThrow(requestId).organization);
    const times = applyTimes(vbo);
    await vbo.apiVersion().catch(() => undefined);
    const now = this.#deps.clock.now();
    if (!requests.claimAuditExpiry(requestId, owner, now, new Date(now.getTime() + times.leaseMs))) {
      return { kind: "busy", request: requests.getOrThrow(requestId) };
    }
    const request = requests.getOrThrow(requestId);
    const ended = {
      auditFor: request.auditForMs === null ? null : formatDuration(request.auditForMs),
      auditExpiresAt: request.auditExpiresAt?.toISOString() ?? null,
    };
    const finish = (at: Date, detail: Record<string, unknown>) =>
      this.#deps.store.transaction(() => {
        if (requests.markAuditExpired(requestId, owner, at)) {
          this.#log(request, "audit_expired", SYSTEM_ACTOR, at, { ...ended, ...detail });
        }
      });

    const later = requests.findLaterApplied(request);
    if (later) {
      finish(now, {
        reason: `time-bound audit ended; request ${later.id} (${later.kind}) applied since decides it, so VB365 was left as it is`,
        supersededBy: later.id,
      });
      return { kind: "superseded", request: requests.getOrThrow(requestId), by: later.id };
    }

    const signal = AbortSignal.timeout(times.workMs);
    let stage: Stage = "read";
    let outcome:
      | { kind: "removed"; alreadyGone: boolean }
      | { kind: "drift"; change: "removed" | "replaced" };
    try {
      const items = await vbo.listAuditItems(request.organization.id, { signal });
      const mine = ownItem(request, items);
      if (mine.kind === "drift") {
        outcome = mine;
      } else {
        if (mine.item) {
          const until = new Date(this.#deps.clock.now().getTime() + times.writeMs);
          if (!requests.beginExpiryWrite(requestId, owner, this.#deps.clock.now(), until)) {
            this.#deps.logger.warn(
              "held up past its lease while ending a time-bound audit; nothing written",
              {
                requestId,
              },
            );
            return { kind: "busy", request: requests.getOrThrow(requestId) };
          }
          stage = "write";
          await vbo.removeAuditItems(request.organization.id, [mine.item.id], { signal });
        }
        outcome = { kind: "removed", alreadyGone: mine.item === undefined };
      }
    } catch (err) {
      const at = this.#deps.clock.now();
      const error = describeError(err);
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(request.expiryAttempts + 1, this.#retry));
      const definite = isDefiniteRefusal(err);
      this.#deps.store.transaction(() => {
        const failure = { error, nextAttemptAt, definite, writeSettled: stage === "write" && definite };
        if (requests.markAuditExpiryFailed(requestId, owner, at, failure)) {
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
    if (outcome.kind === "drift") {
      const what =
        outcome.change === "removed"
          ? "the audit item this request created was removed outside the bot"
          : "the audit item this request created was replaced outside the bot by another one";
      this.#deps.store.transaction(() => {
        this.#deps.store.log.append({
          kind: "drift_seen",
          actor: VB365_ACTOR,
          at,
          requestId,
          organization: request.organization,
          principal: request.principal,
          detail: { change: outcome.change, auditItemId: request.auditItemId, seenBy: "audit_expiry" },
        });
        finish(at, { reason: `time-bound audit ended; ${what}, so VB365 was left as it is`, removed: false });
      });
      this.#deps.logger.warn("time-bound audit ended on drift; VB365 left alone", {
        requestId,
        change: outcome.change,
      });
      return { kind: "drift", request: requests.getOrThrow(requestId), change: outcome.change };
    }
    finish(at, {
      reason: `time-bound audit of ${ended.auditFor ?? "a limited time"} ended; no further approval needed`,
      alreadyGone: outcome.alreadyGone,
    });
    this.#deps.logger.info("time-bound audit ended", { requestId, alreadyGone: outcome.alreadyGone });
    return { kind: "removed", request: requests.getOrThrow(requestId), alreadyGone: outcome.alreadyGone };
  }

  /**
   * Adds, or removes, the audit item: one read, then (unless it is already there, or gone) one
   * write, once the lease is confirmed in the same transaction that logs the attempt. A time-bound
   * add reads the list once more to learn the new item's id.
   */
  async #carryOut(
    request: Request,
    signal: AbortSignal,
    writeMs: number,
    owner: string,
    writing: () => void,
  ): Promise<Carried> {
    const { clock, store } = this.#deps;
    const vbo = this.#vboOf(request.organization);
    const orgId = request.organization.id;
    const item = findAuditItem(await vbo.listAuditItems(orgId, { signal }), request.principal);
    if (request.kind === "add" && item) return { how: "already_done", created: false, itemId: null };
    if (request.kind === "remove" && !item) return { how: "already_done", created: null, itemId: null };

    const now = clock.now();
    const began = store.transaction(() => {
      if (!store.requests.beginWrite(request.id, owner, now, new Date(now.getTime() + writeMs))) return false;
      this.#log(request, "apply_attempted", SYSTEM_ACTOR, now, {
        attempt: request.applyAttempts,
        write: request.kind === "add" ? "addAuditItems" : "removeAuditItems",
      });
      return true;
    });
    if (!began) throw new LeaseLost();
    writing();
    if (request.kind === "remove" && item) {
      return { how: await vbo.removeAuditItems(orgId, [item.id], { signal }), created: null, itemId: null };
    }
    const how = await vbo.addAuditItems(orgId, [request.principal], { signal });
    // Its end will remove only this item: learn its id (VB365's answer to the POST has none).
    let itemId: string | null = null;
    if (request.auditForMs !== null) {
      try {
        itemId = findAuditItem(await vbo.listAuditItems(orgId, { signal }), request.principal)?.id ?? null;
      } catch (err) {
        this.#deps.logger.warn(
          "added, but could not read the new audit item's id; its end removes the principal's item",
          {
            requestId: request.id,
            error: err,
          },
        );
      }
    }
    return { how, created: true, itemId };
  }
}

interface Carried {
  how: "response" | "readback" | "already_done";
  /** Adds: whether this apply created the audit item; null for removes. */
  created: boolean | null;
  itemId: string | null;
}

function isApplicable(request: Request): boolean {
  return (APPLICABLE_STATES as readonly string[]).includes(request.state);
}
