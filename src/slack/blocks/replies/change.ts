import type { ChangeOutcome } from "../../../core/requests/flows.ts";
import type { OrganizationRef } from "../../../core/vocabulary.ts";
import { plural } from "../../../core/vocabulary.ts";
import { COMMAND } from "../../command/syntax.ts";
import { principalMrkdwn, requestAskMrkdwn, requestTitleMrkdwn } from "../format.ts";
import { inlineCode, type OutgoingMessage } from "../kit.ts";
import { literal } from "../text.ts";

import { candidateLines, problemReply, simpleReply, stateWord } from "./common.ts";
import { candidatesReply } from "./pick.ts";

/** Where an organization's requests are posted for approval (its route's channel). */
export type ApprovalsChannelOf = (organization: OrganizationRef) => string;

export function changeReply(outcome: ChangeOutcome, approvalsChannelOf: ApprovalsChannelOf): OutgoingMessage {
  switch (outcome.kind) {
    case "created": {
      const r = outcome.request;
      const what = `Request *#${r.id}* to ${requestAskMrkdwn(r)}`;
      const approvalsChannel = approvalsChannelOf(r.organization);
      if (outcome.announced) {
        return simpleReply(
          `:white_check_mark: ${what} is posted for approval in <#${approvalsChannel}>. ` +
            "You will hear the outcome by direct message.",
        );
      }
      return simpleReply(
        `:warning: ${what} is recorded, but posting it to <#${approvalsChannel}> failed; ` +
          "the bot posts it with the request's next change. " +
          `Approvers also see it in the bot's Home tab and in ${inlineCode(`${COMMAND} pending`)}.`,
      );
    }
    case "duplicate": {
      const r = outcome.request;
      return simpleReply(
        `:information_source: Request *#${r.id}* to ${requestAskMrkdwn(r)} is already open ` +
          `(${stateWord(r.state)}, asked by <@${r.requester}>): no second request was made.`,
      );
    }
    case "already_audited":
      return simpleReply(
        `:information_source: ${principalMrkdwn(outcome.principal)} is already audited in ` +
          `*${literal(outcome.organization.name)}*: there is nothing to request.`,
      );
    case "not_audited":
      return simpleReply(
        `:information_source: ${principalMrkdwn(outcome.principal)} is not audited in ` +
          `*${literal(outcome.organization.name)}*: there is nothing to remove.`,
      );
    case "too_many_open":
      return simpleReply(
        `:no_entry_sign: No request was made: one person may have ${plural(outcome.max, "open request")} ` +
          `at once, and you have ${outcome.open.length}:\n` +
          outcome.open.map((r) => `• ${requestTitleMrkdwn(r)} (${stateWord(r.state)})`).join("\n") +
          `\nAsk again once one of them is decided, or end one you no longer need with ${inlineCode(`${COMMAND} cancel <n>`)}.`,
      );
    case "invalid":
      return simpleReply(`:grey_question: ${literal(outcome.problem)}`);
    case "choose_candidate":
      return candidatesReply(outcome.choice);
    case "no_match": {
      const near =
        outcome.suggestions.length > 0
          ? `\nThe closest names:\n${candidateLines(outcome.suggestions)}`
          : `\nTry ${inlineCode(`${COMMAND} find <part of the name>`)}.`;
      const where = `*${literal(outcome.organization.name)}*`;
      return simpleReply(
        `:mag: Nobody in ${where} matches ${inlineCode(outcome.query)}. No request was made.${near}`,
      );
    }
    case "choice_gone":
      return simpleReply(
        outcome.reason === "expired"
          ? ":hourglass: That list has expired: run the command again to pick."
          : outcome.reason === "used"
            ? ":information_source: A pick from that list was already made."
            : ":information_source: That list is no longer available: run the command again.",
      );
    case "choice_not_yours":
      return simpleReply(`Only <@${outcome.requester}> can pick from that list: it is their request.`);
    default:
      return problemReply(outcome);
  }
}
