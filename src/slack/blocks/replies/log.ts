import type { LogOutcome } from "../../../core/queries/queries.ts";
import type { LogEvent } from "../../../core/vocabulary.ts";
import { principalMrkdwn, slackDate, verb } from "../format.ts";
import { context, inlineCode, type OutgoingMessage, section } from "../kit.ts";
import { literal } from "../text.ts";

import { candidateLines, linesReply, problemReply, simpleReply, viewersOnlyLine } from "./common.ts";

export function logReply(outcome: LogOutcome): OutgoingMessage {
  switch (outcome.kind) {
    case "log": {
      const whose = outcome.principal ? ` for ${inlineCode(outcome.principal)}` : "";
      const yours = outcome.onlyOwn ? " of your requests" : "";
      const note = outcome.onlyOwn ? [context([viewersOnlyLine("other people's requests in the log")])] : [];
      if (outcome.events.length === 0) {
        const none = `The approval log${yours} has no entries${whose}.`;
        return outcome.onlyOwn ? { text: none, blocks: [section(none), ...note] } : simpleReply(none);
      }
      const tail = [
        ...(outcome.more
          ? [
              context([
                `Older entries exist: the newest ${outcome.events.length} are shown. ${inlineCode("npm run verify-log")} checks the whole log.`,
              ]),
            ]
          : []),
        ...note,
      ];
      return linesReply(
        `The approval log${yours}${outcome.principal ? ` for ${outcome.principal}` : ""}`,
        [section(`:scroll: *The approval log*${yours}${whose}, newest first:`)],
        outcome.events.map(eventLine),
        tail,
      );
    }
    case "ambiguous":
      return simpleReply(
        `Several users or groups match: name one by e-mail or UPN.\n` +
          candidateLines(outcome.candidates.slice(0, 10)) +
          (outcome.total > 10 ? `\n…and ${outcome.total - 10} more` : ""),
      );
    default:
      return problemReply(outcome);
  }
}

/** One event of the log as a line: when, who, what, about whom. */
export function eventLine(event: LogEvent): string {
  const who = event.actor === "system" ? "the bot" : event.actor === "vb365" ? "VB365" : `<@${event.actor}>`;
  const detail = event.detail;
  const str = (key: string) => (typeof detail[key] === "string" ? literal(detail[key] as string) : undefined);
  const requestKind = detail.requestKind === "remove" ? "remove" : "add";
  const about = event.principal
    ? ` ${principalMrkdwn({ ...event.principal, displayName: event.principal.displayName })}`
    : "";
  const where = event.organization ? ` in ${literal(event.organization.name)}` : "";
  const req = event.requestId !== null ? `#${event.requestId} ` : "";
  let what: string;
  switch (event.kind) {
    case "requested":
      what = `asked ${req}to ${verb(requestKind).toLowerCase()}${about}${where}${str("reason") ? `: “${str("reason")}”` : ""}`;
      break;
    case "audit_state_answered":
      what = `asked to ${verb(requestKind).toLowerCase()}${about}${where} and was told ${detail.audited === true ? "it is already audited" : "it is not audited"}`;
      break;
    case "voted":
      what = `approved ${req}(${about.trim() || "request"})`;
      break;
    case "approved":
      what = `completed the approval of ${req}(${about.trim() || "request"})`;
      break;
    case "denied":
      what = `denied ${req}(${about.trim() || "request"})${str("reason") ? `: “${str("reason")}”` : ""}`;
      break;
    case "apply_succeeded":
      what = `applied ${req}to VB365 (${verb(requestKind).toLowerCase()}${about}${where})`;
      break;
    case "apply_failed":
      what = `could not apply ${req}to VB365${str("error") ? `: ${str("error")}` : ""}`;
      break;
    default:
      what = `${event.kind.replace(/_/g, " ")} ${req}${about}${where}`.trim();
  }
  return `• ${slackDate(event.at)} ${who} ${what}`;
}
