/**
 * A request as Slack shows it: the approval message in the channel (and its reminders, and its card
 * on the Home tab), and the direct message that tells the requester the outcome. Pure functions of
 * the stored request and its votes: every render starts from the store, never from an old message.
 */
import type { AnyBlock } from "@slack/types";
import { pendingDeadline } from "../../core/requests/decide.ts";
import { formatDuration } from "../../core/requests/duration.ts";
import type { Policy, Request, Vote } from "../../core/requests/types.ts";

/** What a request's card shows of its route's policy. */
export type CardPolicy = Pick<Policy, "requiredApprovals" | "requestTtlMs">;

/** The policy that governs a request: its route's (core/routing.ts). */
export type PolicyOf = (request: Pick<Request, "organization">) => CardPolicy;

import { plural } from "../../core/vocabulary.ts";
import {
  mentionList,
  plainDate,
  plainFallback,
  principalLabel,
  principalMrkdwn,
  requestAskMrkdwn,
  requestTitlePlain,
  slackDate,
  verb,
} from "./format.ts";
import { ACTION } from "./ids.ts";
import { actions, button, context, header, type OutgoingMessage, section } from "./kit.ts";
import { literal, oneLine, quoted } from "./text.ts";

export interface RequestCardInput {
  request: Request;
  votes: readonly Vote[];
  /** The policy of the request's route: how many approvals it needs, and when it expires. */
  policy: CardPolicy;
  /** Approvers nudged by a reminder: mentioned above the card. */
  remind?: readonly string[];
}

/** The approval message (and a reminder, with `remind`): header, details, state, and buttons while pending. */
export function renderRequestMessage(input: RequestCardInput): OutgoingMessage {
  const blocks: AnyBlock[] = [];
  if (input.remind && input.remind.length > 0) {
    blocks.push(
      section(`:bell: ${mentionList(input.remind)}: this request is still waiting for your decision.`),
    );
  }
  blocks.push(
    header(`#${input.request.id} · ${verb(input.request.kind)} ${principalLabel(input.request.principal)}`),
  );
  blocks.push(...requestCardBlocks(input));
  return { text: plainFallback(`${requestTitlePlain(input.request)}: ${stateLinePlain(input)}`), blocks };
}

/** The details, state and (while pending) buttons of a request, without a header: also a Home tab card. */
export function requestCardBlocks(input: RequestCardInput): AnyBlock[] {
  const { request } = input;
  const details = [
    `*Requested by*\n<@${request.requester}>`,
    `*Who*\n${principalMrkdwn(request.principal)}`,
    `*Organization*\n${literal(request.organization.name)}`,
    // The requester's words: a quotation, never formatting (text.ts).
    `*Reason*\n${request.reason ? quoted(request.reason) : "_none given_"}`,
  ];
  if (request.auditForMs !== null) details.push(`*Audit for*\n${formatDuration(request.auditForMs)}`);
  details.push(`*Requested*\n${slackDate(request.createdAt)}`);
  const blocks: AnyBlock[] = [
    section(`*${verb(request.kind)}* ${principalMrkdwn(request.principal)}`, { fields: details }),
    section(stateLine(input)),
  ];
  const progress = progressLine(input);
  if (progress) blocks.push(context([progress]));
  if (request.state === "pending") {
    blocks.push(
      actions(
        [
          button({ text: "Approve", actionId: ACTION.approve, value: String(request.id), style: "primary" }),
          button({ text: "Deny", actionId: ACTION.deny, value: String(request.id), style: "danger" }),
        ],
        { blockId: `request_${request.id}_actions` },
      ),
    );
  }
  return blocks;
}

function approversOf(votes: readonly Vote[]): string[] {
  return [...new Set(votes.map((v) => v.approver))];
}

/** "1 of 2 approvals: @boss" while pending; nothing once decided (the state line says who). */
function progressLine(input: RequestCardInput): string | undefined {
  if (input.request.state !== "pending") return undefined;
  const approvers = approversOf(input.votes);
  const required = Math.max(1, input.policy.requiredApprovals);
  const deadline = pendingDeadline(input.request, input.policy);
  const who = approvers.length > 0 ? `: ${mentionList(approvers)}` : "";
  return `${approvers.length} of ${plural(required, "approval")}${who} · expires ${slackDate(deadline)}`;
}

/** The request's state in one mrkdwn line: outcome, who, when. */
export function stateLine(input: Pick<RequestCardInput, "request" | "votes" | "policy">): string {
  const { request } = input;
  const approvers = approversOf(input.votes);
  const approvedBy = approvers.length > 0 ? mentionList(approvers) : decider(request);
  const when = request.decidedAt ? ` ${slackDate(request.decidedAt)}` : "";
  switch (request.state) {
    case "pending":
      return ":hourglass_flowing_sand: *Waiting for approval*";
    case "approved":
      return `:white_check_mark: *Approved* by ${approvedBy}${when}; applying to VB365…`;
    case "applied":
      return `:white_check_mark: *Approved* by ${approvedBy}${when}. ${appliedLine(request)}`;
    case "apply_failed": {
      const retry = request.nextAttemptAt ? ` Retrying at ${slackDate(request.nextAttemptAt)}.` : "";
      const error = request.lastError ? `: ${literal(request.lastError)}` : "";
      return `:warning: *Approved* by ${approvedBy}${when}, but applying to VB365 failed${error}.${retry} (attempts so far: ${request.applyAttempts})`;
    }
    case "denied": {
      const reason = request.denyReason ? `: ${quoted(request.denyReason)}` : "";
      return `:no_entry: *Denied* by ${decider(request)}${when}${reason}`;
    }
    case "expired":
      return `:hourglass: *Expired*${when} with ${approvers.length} of ${plural(Math.max(1, input.policy.requiredApprovals), "approval")}.`;
    case "cancelled":
      return `:no_entry_sign: *Cancelled* by ${decider(request)}${when}. Nothing was changed in VB365.`;
    case "failed": {
      const error = request.lastError ? `: ${literal(request.lastError)}` : "";
      return `:x: *Failed*: approved by ${approvedBy}${when}, but VB365 refused the change${error}. The request has ended after ${plural(request.applyAttempts, "attempt")}; nothing was changed in VB365, and a new request for them may be made.`;
    }
  }
}

function appliedLine(request: Request): string {
  const at = request.appliedAt ? ` ${slackDate(request.appliedAt)}` : "";
  if (request.kind === "add" && request.auditItemCreated === false) {
    const limit =
      request.auditForMs === null
        ? ""
        : "; the time limit does not apply (the bot removes only what it added)";
    return `VB365 already audited them${at}, so nothing was added${limit}.`;
  }
  const done = request.kind === "add" ? "Audit item added in VB365" : "Audit item removed from VB365";
  if (request.auditExpiredAt) {
    // Not "removed": an item replaced or removed outside the bot in the meantime is left alone.
    return `${done}${at}; the time-bound audit ended ${slackDate(request.auditExpiredAt)}.`;
  }
  if (request.auditExpiresAt) return `${done}${at}; the audit ends ${slackDate(request.auditExpiresAt)}.`;
  return `${done}${at}.`;
}

function decider(request: Request): string {
  if (request.decidedBy === null || request.decidedBy === "system") return "the bot";
  return `<@${request.decidedBy}>`;
}

/** The state line as plain text, for the `text` fallback. */
function stateLinePlain(input: RequestCardInput): string {
  const { request } = input;
  const approvers = approversOf(input.votes);
  const required = Math.max(1, input.policy.requiredApprovals);
  switch (request.state) {
    case "pending":
      return `waiting for approval (${approvers.length} of ${plural(required, "approval")})`;
    case "approved":
      return "approved, applying to VB365";
    case "applied":
      if (request.kind === "add" && request.auditItemCreated === false) {
        return `approved; VB365 already audited them${request.auditForMs === null ? "" : ", so the time limit does not apply"}`;
      }
      return request.auditExpiredAt
        ? "applied; the time-bound audit has ended"
        : "approved and applied to VB365";
    case "apply_failed":
      return `approved, applying to VB365 failed${request.nextAttemptAt ? `; retrying at ${plainDate(request.nextAttemptAt)}` : ""}`;
    case "denied":
      return `denied${request.denyReason ? `: “${oneLine(request.denyReason)}”` : ""}`;
    case "expired":
      return "expired without enough approvals";
    case "cancelled":
      return "cancelled";
    case "failed":
      return `failed: VB365 refused it${request.lastError ? ` (${request.lastError})` : ""}; the request has ended`;
  }
}

/** What the requester is told by direct message, per outcome. */
export type Outcome =
  | "approved"
  | "applied"
  | "apply_failed"
  | "denied"
  | "expired"
  | "cancelled"
  | "failed"
  | "audit_ended";

/** The outcome a request has reached that its requester should hear of; undefined while pending. */
export function outcomeOf(request: Pick<Request, "state" | "auditExpiredAt">): Outcome | undefined {
  switch (request.state) {
    case "pending":
      return undefined;
    case "applied":
      return request.auditExpiredAt ? "audit_ended" : "applied";
    default:
      return request.state;
  }
}

/** The direct message telling the requester what became of their request. */
export function renderOutcomeMessage(
  input: Omit<RequestCardInput, "remind">,
  outcome: Outcome,
): OutgoingMessage {
  const { request } = input;
  const what = `your request *#${request.id}* to ${requestAskMrkdwn(request)}`;
  const headline: Record<Outcome, string> = {
    approved: `:white_check_mark: ${capitalize(what)} was approved; the bot is applying it to VB365.`,
    applied: `:white_check_mark: ${capitalize(what)} was approved and applied to VB365.`,
    apply_failed: `:warning: ${capitalize(what)} was approved, but applying it to VB365 failed. The bot keeps retrying; nothing is lost.`,
    denied: `:no_entry: ${capitalize(what)} was denied.`,
    expired: `:hourglass: ${capitalize(what)} expired before enough approvers approved it.`,
    cancelled: `:no_entry_sign: ${capitalize(what)} was cancelled by ${decider(request)}; nothing was changed in VB365.`,
    failed: `:x: ${capitalize(what)} was approved, but VB365 refused it for good, so it has ended. Nothing was changed in VB365; you may ask again.`,
    audit_ended: `:hourglass: The time-bound audit from ${what} has ended.`,
  };
  const plainHeadline: Record<Outcome, string> = {
    approved: "was approved",
    applied: "was approved and applied to VB365",
    apply_failed: "was approved, but applying it to VB365 failed; the bot keeps retrying",
    denied: `was denied${request.denyReason ? `: “${oneLine(request.denyReason)}”` : ""}`,
    expired: "expired",
    cancelled: "was cancelled; nothing was changed in VB365",
    failed: "failed: VB365 refused it, so it has ended; you may ask again",
    audit_ended: "ended: its time-bound audit is over",
  };
  return {
    text: plainFallback(`${requestTitlePlain(request)} ${plainHeadline[outcome]}.`),
    blocks: [section(headline[outcome]), section(stateLine(input))],
  };
}

/** The thread reply that tells a failed request's approvers what became of their approval. */
export function renderFailureNotice(
  input: Omit<RequestCardInput, "remind">,
  approvers: readonly string[],
): OutgoingMessage {
  const { request } = input;
  const who = approvers.length > 0 ? `${mentionList(approvers)}: ` : "";
  const error = request.lastError ? `: ${literal(request.lastError)}` : "";
  return {
    text: plainFallback(`${requestTitlePlain(request)} failed: VB365 refused it, so the request has ended.`),
    blocks: [
      section(
        `:x: ${who}request *#${request.id}* that you approved did not reach VB365; it refused the change${error}. ` +
          "The request has ended and nothing was changed in VB365. The requester has been told.",
      ),
    ],
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
