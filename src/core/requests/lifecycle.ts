/**
 * The request lifecycle: a request is submitted, decided (approved by enough approvers, denied,
 * cancelled) or expires. The store is the source of truth and every change is a compare-and-swap on
 * the stored state plus its log rows, in one transaction. VB365 is changed only after an approval
 * is recorded, by the applier (applier.ts); the decision itself is `decide()` (decide.ts), pure.
 *
 * Methods answer business refusals with data (never by throwing) and return the updated request,
 * so the Slack side can render the result. They throw only for real faults: the store failing, the
 * approvers not answering, or VB365 failing where there is nothing to retry (`submit`).
 */
import type { Clock } from "../../clock.ts";
import { isStoreError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { VboApi } from "../../vbo/api.ts";
import { addressOf, findAuditItem } from "../../vbo/principals.ts";
import type { AuditItem } from "../../vbo/schemas.ts";
import type { MemberProfiles } from "../directory/ports.ts";
import type { Routing } from "../routing.ts";
import { type LogEvent, type OrganizationRef, type PrincipalRef, SYSTEM_ACTOR } from "../vocabulary.ts";
import type { Applier } from "./applier.ts";
import type { ApplyResult } from "./attempts.ts";
import {
  type Decision,
  type Discounted,
  type DiscountReason,
  decide,
  isPastTtl,
  type RefusalReason,
  type Standing,
} from "./decide.ts";
import { AUDIT_FOR, auditForProblem, formatDuration } from "./duration.ts";
import { type RequestEventWriter, requestEvents } from "./events.ts";
import type { Approvers, RequestMessage, RequestStore } from "./ports.ts";
import { type Action, APPLICABLE_STATES, type Request, type RequestKind, type Vote } from "./types.ts";

export interface LifecycleDeps {
  store: RequestStore;
  /** VB365, or each organization's own server's. */
  vbo: VboApi | ((organization: OrganizationRef) => VboApi);
  /** Each request's policy and approvers, by its organization. */
  routing: Routing;
  /** Applies a request the moment it is approved. */
  applier: Applier;
  /** Members' profile e-mails: an approver cannot approve a change to their own account. */
  profiles: MemberProfiles;
  clock: Clock;
  logger: Logger;
  /** Open requests one person may have at once; default 5. */
  maxOpenPerRequester?: number | undefined;
}

export interface SubmitInput {
  kind: RequestKind;
  organization: OrganizationRef;
  principal: PrincipalRef;
  /** Chat user id. */
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
  /** The requester has as many open requests as one person may: these. No request was created. */
  | { kind: "too_many_open"; open: Request[]; max: number }
  | { kind: "invalid"; problem: string }
) & {
  /**
   * The pending request for the same principal and kind that this submit found past its
   * time-to-live and expired, whatever else happened: its chat views must be re-rendered.
   */
  expired?: Request;
};

export type ActResult =
  | { kind: "not_found"; requestId: number }
  | { kind: "refused"; reason: RefusalReason; request: Request; votes: Vote[] }
  | { kind: "vote_recorded"; remaining: number; request: Request; votes: Vote[] }
  /** `apply`: the outcome of applying at once, or null when asked not to apply now. */
  | { kind: "approved"; request: Request; votes: Vote[]; apply: ApplyResult | null }
  | { kind: "denied"; request: Request; votes: Vote[] }
  | { kind: "cancelled"; request: Request; votes: Vote[] };

export interface RequestView {
  request: Request;
  votes: Vote[];
  messages: RequestMessage[];
  events: LogEvent[];
}

export class RequestLifecycle {
  readonly #deps: LifecycleDeps;
  readonly #log: RequestEventWriter;

  readonly #vboOf: (organization: OrganizationRef) => VboApi;

  constructor(deps: LifecycleDeps) {
    this.#deps = { ...deps, logger: deps.logger.child({ component: "requests" }) };
    const { vbo } = deps;
    this.#vboOf = typeof vbo === "function" ? vbo : () => vbo;
    this.#log = requestEvents(deps.store.log);
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
    const existing = this.#deps.store.requests.findOpen(organization.id, principal, kind);
    // A pending request past its time-to-live no longer stands in the way: it is ended below rather
    // than the requester pointed at something nobody can approve.
    const stale =
      existing?.state === "pending" &&
      isPastTtl(existing, this.#deps.routing.of(organization).policy, this.#deps.clock.now());
    if (existing && !stale) return { kind: "duplicate", request: existing };
    const crowded = this.#overCap(input.requester);
    if (crowded) return crowded;

    // Read before expiring: when VB365 fails nothing is recorded, and the expiry job (which
    // re-renders what it expires) still finds the stale request pending.
    const item = findAuditItem(await this.#vboOf(organization).listAuditItems(organization.id), principal);
    let ended: { expired?: Request } = {};
    if (existing && this.#expireIfStale(existing, this.#deps.clock.now())) {
      ended = { expired: this.#deps.store.requests.getOrThrow(existing.id) };
    }
    if ((kind === "add" && item) || (kind === "remove" && !item)) {
      // The answer tells the asker whether the principal is audited: logged, so probing shows.
      this.#deps.store.log.append({
        kind: "audit_state_answered",
        actor: input.requester,
        at: this.#deps.clock.now(),
        organization,
        principal,
        detail: { requestKind: kind, audited: item !== undefined },
      });
      return item
        ? { kind: "already_audited", auditItem: item, ...ended }
        : { kind: "not_audited", ...ended };
    }

    const now = this.#deps.clock.now();
    const reason = input.reason?.trim() ? input.reason.trim() : null;
    try {
      const made = this.#deps.store.transaction(() => {
        // Checked again where it counts: two requests racing cannot both slip under the cap.
        const over = this.#overCap(input.requester);
        if (over) return { refused: over };
        const created = this.#deps.store.requests.create({
          kind,
          organization,
          principal,
          requester: input.requester,
          reason,
          auditForMs: input.auditForMs ?? null,
          at: now,
        });
        this.#log(created, "requested", input.requester, now, {
          reason,
          ...(input.auditForMs === undefined
            ? {}
            : { auditForMs: input.auditForMs, auditFor: formatDuration(input.auditForMs) }),
        });
        return { created };
      });
      if ("refused" in made) return { ...made.refused, ...ended };
      const request = made.created;
      this.#deps.logger.info("request submitted", {
        requestId: request.id,
        kind,
        requester: input.requester,
      });
      return { kind: "created", request, ...ended };
    } catch (err) {
      // Someone else opened the same request while VB365 was being read: point to theirs.
      const raced = this.#deps.store.requests.findOpen(organization.id, principal, kind);
      if (raced && isStoreError(err) && err.kind === "conflict") {
        return { kind: "duplicate", request: raced, ...ended };
      }
      throw err;
    }
  }

  /**
   * Records what an actor does to a request: approve, deny or cancel. The decision (`decide()`) is
   * taken and carried out inside one immediate transaction on freshly read state, and the state
   * change itself is conditional on the request still being pending, so concurrent clicks cannot
   * both win. When the request becomes approved it is applied to VB365 at once unless
   * `options.apply` is false (the retry job applies it later either way).
   */
  async record(
    requestId: number,
    actorId: string,
    action: Action,
    options: { apply?: boolean } = {},
  ): Promise<ActResult> {
    const found = this.#deps.store.requests.get(requestId);
    if (found === undefined) return { kind: "not_found", requestId };
    const { policy, approvers } = this.#deps.routing.of(found.organization);
    const isApprover = await approvers.isApprover(actorId);
    // Read outside the transaction (it asks Slack): a vote cast meanwhile was checked when it was cast.
    const standing =
      action.kind === "approve" && isApprover ? await this.#standing(found, actorId, approvers) : {};
    const now = this.#deps.clock.now();
    const { requests, votes } = this.#deps.store;

    const result = this.#deps.store.transaction((): ActResult => {
      const request = requests.getOrThrow(requestId);
      const before = votes.list(requestId);
      const decision: Decision = decide(
        request,
        before,
        { userId: actorId, isApprover },
        action,
        policy,
        now,
        standing,
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
          this.#discount(request, decision.discounted, now);
          if (!votes.add(requestId, actorId, now)) return refused("already_voted");
          this.#log(request, "voted", actorId, now, {
            approvers: decision.approvers,
            remaining: decision.remaining,
          });
          return { kind: "vote_recorded", remaining: decision.remaining, ...after() };
        }
        case "approved": {
          if (!requests.close(requestId, { to: "approved", by: actorId }, now))
            return refused("already_decided");
          this.#discount(request, decision.discounted, now);
          votes.add(requestId, actorId, now);
          this.#log(request, "voted", actorId, now, {
            approvers: decision.approvers,
            remaining: 0,
          });
          this.#log(request, "approved", actorId, now, { approvers: decision.approvers });
          return { kind: "approved", apply: null, ...after() };
        }
        case "denied": {
          const closing = { to: "denied", by: actorId, reason: decision.reason } as const;
          if (!requests.close(requestId, closing, now)) return refused("already_decided");
          this.#log(request, "denied", actorId, now, { reason: decision.reason });
          return { kind: "denied", ...after() };
        }
        case "cancelled": {
          if (!requests.cancel(requestId, actorId, now)) {
            // Still approved but not cancellable: a write to VB365 is under way or unsettled.
            const applying = (APPLICABLE_STATES as readonly string[]).includes(request.state);
            return refused(applying && request.writeStartedAt !== null ? "being_applied" : "already_decided");
          }
          this.#log(request, "cancelled", actorId, now, {
            byRequester: actorId === request.requester,
            was: request.state,
          });
          return { kind: "cancelled", ...after() };
        }
      }
    });

    this.#deps.logger.info("request acted on", {
      requestId,
      actor: actorId,
      action: action.kind,
      outcome: result.kind,
      ...(result.kind === "refused" ? { refusal: result.reason } : {}),
    });
    if (result.kind !== "approved" || options.apply === false) return result;
    const applied = await this.#deps.applier.apply(requestId);
    return {
      ...result,
      apply: applied,
      ...(applied.kind === "not_found" ? {} : { request: applied.request }),
    };
  }

  /** Moves pending requests past their time-to-live to expired (logged, actor "system"). */
  expireStale(now: Date = this.#deps.clock.now()): Request[] {
    // Every request past the shortest time-to-live of any route; each is then held to its own.
    const shortest = Math.min(...this.#deps.routing.all().map((r) => r.policy.requestTtlMs));
    const cutoff = new Date(now.getTime() - shortest);
    const expired: Request[] = [];
    for (const request of this.#deps.store.requests.listStalePending(cutoff)) {
      if (this.#expireIfStale(request, now)) expired.push(this.#deps.store.requests.getOrThrow(request.id));
    }
    if (expired.length > 0)
      this.#deps.logger.info("pending requests expired", { requestIds: expired.map((r) => r.id) });
    return expired;
  }

  /** Everything a view of one request shows. */
  view(requestId: number): RequestView | undefined {
    const request = this.#deps.store.requests.get(requestId);
    if (request === undefined) return undefined;
    return {
      request,
      votes: this.#deps.store.votes.list(requestId),
      messages: this.#deps.store.messages.list(requestId),
      events: this.#deps.store.log.forRequest(requestId),
    };
  }

  /**
   * Whether the request is about the actor's own account, and which earlier approvals no longer
   * count: their approver has left the approvers, or it is about their own account. A user's
   * account is matched through the member's profile e-mail (its UPN); a profile that cannot be
   * read fails the click rather than letting it count unchecked.
   */
  async #standing(request: Request, actorId: string, approvers: Approvers): Promise<Standing> {
    const subject = request.principal.type === "User" ? addressOf(request.principal) : undefined;
    const isSubject = async (userId: string) =>
      subject !== undefined && (await this.#deps.profiles.emailOf(userId))?.trim().toLowerCase() === subject;
    const discounted = new Map<string, DiscountReason>();
    const voters = new Set(this.#deps.store.votes.list(request.id).map((v) => v.approver));
    voters.delete(actorId);
    for (const voter of voters) {
      if (!(await approvers.isApprover(voter))) discounted.set(voter, "not_approver");
      else if (await isSubject(voter)) discounted.set(voter, "own_account");
    }
    return { actorIsSubject: await isSubject(actorId), discounted };
  }

  /** Takes back approvals that no longer count, each logged with why (inside the caller's transaction). */
  #discount(request: Request, discounted: readonly Discounted[], now: Date): void {
    for (const { approver, reason } of discounted) {
      if (!this.#deps.store.votes.remove(request.id, approver)) continue;
      this.#log(request, "vote_discounted", SYSTEM_ACTOR, now, {
        approver,
        reason:
          reason === "not_approver" ? "no longer an approver" : "the request is about their own account",
      });
    }
  }

  /** The refusal when `requester` has as many open requests as one person may; else undefined. */
  #overCap(requester: string): Extract<SubmitResult, { kind: "too_many_open" }> | undefined {
    const max = this.#deps.maxOpenPerRequester ?? 5;
    const open = this.#deps.store.requests.listOpen().filter((r) => r.requester === requester);
    return open.length >= max ? { kind: "too_many_open", open, max } : undefined;
  }

  /** Expires a pending request past its time-to-live (logged); false when it was not. */
  #expireIfStale(request: Request, now: Date): boolean {
    const { policy } = this.#deps.routing.of(request.organization);
    if (!isPastTtl(request, policy, now)) return false;
    return this.#deps.store.transaction(() => {
      if (!this.#deps.store.requests.close(request.id, { to: "expired", by: SYSTEM_ACTOR }, now))
        return false;
      this.#log(request, "expired", SYSTEM_ACTOR, now, {
        ttl: formatDuration(policy.requestTtlMs),
        createdAt: request.createdAt.toISOString(),
      });
      return true;
    });
  }
}
