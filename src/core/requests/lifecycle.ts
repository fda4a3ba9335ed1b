/**
 * The request lifecycle: submit, decide, apply to VB365, retry, expire. The store is the source of
 * truth; VB365 is changed only after the approval is recorded (an outbox), and every change to a
 * request is a compare-and-swap on its stored state plus its log rows, in one transaction.
 *
 * Methods answer business refusals with data (never by throwing) and return the updated request,
 * so the Slack side can render the result. They throw only for real faults: the database failing,
 * the approver directory failing, or VB365 failing where there is nothing to retry (`submit`).
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock.ts";
import { describeError, isStoreError, isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { RequestMessage, Store } from "../../store/index.ts";
import type { VboApi } from "../../vbo/api.ts";
import { findAuditItem } from "../../vbo/principals.ts";
import type { AuditItem, PrincipalRef } from "../../vbo/schemas.ts";
import { type LogEvent, type OrganizationRef, SYSTEM_ACTOR } from "../vocabulary.ts";
import { type Decision, decide, isPastTtl, type RefusalReason } from "./decide.ts";
import { AUDIT_FOR, auditForProblem, formatDuration } from "./duration.ts";
import type { Action, Policy, Request, RequestKind, Vote } from "./types.ts";

/** Who may approve: implemented by the Slack side (user ids, user group members). */
export interface ApproverDirectory {
  isApprover(userId: string): Promise<boolean>;
}

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

export interface RequestServiceDeps {
  store: Store;
  vbo: VboApi;
  approvers: ApproverDirectory;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
}

export interface SubmitInput {
  kind: RequestKind;
  organization: OrganizationRef;
  principal: PrincipalRef;
  /** Slack user id. */
  requester: string;
  reason?: string | undefined;
  /** Add only: the audit ends (and its item is removed) this long after it is applied. */
  auditForMs?: number | undefined;
}

export type SubmitResult = (
  | { kind: "created"; request: Request }
  /** An open request for the same principal and kind exists: this is it. */
  | { kind: "duplicate"; request: Request }
  /** Add: VB365 already audits the principal. No request was created. */
  | { kind: "already_audited"; auditItem: AuditItem }
  /** Remove: VB365 does not audit the principal. No request was created. */
  | { kind: "not_audited" }
  | { kind: "invalid"; problem: string }
) & {
  /**
   * The pending request for the same principal and kind that this submit found past its
   * time-to-live and expired, whatever else happened: its Slack views must be re-rendered.
   */
  expired?: Request;
};

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

export type ActResult =
  | { kind: "not_found"; requestId: number }
  | { kind: "refused"; reason: RefusalReason; request: Request; votes: Vote[] }
  | { kind: "vote_recorded"; remaining: number; request: Request; votes: Vote[] }
  /** `apply`: the outcome of applying at once, or null when asked not to apply now. */
  | { kind: "approved"; request: Request; votes: Vote[]; apply: ApplyResult | null }
  | { kind: "denied"; request: Request; votes: Vote[] }
  | { kind: "cancelled"; request: Request; votes: Vote[] };

export type ExpiryResult =
  /** The audit item was removed (or was already gone). */
  | { kind: "removed"; request: Request; alreadyGone: boolean }
  /** A later applied request for the same principal decides its audit now; VB365 was left alone. */
  | { kind: "superseded"; request: Request; by: number }
  | { kind: "failed"; request: Request; error: string; nextAttemptAt: Date }
  | { kind: "busy"; request: Request };

export interface RequestView {
  request: Request;
  votes: Vote[];
  messages: RequestMessage[];
  events: LogEvent[];
}

export class RequestService {
  readonly #store: Store;
  readonly #vbo: VboApi;
  readonly #approvers: ApproverDirectory;
  readonly #policy: Policy;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retry: RetryPolicy;

  constructor(deps: RequestServiceDeps) {
    this.#store = deps.store;
    this.#vbo = deps.vbo;
    this.#approvers = deps.approvers;
    this.#policy = deps.policy;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#retry = { ...DEFAULT_RETRY, ...deps.retry };
  }

  get policy(): Policy {
    return this.#policy;
  }

  /**
   * Opens a request to add or remove a principal's audit item. Answers without creating one when an
   * open request for the same principal and kind exists, or when VB365 shows the change is not
   * needed. Reads VB365's audit items, so a VB365 failure throws (nothing was recorded).
   */
  async submit(input: SubmitInput): Promise<SubmitResult> {
    if (input.auditForMs !== undefined) {
      if (input.kind !== "add") return { kind: "invalid", problem: "only an add can be time-bound" };
      if (auditForProblem(input.auditForMs) !== undefined) {
        return {
          kind: "invalid",
          problem: `a time-bound audit lasts from ${AUDIT_FOR.minText} to ${AUDIT_FOR.maxText}`,
        };
      }
    }
    const { organization, principal, kind } = input;
    const existing = this.#store.requests.findOpen(organization.id, principal, kind);
    // A pending request past its time-to-live no longer stands in the way: it is ended below rather
    // than the requester pointed at something nobody can approve.
    const stale = existing?.state === "pending" && isPastTtl(existing, this.#policy, this.#clock.now());
    if (existing && !stale) return { kind: "duplicate", request: existing };

    // Read before expiring: when VB365 fails nothing is recorded, and the expiry job (which
    // re-renders what it expires) still finds the stale request pending.
    const item = findAuditItem(await this.#vbo.listAuditItems(organization.id), principal);
    let ended: { expired?: Request } = {};
    if (existing && this.#expireIfStale(existing, this.#clock.now())) {
      ended = { expired: this.#store.requests.getOrThrow(existing.id) };
    }
    if (kind === "add" && item) return { kind: "already_audited", auditItem: item, ...ended };
    if (kind === "remove" && !item) return { kind: "not_audited", ...ended };

    const now = this.#clock.now();
    const reason = input.reason?.trim() ? input.reason.trim() : null;
    try {
      const request = this.#store.transaction(() => {
        const created = this.#store.requests.create({
          kind,
          organization,
          principal,
          requester: input.requester,
          reason,
          auditForMs: input.auditForMs ?? null,
          at: now,
        });
        this.#appendFor(created, "requested", input.requester, now, {
          reason,
          ...(input.auditForMs === undefined
            ? {}
            : { auditForMs: input.auditForMs, auditFor: formatDuration(input.auditForMs) }),
        });
        return created;
      });
      this.#logger.info("request submitted", { requestId: request.id, kind, requester: input.requester });
      return { kind: "created", request, ...ended };
    } catch (err) {
      // Someone else opened the same request while VB365 was being read: point to theirs.
      const raced = this.#store.requests.findOpen(organization.id, principal, kind);
      if (raced && isStoreError(err) && err.kind === "conflict") {
        return { kind: "duplicate", request: raced, ...ended };
      }
      throw err;
    }
  }

  /**
   * An actor approves, denies or cancels a request. The decision is taken and carried out inside
   * one immediate transaction on freshly read state, and the state change itself is conditional on
   * the request still being pending, so concurrent clicks cannot both win. When the request becomes
   * approved it is applied to VB365 at once unless `options.apply` is false (the retry routine
   * applies it later either way).
   */
  async act(
    requestId: number,
    actorSlackId: string,
    action: Action,
    options: { apply?: boolean } = {},
  ): Promise<ActResult> {
    if (this.#store.requests.get(requestId) === undefined) return { kind: "not_found", requestId };
    const isApprover = await this.#approvers.isApprover(actorSlackId);
    const now = this.#clock.now();
    const { requests, votes } = this.#store;

    const result = this.#store.transaction((): ActResult => {
      const request = requests.getOrThrow(requestId);
      const before = votes.list(requestId);
      const decision: Decision = decide(
        request,
        before,
        { userId: actorSlackId, isApprover },
        action,
        this.#policy,
        now,
      );
      const after = (): { request: Request; votes: Vote[] } => ({
        request: requests.getOrThrow(requestId),
        votes: votes.list(requestId),
      });
      const refused = (reason: RefusalReason): ActResult => ({ kind: "refused", reason, ...after() });

      switch (decision.kind) {
        case "refused":
          // Found past its time-to-live before the expiry job: expire it now, so every view agrees.
          if (decision.reason === "expired") this.#expireIfStale(request, now);
          return refused(decision.reason);
        case "vote_recorded": {
          if (!requests.touchPending(requestId, now)) return refused("already_decided");
          if (!votes.add(requestId, actorSlackId, now)) return refused("already_voted");
          this.#appendFor(request, "voted", actorSlackId, now, {
            approvers: decision.approvers,
            remaining: decision.remaining,
          });
          return { kind: "vote_recorded", remaining: decision.remaining, ...after() };
        }
        case "approved": {
          if (!requests.close(requestId, { to: "approved", by: actorSlackId }, now))
            return refused("already_decided");
          votes.add(requestId, actorSlackId, now);
          this.#appendFor(request, "voted", actorSlackId, now, {
            approvers: decision.approvers,
            remaining: 0,
          });
          this.#appendFor(request, "approved", actorSlackId, now, { approvers: decision.approvers });
          return { kind: "approved", apply: null, ...after() };
        }
        case "denied": {
          const closing = { to: "denied", by: actorSlackId, reason: decision.reason } as const;
          if (!requests.close(requestId, closing, now)) return refused("already_decided");
          this.#appendFor(request, "denied", actorSlackId, now, { reason: decision.reason });
          return { kind: "denied", ...after() };
        }
        case "cancelled": {
          if (!requests.close(requestId, { to: "cancelled", by: actorSlackId }, now)) {
            return refused("already_decided");
          }
          this.#appendFor(request, "cancelled", actorSlackId, now, {
            byRequester: actorSlackId === request.requester,
          });
          return { kind: "cancelled", ...after() };
        }
      }
    });

    this.#logger.info("request acted on", {
      requestId,
      actor: actorSlackId,
      action: action.kind,
      outcome: result.kind,
      ...(result.kind === "refused" ? { refusal: result.reason } : {}),
    });
    if (result.kind !== "approved" || options.apply === false) return result;
    const applied = await this.apply(requestId);
    return {
      ...result,
      apply: applied,
      ...(applied.kind === "not_found" ? {} : { request: applied.request }),
    };
  }

  /**
   * Applies an approved (or apply_failed) request to VB365, exactly once however many callers race:
   * a lease taken by a conditional UPDATE admits one applier. VB365's audit items are read first,
   * so a change that already happened (a crash after the POST, a console edit) counts as success.
   * A failure leaves the request apply_failed with a safe error and a next attempt time. A direct
   * call tries now, whatever the backoff says; `retryDue` respects it.
   */
  async apply(requestId: number): Promise<ApplyResult> {
    const { requests } = this.#store;
    const owner = randomUUID();
    const now = this.#clock.now();
    const claimed = this.#store.transaction(() => {
      if (!requests.claimApply(requestId, owner, now, new Date(now.getTime() + this.#retry.leaseMs))) {
        return undefined;
      }
      const request = requests.getOrThrow(requestId);
      this.#appendFor(request, "apply_attempted", SYSTEM_ACTOR, now, { attempt: request.applyAttempts });
      return request;
    });
    if (claimed === undefined) {
      const request = requests.get(requestId);
      if (request === undefined) return { kind: "not_found", requestId };
      const applicable = request.state === "approved" || request.state === "apply_failed";
      return applicable ? { kind: "busy", request } : { kind: "not_applicable", request };
    }

    const log = this.#logger.child({ requestId, kind: claimed.kind, attempt: claimed.applyAttempts });
    let how: "response" | "readback" | "already_done";
    // Real time, for the log: how long VB365 took over this attempt.
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      how = await this.#carryOut(claimed);
    } catch (err) {
      const at = this.#clock.now();
      const error = describeError(err);
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(claimed.applyAttempts, this.#retry));
      this.#store.transaction(() => {
        if (requests.markApplyFailed(requestId, owner, at, error, nextAttemptAt)) {
          this.#appendFor(claimed, "apply_failed", SYSTEM_ACTOR, at, {
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

    const at = this.#clock.now();
    const expiresAt = claimed.auditForMs === null ? null : new Date(at.getTime() + claimed.auditForMs);
    const recorded = this.#store.transaction(() => {
      if (!requests.markApplied(requestId, owner, at, expiresAt)) return false;
      this.#appendFor(claimed, "apply_succeeded", SYSTEM_ACTOR, at, {
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
   * what is due; the attempts themselves use the service's clock.
   */
  async retryDue(now: Date = this.#clock.now()): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const request of this.#store.requests.listDueForApply(now)) {
      results.push(await this.apply(request.id));
    }
    return results;
  }

  /** Moves pending requests past their time-to-live to expired (logged, actor "system"). */
  expireStale(now: Date = this.#clock.now()): Request[] {
    const cutoff = new Date(now.getTime() - this.#policy.requestTtlMs);
    const expired: Request[] = [];
    for (const request of this.#store.requests.listStalePending(cutoff)) {
      if (this.#expireIfStale(request, now)) expired.push(this.#store.requests.getOrThrow(request.id));
    }
    if (expired.length > 0)
      this.#logger.info("pending requests expired", { requestIds: expired.map((r) => r.id) });
    return expired;
  }

  /**
   * Ends time-bound audits whose expiry has passed: removes the audit item (no second approval; the
   * approval was for a limited time) and logs `audit_expired` with the reason, exactly once per
   * request. When a later request for the same principal was applied since, that one decides, and
   * VB365 is left alone.
   */
  async expireTimeBoundAudits(now: Date = this.#clock.now()): Promise<ExpiryResult[]> {
    const results: ExpiryResult[] = [];
    for (const due of this.#store.requests.listAuditExpiriesDue(now)) {
      results.push(await this.#expireAudit(due.id));
    }
    return results;
  }

  async #expireAudit(requestId: number): Promise<ExpiryResult> {
    const { requests } = this.#store;
    const owner = randomUUID();
    const now = this.#clock.now();
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
      this.#store.transaction(() => {
        if (requests.markAuditExpired(requestId, owner, now)) {
          this.#appendFor(request, "audit_expired", SYSTEM_ACTOR, now, {
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
      const item = findAuditItem(await this.#vbo.listAuditItems(request.organization.id), request.principal);
      alreadyGone = item === undefined;
      if (item) await this.#vbo.removeAuditItems(request.organization.id, [item.id]);
    } catch (err) {
      const at = this.#clock.now();
      const error = describeError(err);
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(request.expiryAttempts + 1, this.#retry));
      this.#store.transaction(() => {
        if (requests.markAuditExpiryFailed(requestId, owner, at, error, nextAttemptAt)) {
          this.#appendFor(request, "audit_expiry_failed", SYSTEM_ACTOR, at, {
            ...ended,
            error,
            nextAttemptAt: nextAttemptAt.toISOString(),
          });
        }
      });
      this.#logger.warn("removing an expired time-bound audit failed; will retry", { requestId, error: err });
      return { kind: "failed", request: requests.getOrThrow(requestId), error, nextAttemptAt };
    }

    const at = this.#clock.now();
    this.#store.transaction(() => {
      if (requests.markAuditExpired(requestId, owner, at)) {
        this.#appendFor(request, "audit_expired", SYSTEM_ACTOR, at, {
          ...ended,
          reason: `time-bound audit of ${ended.auditFor ?? "a limited time"} ended; no further approval needed`,
          alreadyGone,
        });
      }
    });
    this.#logger.info("time-bound audit ended", { requestId, alreadyGone });
    return { kind: "removed", request: requests.getOrThrow(requestId), alreadyGone };
  }

  /** Expires a pending request past its time-to-live (logged); false when it was not. */
  #expireIfStale(request: Request, now: Date): boolean {
    if (!isPastTtl(request, this.#policy, now)) return false;
    return this.#store.transaction(() => {
      if (!this.#store.requests.close(request.id, { to: "expired", by: SYSTEM_ACTOR }, now)) return false;
      this.#appendFor(request, "expired", SYSTEM_ACTOR, now, {
        ttl: formatDuration(this.#policy.requestTtlMs),
        createdAt: request.createdAt.toISOString(),
      });
      return true;
    });
  }

  /** Everything the Slack side needs to render one request. */
  view(requestId: number): RequestView | undefined {
    const request = this.#store.requests.get(requestId);
    if (request === undefined) return undefined;
    return {
      request,
      votes: this.#store.votes.list(requestId),
      messages: this.#store.messages.list(requestId),
      events: this.#store.log.forRequest(requestId),
    };
  }

  /** Remembers a Slack message that shows a request, so later changes re-render it. */
  recordMessage(requestId: number, channel: string, ts: string, purpose: string): void {
    this.#store.messages.add(requestId, channel, ts, purpose, this.#clock.now());
  }

  /** Adds, or removes, the audit item; "already there" / "already gone" counts as done. */
  async #carryOut(request: Request): Promise<"response" | "readback" | "already_done"> {
    const orgId = request.organization.id;
    const item = findAuditItem(await this.#vbo.listAuditItems(orgId), request.principal);
    if (request.kind === "add") {
      if (item) return "already_done";
      return this.#vbo.addAuditItems(orgId, [request.principal]);
    }
    if (!item) return "already_done";
    return this.#vbo.removeAuditItems(orgId, [item.id]);
  }

  #appendFor(
    request: Request,
    kind: LogEvent["kind"],
    actor: string,
    at: Date,
    detail: Record<string, unknown>,
  ): void {
    this.#store.log.append({
      kind,
      actor,
      at,
      requestId: request.id,
      organization: request.organization,
      principal: request.principal,
      detail: { requestKind: request.kind, ...detail },
    });
  }
}
