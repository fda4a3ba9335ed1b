/** `add`, `remove` and a pick among several matches: what became of the change someone asked for. */
import type { AnyBlock } from "@slack/types";
import type { ChangeOutcome } from "../../../core/requests/flows.ts";
import type { PendingChoice } from "../../../core/requests/ports.ts";
import type { OrganizationRef } from "../../../core/vocabulary.ts";
import { COMMAND } from "../../command/syntax.ts";
import { plainFallback, principalMrkdwn, principalPlain, requestAskMrkdwn, slackDate } from "../format.ts";
import { ACTION, pickValue } from "../ids.ts";
import {
  actions,
  button,
  context,
  escapeMrkdwn,
  inlineCode,
  LIMITS,
  type OutgoingMessage,
  section,
  staticSelect,
} from "../kit.ts";

import {
  candidateLine,
  candidateLines,
  memberProblemReply,
  organizationProblemReply,
  simpleReply,
  stateWord,
  unavailableReply,
} from "./common.ts";

/** Up to this many candidates get a button each; more go in one select menu. */
export const MAX_CANDIDATE_BUTTONS = 5;

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
          `*${escapeMrkdwn(outcome.organization.name)}*: there is nothing to request.`,
      );
    case "not_audited":
      return simpleReply(
        `:information_source: ${principalMrkdwn(outcome.principal)} is not audited in ` +
          `*${escapeMrkdwn(outcome.organization.name)}*: there is nothing to remove.`,
      );
    case "invalid":
      return simpleReply(`:grey_question: ${escapeMrkdwn(outcome.problem)}`);
    case "choose_candidate":
      return candidatesReply(outcome.choice);
    case "no_match": {
      const near =
        outcome.suggestions.length > 0
          ? `\nThe closest names:\n${candidateLines(outcome.suggestions)}`
          : `\nTry ${inlineCode(`${COMMAND} find <part of the name>`)}.`;
      const where = `*${escapeMrkdwn(outcome.organization.name)}*`;
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
    case "vbo_unavailable":
      return unavailableReply(outcome);
    case "choose_organization":
    case "unknown_organization":
    case "no_organizations":
      return organizationProblemReply(outcome);
    case "member_without_email":
    case "profile_unavailable":
      return memberProblemReply(outcome);
  }
}

/** Several principals matched: one button each (a select beyond five); nothing is requested yet. */
export function candidatesReply(choice: PendingChoice): OutgoingMessage {
  const intro =
    `Several users or groups in *${escapeMrkdwn(choice.organization.name)}* match: which one should ` +
    `the bot ${choice.kind === "add" ? "start" : "stop"} auditing? No request is made until you pick.`;
  const blocks: AnyBlock[] = [section(intro)];
  const shown = choice.candidates;
  if (shown.length <= MAX_CANDIDATE_BUTTONS) {
    shown.forEach((c, index) => {
      blocks.push(
        section(candidateLine(c), {
          accessory: button({ text: "Pick", actionId: ACTION.pick, value: pickValue(choice.id, index) }),
        }),
      );
    });
  } else {
    // The menu lists them all (its options are short plain text, so 100 fit a message's budget).
    blocks.push(
      actions([
        staticSelect({
          actionId: ACTION.pickSelect,
          placeholder: "Pick one",
          options: shown.slice(0, LIMITS.selectOptions).map((c, index) => ({
            text: `${c.principal.displayName || c.principal.name} · ${c.principal.name || c.principal.type}`,
            value: pickValue(choice.id, index),
          })),
        }),
      ]),
    );
  }
  const more = choice.total - shown.length;
  blocks.push(
    context([
      `${more > 0 ? `${more} more match: a fuller name narrows the list. ` : ""}This list expires ${slackDate(choice.expiresAt)}.`,
    ]),
  );
  const plain = `Several match in ${choice.organization.name}: ${shown
    .slice(0, 10)
    .map((c) => principalPlain(c.principal))
    .join("; ")}. Pick one; no request is made until you do.`;
  return { text: plainFallback(plain), blocks };
}
