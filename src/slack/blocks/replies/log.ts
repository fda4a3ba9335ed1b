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
      const viewed = outcome.organizations?.map(literal).join(", ");
      const yours = outcome.onlyOwn
        ? viewed
          ? ` of ${viewed} and of your requests`
          : " of your requests"
        : "";
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
  const subject = about.trim() || "request";
  const quoted = (key: string) => (str(key) ? `: “${str(key)}”` : "");
  const because = (key: string) => (str(key) ? `: ${str(key)}` : "");
  const change = verb(requestKind).toLowerCase();
  // Every kind in words: the log is read by people, never as raw kinds such as apply_attempted.
  let what: string;
  switch (event.kind) {
    case "requested":
      what = `asked ${req}to ${change}${about}${where}${quoted("reason")}`;
      break;
    case "audit_state_answered":
      what = `asked to ${change}${about}${where} and was told ${detail.audited === true ? "it is already audited" : "it is not audited"}`;
      break;
    case "voted":
      what = `approved ${req}(${subject})`;
      break;
    case "vote_discounted":
      what = `stopped counting the approval of ${typeof detail.approver === "string" ? `<@${literal(detail.approver)}>` : "an approver"} on ${req}(${subject})${because("reason")}`;
      break;
    case "approved":
      what = `completed the approval of ${req}(${subject})`;
      break;
    case "denied":
      what = `denied ${req}(${subject})${quoted("reason")}`;
      break;
    case "expired":
      what = `let ${req}(${subject}) expire: nobody decided in time`;
      break;
    case "cancelled":
      what = `cancelled ${req}(${subject})`;
      break;
    case "apply_attempted":
      what = `started applying ${req}to VB365 (${change}${about}${where})`;
      break;
    case "apply_succeeded":
      what = `applied ${req}to VB365 (${change}${about}${where})${str("note") ? `: ${str("note")}` : ""}`;
      break;
    case "apply_failed":
      what = `could not apply ${req}to VB365 yet, and will try again${because("error")}`;
      break;
    case "failed":
      what = `ended ${req}(${subject}) as failed, nothing changed in VB365${because("error")}`;
      break;
    case "drift_seen":
      what = `showed${about || " an audit item"}${where} ${detail.change === "added" ? "added" : detail.change === "replaced" ? "replaced" : "removed"} outside the bot`;
      break;
    case "audit_expired":
      what = `ended the time-bound audit of${about || " a principal"}${where} (${req.trim() || "request"})`;
      break;
    case "audit_expiry_failed":
      what = `could not yet end the time-bound audit of${about || " a principal"}${where} (${req.trim() || "request"})${because("error")}`;
      break;
    case "reminded":
      what = `reminded the approvers of ${req}(${subject})`;
      break;
    case "digest_posted":
      what = "posted the digest";
      break;
    case "access_seen":
      what = `reported access to the backups of${about || " an audited principal"}${where}`;
      break;
    case "log_keyed":
      what = "started keying the approval log with its secret key (HMAC-SHA-256)";
      break;
    default: {
      // A kind added later without words here still reads as words, never as snake_case.
      const unknown: string = event.kind;
      what = `${unknown.replace(/_/g, " ")} ${req}${about}${where}`.trim();
    }
  }
  return `• ${slackDate(event.at)} ${who} ${what}`;
}
