import type { RefusalReason } from "../../../core/requests/decide.ts";
import type { DenyCheck } from "../../../core/requests/flows.ts";
import type { ActResult } from "../../../core/requests/lifecycle.ts";
import type { Request } from "../../../core/requests/types.ts";
import { plural } from "../../../core/vocabulary.ts";
import { slackDate } from "../format.ts";
import { escapeMrkdwn, type OutgoingMessage } from "../kit.ts";

import { simpleReply, stateWord } from "./common.ts";

const REFUSAL: Record<RefusalReason, (r: Request) => string> = {
  not_approver: () => "Only approvers can approve or deny requests; nothing changed.",
  own_request: (r) =>
    `You asked for request #${r.id} yourself: another approver has to approve it. Nothing changed.`,
  already_decided: (r) => `Request #${r.id} is already ${stateWord(r.state)}: nothing changed.`,
  already_voted: (r) => `Your approval of request #${r.id} is already counted.`,
  expired: (r) => `Request #${r.id} has expired: nothing changed. Ask again if it is still needed.`,
  reason_required: () => "A denial needs a reason.",
  not_requester: (r) => `Only <@${r.requester}> or an approver can cancel request #${r.id}.`,
};

export function refusalText(reason: RefusalReason, request: Request): string {
  return REFUSAL[reason](request);
}

/** What the clicker is told after Approve; undefined when the updated message says it all. */
export function decisionReply(result: ActResult): OutgoingMessage | undefined {
  switch (result.kind) {
    case "not_found":
      return simpleReply(`:grey_question: There is no request #${result.requestId}.`);
    case "refused":
      return simpleReply(`:no_entry_sign: ${escapeMrkdwn(refusalText(result.reason, result.request))}`);
    case "vote_recorded":
      return simpleReply(
        `:ballot_box_with_check: Your approval of request #${result.request.id} is counted; ${plural(result.remaining, "more approval")} needed.`,
      );
    case "approved":
      if (result.apply?.kind === "failed") {
        return simpleReply(
          `:warning: Request #${result.request.id} is approved, but applying it to VB365 failed: ` +
            `${escapeMrkdwn(result.apply.error)}. ` +
            `The bot retries at ${slackDate(result.apply.nextAttemptAt)}; nothing is lost.`,
        );
      }
      return undefined;
    case "denied":
    case "cancelled":
      return undefined;
  }
}

export function denyCheckReply(check: Exclude<DenyCheck, { kind: "ok" }>): OutgoingMessage {
  return check.kind === "not_found"
    ? simpleReply(`:grey_question: There is no request #${check.requestId}.`)
    : simpleReply(`:no_entry_sign: ${escapeMrkdwn(refusalText(check.reason, check.request))}`);
}
