/**
 * Replies to the person who typed `/vbo-audit` or clicked a button: pure functions from the core's
 * outcomes to a message (text fallback + blocks inside Slack's limits). Every user-supplied or
 * VB365-supplied string is escaped here.
 */
import type { AnyBlock } from "@slack/types";
import type { MemberProblem, OrganizationProblem, VboUnavailable } from "../../core/answers.ts";
import type { DigestRequestOutcome } from "../../core/digest/post.ts";
import type { Candidate } from "../../core/directory/resolver.ts";
import type { KnownOrganization } from "../../core/organizations.ts";
import type {
  FindOutcome,
  ListOutcome,
  LogOutcome,
  OpenRequest,
  PendingOutcome,
  StatusReport,
} from "../../core/queries/queries.ts";
import type { RefusalReason } from "../../core/requests/decide.ts";
import type { ChangeOutcome, DenyCheck } from "../../core/requests/flows.ts";
import type { ActResult } from "../../core/requests/lifecycle.ts";
import type { PendingChoice } from "../../core/requests/ports.ts";
import type { Request, RequestState } from "../../core/requests/types.ts";
import { type LogEvent, type OrganizationRef, plural } from "../../core/vocabulary.ts";
import type { PrincipalRef } from "../../vbo/schemas.ts";
import { COMMAND, usageMrkdwn } from "../command/syntax.ts";
import {
  fallbackFromMrkdwn,
  mentionList,
  plainFallback,
  principalMrkdwn,
  principalPlain,
  requestAskMrkdwn,
  requestTitleMrkdwn,
  slackDate,
  verb,
} from "./format.ts";
import { ACTION, pickValue } from "./ids.ts";
import {
  actions,
  blocksTextLength,
  button,
  context,
  escapeMrkdwn,
  inlineCode,
  LIMITS,
  type OutgoingMessage,
  section,
  staticSelect,
  truncateMrkdwn,
} from "./kit.ts";
import type { PolicyOf } from "./request.ts";

/** Up to this many candidates get a button each; more go in one select menu. */
export const MAX_CANDIDATE_BUTTONS = 5;

/**
 * A one-section reply. `mrkdwnText` (already escaped) is also the fallback: Slack reads `text` as
 * mrkdwn and shows it without formatting where it cannot format. `plain` is escaped here.
 */
export function simpleReply(mrkdwnText: string, plain?: string): OutgoingMessage {
  return {
    text: plain === undefined ? fallbackFromMrkdwn(mrkdwnText) : plainFallback(plain),
    blocks: [section(mrkdwnText)],
  };
}

/**
 * A reply made of a heading, many lines (packed into as few sections as fit) and a footer, kept
 * inside a message's block and text budget: lines that do not fit become "…and N more not shown".
 */
function linesReply(
  plain: string,
  head: readonly AnyBlock[],
  lines: readonly string[],
  tail: readonly AnyBlock[] = [],
): OutgoingMessage {
  const budget = LIMITS.messageTextBudget - blocksTextLength([...head, ...tail]) - 200;
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = Math.min(line.length, LIMITS.sectionText - 100) + 1;
    if (used + cost > budget) break;
    kept.push(line);
    used += cost;
  }
  const omitted = lines.length - kept.length;
  const blocks = [
    ...head,
    ...linesToSections(kept),
    ...(omitted > 0 ? [context([`_…and ${omitted} more not shown_`])] : []),
    ...tail,
  ].slice(0, LIMITS.messageBlocks);
  return { text: plainFallback(plain), blocks };
}

export function helpReply(): OutgoingMessage {
  return simpleReply(usageMrkdwn(), `${COMMAND} help: add, remove, find, list, pending, log, status, digest`);
}

export function parseErrorReply(message: string): OutgoingMessage {
  return simpleReply(`:grey_question: ${message}`);
}

// ---------------------------------------------------------------------------------------------------
// Problems shared by many commands

function organizationLines(organizations: readonly KnownOrganization[]): string {
  const shown = organizations.slice(0, 20).map((o) => {
    const office = o.officeName && o.officeName !== o.name ? ` (${escapeMrkdwn(o.officeName)})` : "";
    return `• *${escapeMrkdwn(o.name)}*${office} ${inlineCode(o.id)}`;
  });
  if (organizations.length > shown.length) shown.push(`…and ${organizations.length - shown.length} more`);
  return shown.join("\n");
}

export function organizationProblemReply(problem: OrganizationProblem): OutgoingMessage {
  switch (problem.kind) {
    case "choose_organization":
      return simpleReply(
        `VB365 has ${problem.organizations.length} organizations here: say which one with ${inlineCode("--org <name-or-id>")}, e.g. ${inlineCode(`--org ${problem.organizations[0]?.name ?? "Contoso"}`)}.\n${organizationLines(problem.organizations)}`,
      );
    case "unknown_organization": {
      const what = problem.fromConfig
        ? `The configured default organization (VBO_ORGANIZATION) ${inlineCode(problem.wanted)} is not one of VB365's`
        : `No VB365 organization is called ${inlineCode(problem.wanted)}`;
      return simpleReply(
        `${what}. Use ${inlineCode("--org")} with one of these names or ids:\n${organizationLines(problem.organizations)}`,
      );
    }
    case "no_organizations":
      return simpleReply(":warning: VB365 has no organizations yet, so there is nobody to audit.");
  }
}

export function unavailableReply(outcome: VboUnavailable): OutgoingMessage {
  const lines = [
    `:warning: VB365 could not be reached: ${escapeMrkdwn(outcome.error)}.`,
    "Nothing was recorded and nothing was lost: try again in a few minutes.",
  ];
  if (outcome.suggestions && outcome.suggestions.length > 0) {
    lines.push(`Names the bot already knows that come close:\n${candidateLines(outcome.suggestions)}`);
  }
  return simpleReply(lines.join("\n"));
}

export function memberProblemReply(problem: MemberProblem): OutgoingMessage {
  return problem.kind === "member_without_email"
    ? simpleReply(
        `<@${problem.userId}>'s Slack profile shows no e-mail, so the bot cannot tell which Microsoft 365 user they are. Name them by e-mail or UPN instead, e.g. ${inlineCode(`${COMMAND} add ben.young@example.com`)}.`,
      )
    : simpleReply(
        `:warning: Slack did not give the bot <@${problem.userId}>'s profile e-mail just now. Try again in a moment, or name them by e-mail or UPN. Nothing was recorded.`,
      );
}

function candidateLine(c: Candidate): string {
  const kind = c.subtype && c.subtype !== c.principal.type ? ` (${escapeMrkdwn(c.subtype)})` : "";
  return `• ${principalMrkdwn(c.principal)}${kind}`;
}

function candidateLines(candidates: readonly Candidate[]): string {
  return candidates.map(candidateLine).join("\n");
}

// ---------------------------------------------------------------------------------------------------
// add / remove, and a pick among candidates

/** Where an organization's requests are posted for approval (its route's channel). */
export type ApprovalsChannelOf = (organization: OrganizationRef) => string;

export function changeReply(outcome: ChangeOutcome, approvalsChannelOf: ApprovalsChannelOf): OutgoingMessage {
  switch (outcome.kind) {
    case "created": {
      const r = outcome.request;
      const what = `Request *#${r.id}* to ${requestAskMrkdwn(r)}`;
      const approvalsChannel = approvalsChannelOf(r.organization);
      return outcome.announced
        ? simpleReply(
            `:white_check_mark: ${what} is posted for approval in <#${approvalsChannel}>. You will hear the outcome by direct message.`,
          )
        : simpleReply(
            `:warning: ${what} is recorded, but posting it to <#${approvalsChannel}> failed; the bot posts it with the request's next change. Approvers also see it in the bot's Home tab and in ${inlineCode(`${COMMAND} pending`)}.`,
          );
    }
    case "duplicate": {
      const r = outcome.request;
      return simpleReply(
        `:information_source: Request *#${r.id}* to ${requestAskMrkdwn(r)} is already open (${stateWord(r.state)}, asked by <@${r.requester}>): no second request was made.`,
      );
    }
    case "already_audited":
      return simpleReply(
        `:information_source: ${principalMrkdwn(outcome.principal)} is already audited in *${escapeMrkdwn(outcome.organization.name)}*: there is nothing to request.`,
      );
    case "not_audited":
      return simpleReply(
        `:information_source: ${principalMrkdwn(outcome.principal)} is not audited in *${escapeMrkdwn(outcome.organization.name)}*: there is nothing to remove.`,
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
      return simpleReply(
        `:mag: Nobody in *${escapeMrkdwn(outcome.organization.name)}* matches ${inlineCode(outcome.query)}. No request was made.${near}`,
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
  const intro = `Several users or groups in *${escapeMrkdwn(choice.organization.name)}* match: which one should the bot ${choice.kind === "add" ? "start" : "stop"} auditing? No request is made until you pick.`;
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

// ---------------------------------------------------------------------------------------------------
// Approve and deny clicks

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
          `:warning: Request #${result.request.id} is approved, but applying it to VB365 failed: ${escapeMrkdwn(result.apply.error)}. The bot retries at ${slackDate(result.apply.nextAttemptAt)}; nothing is lost.`,
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

function stateWord(state: RequestState): string {
  switch (state) {
    case "apply_failed":
      return "approved and waiting to be applied";
    case "approved":
      return "approved";
    default:
      return state;
  }
}

// ---------------------------------------------------------------------------------------------------
// find, list, pending, log, status, digest

export function findReply(outcome: FindOutcome): OutgoingMessage {
  switch (outcome.kind) {
    case "found": {
      const org = escapeMrkdwn(outcome.organization.name);
      if (outcome.matches.length === 0) {
        return simpleReply(`:mag: Nothing in *${org}* matches ${inlineCode(outcome.query)}.`);
      }
      const exact = outcome.matches.filter((m) => m.match !== "fuzzy");
      const heading =
        exact.length === 0
          ? `:mag: Nothing in *${org}* matches ${inlineCode(outcome.query)} exactly; the closest names:`
          : `:mag: ${plural(outcome.total, "match", "matches")} for ${inlineCode(outcome.query)} in *${org}*:`;
      const lines = outcome.matches.map((m) => {
        const audited =
          m.audited === undefined ? "audit state unknown" : m.audited ? ":eye: *audited*" : "not audited";
        return `${candidateLine(m)} · ${audited}`;
      });
      const more = outcome.total - outcome.matches.length;
      if (more > 0) lines.push(`…and ${more} more: a fuller name narrows the list.`);
      if (outcome.matches.some((m) => m.audited === undefined)) {
        lines.push("_VB365's audit items could not be read just now._");
      }
      return linesReply(
        `Matches for ${outcome.query} in ${outcome.organization.name}`,
        [section(heading)],
        lines,
      );
    }
    case "vbo_unavailable":
      return unavailableReply(outcome);
    case "member_without_email":
    case "profile_unavailable":
      return memberProblemReply(outcome);
    default:
      return organizationProblemReply(outcome);
  }
}

export function listReply(outcome: ListOutcome): OutgoingMessage {
  if (outcome.kind !== "audited") {
    return outcome.kind === "vbo_unavailable" ? unavailableReply(outcome) : organizationProblemReply(outcome);
  }
  const org = escapeMrkdwn(outcome.organization.name);
  const summary = `${plural(outcome.users.length, "user")} and ${plural(outcome.groups.length, "group")}`;
  if (outcome.users.length + outcome.groups.length === 0) {
    return simpleReply(`Nobody is audited in *${org}*: VB365 has no audit items there.`);
  }
  const line = (p: PrincipalRef) => `• ${principalMrkdwn(p)}`;
  const lines = [
    ...(outcome.users.length > 0 ? [`*Users (${outcome.users.length})*`, ...outcome.users.map(line)] : []),
    ...(outcome.groups.length > 0
      ? [`*Groups (${outcome.groups.length})*`, ...outcome.groups.map(line)]
      : []),
  ];
  return linesReply(
    `Audited in ${outcome.organization.name}: ${summary}`,
    [section(`:eye: *Audited in ${org}*, read from VB365 now: ${summary}.`)],
    lines,
  );
}

export function openRequestLine(open: OpenRequest, policyOf: PolicyOf): string {
  const { request: r, votes } = open;
  const { requiredApprovals } = policyOf(r);
  const approvers = [...new Set(votes.map((v) => v.approver))];
  const progress =
    r.state === "pending"
      ? `${approvers.length} of ${plural(requiredApprovals, "approval")}${approvers.length > 0 ? ` (${mentionList(approvers)})` : ""}`
      : r.state === "apply_failed"
        ? `approved; applying failed, retrying${r.nextAttemptAt ? ` at ${slackDate(r.nextAttemptAt)}` : ""}`
        : "approved; applying";
  return `• ${requestTitleMrkdwn(r)} · asked by <@${r.requester}> ${slackDate(r.createdAt)} · ${progress}`;
}

export function pendingReply(outcome: PendingOutcome, policyOf: PolicyOf): OutgoingMessage {
  const where = outcome.organization ? ` in ${inlineCode(outcome.organization)}` : "";
  if (outcome.requests.length === 0) return simpleReply(`:sparkles: No open requests${where}.`);
  const heading = `*${plural(outcome.requests.length, "open request")}*${where}:`;
  return linesReply(
    `${outcome.requests.length} open requests`,
    [section(heading)],
    outcome.requests.map((o) => openRequestLine(o, policyOf)),
  );
}

export function logReply(outcome: LogOutcome): OutgoingMessage {
  switch (outcome.kind) {
    case "log": {
      const whose = outcome.principal ? ` for ${inlineCode(outcome.principal)}` : "";
      if (outcome.events.length === 0) return simpleReply(`The approval log has no entries${whose}.`);
      const tail = outcome.more
        ? [
            context([
              `Older entries exist: the newest ${outcome.events.length} are shown. ${inlineCode("npm run verify-log")} checks the whole log.`,
            ]),
          ]
        : [];
      return linesReply(
        `The approval log${outcome.principal ? ` for ${outcome.principal}` : ""}`,
        [section(`:scroll: *The approval log*${whose}, newest first:`)],
        outcome.events.map(eventLine),
        tail,
      );
    }
    case "ambiguous":
      return simpleReply(
        `Several users or groups match: name one by e-mail or UPN.\n${candidateLines(outcome.candidates.slice(0, 10))}${outcome.total > 10 ? `\n…and ${outcome.total - 10} more` : ""}`,
      );
    case "vbo_unavailable":
      return unavailableReply(outcome);
    case "member_without_email":
    case "profile_unavailable":
      return memberProblemReply(outcome);
    default:
      return organizationProblemReply(outcome);
  }
}

/** One event of the log as a line: when, who, what, about whom. */
export function eventLine(event: LogEvent): string {
  const who = event.actor === "system" ? "the bot" : event.actor === "vb365" ? "VB365" : `<@${event.actor}>`;
  const detail = event.detail;
  const str = (key: string) =>
    typeof detail[key] === "string" ? escapeMrkdwn(detail[key] as string) : undefined;
  const requestKind = detail.requestKind === "remove" ? "remove" : "add";
  const about = event.principal
    ? ` ${principalMrkdwn({ ...event.principal, displayName: event.principal.displayName })}`
    : "";
  const where = event.organization ? ` in ${escapeMrkdwn(event.organization.name)}` : "";
  const req = event.requestId !== null ? `#${event.requestId} ` : "";
  let what: string;
  switch (event.kind) {
    case "requested":
      what = `asked ${req}to ${verb(requestKind).toLowerCase()}${about}${where}${str("reason") ? `: ${str("reason")}` : ""}`;
      break;
    case "voted":
      what = `approved ${req}(${about.trim() || "request"})`;
      break;
    case "approved":
      what = `completed the approval of ${req}(${about.trim() || "request"})`;
      break;
    case "denied":
      what = `denied ${req}(${about.trim() || "request"})${str("reason") ? `: ${str("reason")}` : ""}`;
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

export function statusReply(report: StatusReport): OutgoingMessage {
  const v = report.vbo;
  const connection = v.reachable
    ? `:large_green_circle: reachable at ${inlineCode(v.url)}`
    : `:red_circle: *not reachable* at ${inlineCode(v.url)}: ${escapeMrkdwn(v.error ?? "unknown error")}`;
  const version = v.apiVersion
    ? `${v.apiVersion}${v.setting === "auto" ? " (detected)" : " (configured)"}`
    : `unknown (setting: ${v.setting})`;
  const fields = [
    `*VB365*\n${connection}`,
    `*API version*\n${version}`,
    `*Last successful VB365 call*\n${v.lastSuccessAt ? slackDate(v.lastSuccessAt) : "none yet"}`,
    `*Organizations*\n${v.organizations ?? "unknown"}`,
    `*Database*\n${report.database.ok ? ":large_green_circle: ok" : `:red_circle: ${escapeMrkdwn(report.database.error ?? "not open")}`}`,
    `*Requests*\n${report.requests.pending} pending, ${report.requests.waitingToApply} approved and not yet applied`,
  ];
  const blocks: AnyBlock[] = [section(":bar_chart: *vbo-audit status*", { fields })];
  let notifications: string;
  switch (report.notifications.kind) {
    case "on":
      notifications = `:large_green_circle: Audit e-mail notifications are *on*${report.notifications.to ? `, sent to ${inlineCode(report.notifications.to)}` : ""}.`;
      break;
    case "off":
      notifications =
        ":rotating_light: *Audit e-mail notifications are OFF in VB365.* Audit items currently alert nobody when someone opens an audited person's backups. Turn them on in VB365 (General Options → Audit).";
      break;
    case "unknown":
      notifications = `:warning: Whether audit e-mail notifications are on is unknown: ${escapeMrkdwn(report.notifications.error)}.`;
      break;
  }
  blocks.push(section(notifications));
  if (!report.readiness.ready) blocks.push(context([`Not ready: ${escapeMrkdwn(report.readiness.reason)}`]));
  const plain = [
    `VB365 ${v.reachable ? "reachable" : `not reachable: ${v.error ?? "unknown error"}`}`,
    `API ${v.apiVersion ?? "unknown"}`,
    `notifications ${report.notifications.kind === "on" ? "on" : report.notifications.kind === "off" ? "OFF" : "unknown"}`,
    `database ${report.database.ok ? "ok" : "failing"}`,
  ].join(" · ");
  return { text: plainFallback(plain), blocks };
}

export function digestReply(outcome: DigestRequestOutcome): OutgoingMessage {
  switch (outcome.kind) {
    case "posted":
      return simpleReply(
        `:white_check_mark: The digest is posted in <#${outcome.channel}> (${plural(outcome.messages, "message")}).`,
      );
    case "not_approver":
      return simpleReply(":no_entry_sign: Only approvers can post the digest on demand.");
    case "not_available":
      return simpleReply(":information_source: The digest is not available in this deployment of the bot.");
    case "failed":
      return simpleReply(`:warning: The digest could not be posted: ${escapeMrkdwn(outcome.error)}`);
  }
}

/** Lines joined into as few sections as fit (3000 characters each), never splitting a line. */
export function linesToSections(lines: readonly string[]): AnyBlock[] {
  const max = LIMITS.sectionText - 100;
  const sections: AnyBlock[] = [];
  let current = "";
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, max);
    if (current !== "" && current.length + 1 + line.length > max) {
      sections.push(section(current));
      current = "";
    }
    current = current === "" ? line : `${current}\n${line}`;
  }
  if (current !== "") sections.push(section(current));
  return sections;
}
