/**
 * The request flows a person starts from chat, one function each, with no Slack in them: ask for a
 * change (`add` / `remove`), pick among several matches, act on a request (approve, deny, cancel)
 * and check a denial before asking why. Each returns a discriminated union that the Slack side
 * renders; none throws for anything a person can cause or VB365 can do (VB365 failing is an
 * answer: "unreachable, nothing was lost").
 *
 * Flow of a change: organization → `<who>` through the resolver (a mention through the member's
 * profile e-mail) → exactly one principal → `RequestLifecycle.submit` → the approvers are told.
 * Several matches store a server-side choice and create nothing until the same person picks.
 * Acting records the decision (`RequestLifecycle.record`) and re-renders the request's views.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "../../clock.ts";
import type { Logger } from "../../logger.ts";
import { organizationOrProblem, type Problem, unavailable } from "../answers.ts";
import type { Candidate } from "../directory/answer.ts";
import type { MemberProfiles } from "../directory/ports.ts";
import type { Resolver } from "../directory/resolver.ts";
import { lookupOf } from "../directory/who.ts";
import { type Organizations, organizationRef } from "../organizations.ts";
import type { Routing } from "../routing.ts";
import type { OrganizationRef, PrincipalRef, Who } from "../vocabulary.ts";
import { decide } from "./decide.ts";
import type { ActResult, RequestLifecycle } from "./lifecycle.ts";
import type { ChoiceStore, PendingChoice, RequestNotifier } from "./ports.ts";
import { reasonWithoutRestOfName } from "./reason.ts";
import type { Action, Request, RequestKind } from "./types.ts";
import type { RequestViews } from "./views.ts";

export type ChangeOutcome =
  /** `announced`: false when posting to the approvals channel failed (the request exists; it is retried). */
  | { kind: "created"; request: Request; announced: boolean }
  | { kind: "duplicate"; request: Request }
  | { kind: "already_audited"; organization: OrganizationRef; principal: PrincipalRef }
  | { kind: "not_audited"; organization: OrganizationRef; principal: PrincipalRef }
  /** The requester has `max` open requests already (`open`): no request was made. */
  | { kind: "too_many_open"; open: Request[]; max: number }
  | { kind: "invalid"; problem: string }
  | { kind: "choose_candidate"; choice: PendingChoice }
  | { kind: "no_match"; organization: OrganizationRef; query: string; suggestions: Candidate[] }
  | { kind: "choice_gone"; reason: "not_found" | "expired" | "used" }
  | { kind: "choice_not_yours"; requester: string }
  | Problem;

export interface ChangeInput {
  kind: RequestKind;
  who: Who;
  /** Chat user id. */
  requester: string;
  org?: string | undefined;
  reason?: string | undefined;
  auditForMs?: number | undefined;
}

/** What `cancel <n>` can end as. */
export type CancelResult = Extract<ActResult, { kind: "not_found" | "refused" | "cancelled" }>;

export type DenyCheck =
  | { kind: "ok"; request: Request }
  | { kind: "not_found"; requestId: number }
  | Extract<ActResult, { kind: "refused" }>;

export interface RequestFlowsDeps {
  organizations: Organizations;
  resolver: Resolver;
  requests: RequestLifecycle;
  views: RequestViews;
  notifier: RequestNotifier;
  profiles: MemberProfiles;
  choices: ChoiceStore;
  routing: Routing;
  clock: Clock;
  logger: Logger;
  /** How long a choice among several matches stays pickable; default 15 minutes. */
  choiceTtlMs?: number | undefined;
}

export class RequestFlows {
  readonly #deps: RequestFlowsDeps;
  readonly #log: Logger;
  readonly #choiceTtlMs: number;

  constructor(deps: RequestFlowsDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "flows" });
    this.#choiceTtlMs = deps.choiceTtlMs ?? 15 * 60_000;
  }

  /** `add` / `remove`: find the principal, then open a request, or ask which of several is meant. */
  async requestChange(input: ChangeInput): Promise<ChangeOutcome> {
    try {
      const chosen = organizationOrProblem(await this.#deps.organizations.choose(input.org));
      if (!chosen.ok) return chosen.problem;
      const organization = organizationRef(chosen.organization);
      const who = await lookupOf(input.who, this.#deps.profiles, this.#log);
      if (!who.ok) return who.problem;

      const resolution = await this.#deps.resolver.resolve(organization.id, who.lookup);
      switch (resolution.kind) {
        case "one": {
          // An unquoted name is one word to the parser: the rest of it may have landed in the reason.
          const reason =
            input.who.kind === "text"
              ? reasonWithoutRestOfName(resolution.principal.displayName, input.who.value, input.reason)
              : input.reason;
          return await this.#submit({ ...input, reason }, organization, resolution.principal);
        }
        case "many":
          return { kind: "choose_candidate", choice: this.#saveChoice(input, organization, resolution) };
        case "none":
          return {
            kind: "no_match",
            organization,
            query: who.lookup.value,
            suggestions: resolution.suggestions,
          };
        case "unavailable":
          return {
            kind: "vbo_unavailable",
            error: resolution.error.describe(),
            suggestions: resolution.suggestions,
          };
      }
    } catch (err) {
      return unavailable(err);
    }
  }

  /** The requester picks candidate `index` of a pending choice. */
  async pick(input: { choiceId: string; index: number; actor: string }): Promise<ChangeOutcome> {
    const taken = this.#deps.choices.take(input.choiceId, input.actor, this.#deps.clock.now());
    switch (taken.kind) {
      case "not_found":
      case "expired":
      case "used":
        return { kind: "choice_gone", reason: taken.kind };
      case "not_yours":
        return { kind: "choice_not_yours", requester: taken.requester };
      case "taken":
        break;
    }
    const { choice } = taken;
    const candidate = choice.candidates[input.index];
    if (candidate === undefined) {
      this.#deps.choices.release(choice.id);
      return { kind: "choice_gone", reason: "not_found" };
    }
    const outcome = await this.#submit(
      {
        kind: choice.kind,
        requester: choice.requester,
        reason: choice.reason ?? undefined,
        auditForMs: choice.auditForMs ?? undefined,
      },
      choice.organization,
      candidate.principal,
    ).catch((err: unknown) => unavailable(err));
    // VB365 could not be asked: the person may pick again once it answers.
    if (outcome.kind === "vbo_unavailable") this.#deps.choices.release(choice.id);
    return outcome;
  }

  /**
   * Someone approves, denies or cancels (anyone may try: refusals are answers). The decision is
   * recorded; the request's messages are re-rendered in the background, so a modal can close at
   * once; a re-render that fails is queued for the jobs to retry.
   */
  async act(requestId: number, actor: string, action: Action): Promise<ActResult> {
    const result = await this.#deps.requests.record(requestId, actor, action);
    // An "expired" refusal means the request is expired now, maybe by this very click (record ends
    // a request it finds past its time-to-live): its views must say so. Re-rendering is idempotent.
    const changed = result.kind === "refused" ? result.reason === "expired" : result.kind !== "not_found";
    if (changed) this.#deps.views.inBackground(requestId);
    return result;
  }

  /**
   * `/vbo-audit cancel <n>`: the requester (their own) or an approver (any) ends a request that has
   * not reached VB365; its messages are re-rendered and the requester told when someone else did it.
   */
  async cancel(requestId: number, actor: string): Promise<CancelResult> {
    const result = await this.act(requestId, actor, { kind: "cancel" });
    if (result.kind === "not_found" || result.kind === "refused" || result.kind === "cancelled")
      return result;
    throw new Error(`a cancel ended as ${result.kind}`);
  }

  /** Whether `actor` may deny the request now, before a modal asks them why. Changes nothing. */
  async checkDeny(requestId: number, actor: string): Promise<DenyCheck> {
    const view = this.#deps.requests.view(requestId);
    if (view === undefined) return { kind: "not_found", requestId };
    const { policy, approvers } = this.#deps.routing.of(view.request.organization);
    const isApprover = await approvers.isApprover(actor);
    const decision = decide(
      view.request,
      view.votes,
      { userId: actor, isApprover },
      { kind: "deny", reason: "(asked in the modal)" },
      policy,
      this.#deps.clock.now(),
    );
    if (decision.kind === "refused") {
      return { kind: "refused", reason: decision.reason, request: view.request, votes: view.votes };
    }
    return { kind: "ok", request: view.request };
  }

  async #submit(
    input: Pick<ChangeInput, "kind" | "requester" | "reason" | "auditForMs">,
    organization: OrganizationRef,
    principal: PrincipalRef,
  ): Promise<ChangeOutcome> {
    const result = await this.#deps.requests.submit({
      kind: input.kind,
      organization,
      principal,
      requester: input.requester,
      reason: input.reason,
      auditForMs: input.auditForMs,
    });
    // The stale request this one replaces was expired on the way: its views must say so.
    if (result.expired) this.#deps.views.inBackground(result.expired.id);
    switch (result.kind) {
      case "created": {
        let announced = true;
        try {
          await this.#deps.notifier.requestCreated(result.request.id);
        } catch (err) {
          // The request stands; the next change of the request posts it.
          announced = false;
          this.#log.warn("could not post a request for approval; its next change posts it", {
            requestId: result.request.id,
            error: err,
          });
        }
        return { kind: "created", request: result.request, announced };
      }
      case "duplicate":
        return { kind: "duplicate", request: result.request };
      case "already_audited":
        return { kind: "already_audited", organization, principal };
      case "not_audited":
        return { kind: "not_audited", organization, principal };
      case "too_many_open":
        return { kind: "too_many_open", open: result.open, max: result.max };
      case "invalid":
        return { kind: "invalid", problem: result.problem };
    }
  }

  #saveChoice(
    input: ChangeInput,
    organization: OrganizationRef,
    resolution: { candidates: Candidate[]; total: number },
  ): PendingChoice {
    const now = this.#deps.clock.now();
    const choice: PendingChoice = {
      id: randomBytes(12).toString("base64url"),
      requester: input.requester,
      kind: input.kind,
      organization,
      candidates: resolution.candidates,
      total: resolution.total,
      reason: input.reason?.trim() ? input.reason.trim() : null,
      auditForMs: input.auditForMs ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.#choiceTtlMs),
    };
    // Expired choices are kept a day, so a late click hears "expired" rather than "not found".
    this.#deps.choices.purge(new Date(now.getTime() - 86_400_000));
    this.#deps.choices.save(choice);
    return choice;
  }
}
