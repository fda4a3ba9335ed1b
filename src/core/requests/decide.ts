/**
 * The approval policy as one pure function: given a request, its votes, who is acting, what they ask
 * and when, say what should happen. It reads nothing and changes nothing; `RequestLifecycle.record`
 * carries the outcome out (one conditional UPDATE plus its log rows, in one transaction).
 */

import type { Actor } from "../vocabulary.ts";
import { type Action, OPEN_STATES, type Policy, type Request, type Vote } from "./types.ts";

export type RefusalReason =
  /** Only approvers may approve or deny. */
  | "not_approver"
  /** The requester may not approve their own request (unless the policy allows self-approval). */
  | "own_request"
  /** The request is no longer pending (approved, applied, denied, cancelled). */
  | "already_decided"
  /** The actor's approval is already counted. */
  | "already_voted"
  /** The request expired (its time-to-live passed while pending, or it was expired already). */
  | "expired"
  /** A denial needs a reason. */
  | "reason_required"
  /** Only the requester or an approver may cancel. */
  | "not_requester"
  /** The request is about the approver's own Microsoft 365 account. */
  | "own_account"
  /** A write to VB365 for it is under way (or its outcome not known yet): too late to cancel. */
  | "being_applied";

/** Why an earlier approval no longer counts. */
export type DiscountReason = "not_approver" | "own_account";

/** What is known about the people involved beyond the actor's role, read before deciding. */
export interface Standing {
  /** The request is about the actor's own Microsoft 365 account (their profile e-mail is its UPN). */
  actorIsSubject?: boolean;
  /** Earlier approvers whose approval no longer counts, and why. */
  discounted?: ReadonlyMap<string, DiscountReason>;
}

export type Decision =
  /** This approval completes the quorum: the request becomes approved. `discounted`: earlier votes that no longer count. */
  | { kind: "approved"; approvers: string[]; discounted: Discounted[] }
  /** This approval is counted; `remaining` more distinct approvers are needed. */
  | { kind: "vote_recorded"; remaining: number; approvers: string[]; discounted: Discounted[] }
  | { kind: "denied"; reason: string }
  | { kind: "cancelled" }
  | { kind: "refused"; reason: RefusalReason };

export interface Discounted {
  approver: string;
  reason: DiscountReason;
}

/** When a pending request stops being decidable. */
export function pendingDeadline(
  request: Pick<Request, "createdAt">,
  policy: Pick<Policy, "requestTtlMs">,
): Date {
  return new Date(request.createdAt.getTime() + policy.requestTtlMs);
}

export function isPastTtl(
  request: Pick<Request, "createdAt">,
  policy: Pick<Policy, "requestTtlMs">,
  now: Date,
): boolean {
  return now.getTime() >= pendingDeadline(request, policy).getTime();
}

/**
 * Order of the checks, so that every refusal names the first thing the actor could not change:
 * permission (approve/deny need an approver; cancel needs the requester or an approver), then the
 * request's state (decided, expired), then the actor's own standing (own request, own account,
 * already voted), then the action's input (a denial's reason). Self-approval limits approving only:
 * a requester who is an approver may still deny or cancel their own request, which only stops it.
 * A cancel also stops a request approved but not applied yet; nothing else acts on one.
 *
 * Votes are counted as they stand now: an earlier approver who has left the approvers, or whom the
 * request turns out to be about, is `discounted` (the caller takes the vote back).
 */
export function decide(
  request: Pick<Request, "state" | "requester" | "createdAt">,
  votes: readonly Pick<Vote, "approver">[],
  actor: Actor,
  action: Action,
  policy: Policy,
  now: Date,
  standing: Standing = {},
): Decision {
  const isRequester = actor.userId === request.requester;
  const refuse = (reason: RefusalReason): Decision => ({ kind: "refused", reason });

  if (action.kind === "cancel") {
    if (!isRequester && !actor.isApprover) return refuse("not_requester");
    if (request.state === "expired") return refuse("expired");
    if (!(OPEN_STATES as readonly string[]).includes(request.state)) return refuse("already_decided");
    if (request.state === "pending" && isPastTtl(request, policy, now)) return refuse("expired");
    return { kind: "cancelled" };
  }
  if (!actor.isApprover) return refuse("not_approver");

  if (request.state === "expired") return refuse("expired");
  if (request.state !== "pending") return refuse("already_decided");
  if (isPastTtl(request, policy, now)) return refuse("expired");

  switch (action.kind) {
    case "deny": {
      const reason = action.reason.trim();
      if (reason === "") return refuse("reason_required");
      return { kind: "denied", reason };
    }
    case "approve": {
      if (isRequester && !policy.allowSelfApproval) return refuse("own_request");
      if (standing.actorIsSubject) return refuse("own_account");
      const voters = [...new Set(votes.map((v) => v.approver))];
      if (voters.includes(actor.userId)) return refuse("already_voted");
      const discounted: Discounted[] = [];
      const approvers: string[] = [];
      for (const voter of voters) {
        const reason = standing.discounted?.get(voter);
        if (reason === undefined) approvers.push(voter);
        else discounted.push({ approver: voter, reason });
      }
      approvers.push(actor.userId);
      const remaining = Math.max(1, policy.requiredApprovals) - approvers.length;
      return remaining <= 0
        ? { kind: "approved", approvers, discounted }
        : { kind: "vote_recorded", remaining, approvers, discounted };
    }
  }
}

/** Policy from the `approvals` section of the configuration. */
export function policyFromConfig(approvals: {
  requiredApprovals: number;
  allowSelfApproval: boolean;
  requestTtlHours: number;
}): Policy {
  return {
    requiredApprovals: approvals.requiredApprovals,
    allowSelfApproval: approvals.allowSelfApproval,
    requestTtlMs: Math.round(approvals.requestTtlHours * 3_600_000),
  };
}
