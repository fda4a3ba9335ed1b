import type { RefusalReason } from "../../../core/requests/decide.ts";
import type { CancelResult, DenyCheck } from "../../../core/requests/flows.ts";
import type { ActResult } from "../../../core/requests/lifecycle.ts";
import type { Request } from "../../../core/requests/types.ts";
import { plural } from "../../../core/vocabulary.ts";
import { requestAskMrkdwn, slackDate } from "../format.ts";
import type { OutgoingMessage } from "../kit.ts";
import { literal } from "../text.ts";

import { simpleReply, stateWord } from "./common.ts";

const REFUSAL: Record<RefusalReason, (r: Request) => string> = {
  not_approver: () => "Only approvers can approve or deny requests; nothing changed.",
  own_request: (r) =>
    `You asked for request #${r.id} yourself: another approver has to approve it. Nothing changed.`,
  already_decided: (r) => `Request #${r.id} is already ${stateWord(r.state)}: nothing changed.`,
  already_voted: (r) => `Your approval of request #${r.id} is already counted.`,
  expired: (r) => `Request #${r.id} has expired: nothing changed. Ask again if it is still needed.`,
  reason_required: () => "A denial needs a reason.",
  not_requester: (r) => `Only <@${r.requester}> or an approver can cancel request #${r.id}. Nothing changed.`,
  own_account: (r) =>
    `Request #${r.id} is about your own Microsoft 365 account: another approver has to approve it. Nothing changed.`,
  being_applied: (r) =>
    `Request #${r.id} is being applied to VB365 (or its last attempt may have reached it), so it can no longer be cancelled. Nothing changed.`,
};

/** A refusal as mrkdwn: made of the bot's own words, ids and mentions only, so nothing to escape. */
export function refusalText(reason: RefusalReason, request: Request): string {
  return REFUSAL[reason](request);
}

/** What the clicker is told after Approve; undefined when the updated message says it all. */
export function decisionReply(result: ActResult): OutgoingMessage | undefined {
  switch (result.kind) {
    case "not_found":
      return simpleReply(`:grey_question: There is no request #${result.requestId}.`);
    case "refused":
      return simpleReply(`:no_entry_sign: ${refusalText(result.reason, result.request)}`);
    case "vote_recorded":
      return simpleReply(
        `:ballot_box_with_check: Your approval of request #${result.request.id} is counted; ${plural(result.remaining, "more approval")} needed.`,
      );
    case "approved":
      if (result.apply?.kind === "ended") {
        return simpleReply(
          `:x: Request #${result.request.id} is approved, but VB365 refused it for good: ` +
            `${literal(result.apply.error)}. It has ended; nothing was changed in VB365.`,
        );
      }
      if (result.apply?.kind === "not_in_log") {
        return simpleReply(
          `:rotating_light: Request #${result.request.id} was not applied: the approval log does not hold its approval. ` +
            "Nothing was changed in VB365; an administrator should run `npm run verify-log`.",
        );
      }
      if (result.apply?.kind === "failed") {
        return simpleReply(
          `:warning: Request #${result.request.id} is approved, but applying it to VB365 failed: ` +
            `${literal(result.apply.error)}. ` +
            `The bot retries at ${slackDate(result.apply.nextAttemptAt)}; nothing is lost.`,
        );
      }
      return undefined;
    case "denied":
    case "cancelled":
      return undefined;
  }
}

/** What `/vbo-audit cancel <n>` answers the person who typed it. */
export function cancelReply(result: CancelResult, actor: string): OutgoingMessage {
  switch (result.kind) {
    case "not_found":
      return simpleReply(
        `:grey_question: There is no request #${result.requestId}: the number is the \`#n\` in a request's message.`,
      );
    case "refused":
      return simpleReply(`:no_entry_sign: ${refusalText(result.reason, result.request)}`);
    case "cancelled": {
      const r = result.request;
      const told = r.requester === actor ? "" : ` <@${r.requester}> is told by direct message.`;
      return simpleReply(
        `:no_entry_sign: Request *#${r.id}* to ${requestAskMrkdwn(r)} is cancelled, and its message says so. ` +
          `Nothing was changed in VB365.${told}`,
      );
    }
  }
}

export function denyCheckReply(check: Exclude<DenyCheck, { kind: "ok" }>): OutgoingMessage {
  return check.kind === "not_found"
    ? simpleReply(`:grey_question: There is no request #${check.requestId}.`)
    : simpleReply(`:no_entry_sign: ${refusalText(check.reason, check.request)}`);
}
