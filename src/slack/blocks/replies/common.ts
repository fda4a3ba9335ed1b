/**
 * What every reply is made of: a one-section reply, a reply of many lines inside a message's budget,
 * and the answers many subcommands share (no usable organization, VB365 unavailable, a member who
 * cannot be mapped, a candidate's line). Pure; every user- or VB365-supplied string is escaped here.
 */
import type { AnyBlock } from "@slack/types";
import type { MemberProblem, OrganizationProblem, Problem, VboUnavailable } from "../../../core/answers.ts";
import type { Candidate } from "../../../core/directory/resolver.ts";
import type { KnownOrganization } from "../../../core/organizations.ts";
import type { RequestState } from "../../../core/requests/types.ts";
import { COMMAND } from "../../command/syntax.ts";
import { fallbackFromMrkdwn, plainFallback, principalMrkdwn } from "../format.ts";
import { context, inlineCode, LIMITS, type OutgoingMessage, section, truncateMrkdwn } from "../kit.ts";
import { blocksTextLength } from "../surfaces.ts";
import { literal } from "../text.ts";

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
export function linesReply(
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

/** `server/name` as `--org` takes it, when the organizations are on more than one server. */
function orgName(o: KnownOrganization, several: boolean): string {
  return several && o.server !== undefined ? `${o.server}/${o.name}` : o.name;
}

function onSeveralServers(organizations: readonly KnownOrganization[]): boolean {
  return new Set(organizations.map((o) => o.server)).size > 1;
}

function organizationLines(organizations: readonly KnownOrganization[]): string {
  const several = onSeveralServers(organizations);
  const shown = organizations.slice(0, 20).map((o) => {
    const office = o.officeName && o.officeName !== o.name ? ` (${literal(o.officeName)})` : "";
    return `• *${literal(orgName(o, several))}*${office} ${inlineCode(o.id)}`;
  });
  if (organizations.length > shown.length) shown.push(`…and ${organizations.length - shown.length} more`);
  return shown.join("\n");
}

export function organizationProblemReply(problem: OrganizationProblem): OutgoingMessage {
  switch (problem.kind) {
    case "choose_organization":
      return simpleReply(
        `VB365 has ${problem.organizations.length} organizations here: say which one with ` +
          `${inlineCode("--org <name-or-id>")}, e.g. ` +
          `${inlineCode(`--org ${problem.organizations[0]?.name ?? "Contoso"}`)}.\n` +
          organizationLines(problem.organizations),
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
    case "organization_on_several_servers": {
      const [first] = problem.organizations;
      const example = first ? orgName(first, true) : "server/name";
      return simpleReply(
        `${inlineCode(problem.wanted)} is an organization on more than one VB365 server: name it with its ` +
          `server, e.g. ${inlineCode(`--org ${example}`)}.\n${organizationLines(problem.organizations)}`,
      );
    }
    case "unrouted_organization":
      return simpleReply(
        `:no_entry: *${literal(problem.organization.name)}* is not routed to any approvers, so the bot takes ` +
          "no requests for it. Ask whoever runs the bot to add it to a route of the routing file (ROUTING_FILE).",
      );
  }
}

export function unavailableReply(outcome: VboUnavailable): OutgoingMessage {
  const lines = [
    `:warning: VB365 could not be reached: ${literal(outcome.error)}.`,
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
        `<@${problem.userId}>'s Slack profile shows no e-mail, so the bot cannot tell which ` +
          "Microsoft 365 user they are. Name them by e-mail or UPN instead, e.g. " +
          `${inlineCode(`${COMMAND} add ben.young@example.com`)}.`,
      )
    : simpleReply(
        `:warning: Slack did not give the bot <@${problem.userId}>'s profile e-mail just now. ` +
          "Try again in a moment, or name them by e-mail or UPN. Nothing was recorded.",
      );
}

/**
 * The one line a person who is not a viewer reads where viewers see more (core/visibility.ts):
 * what only viewers may see, nothing of it, and whom to ask.
 */
export function viewersOnlyLine(what: string): string {
  return `:lock: Only viewers may see ${what}; whoever runs the bot can make you one.`;
}

/** Why a flow could not go on, in the words the person needs: the one answer to each problem. */
export function problemReply(problem: Problem): OutgoingMessage {
  switch (problem.kind) {
    case "vbo_unavailable":
      return unavailableReply(problem);
    case "member_without_email":
    case "profile_unavailable":
      return memberProblemReply(problem);
    default:
      return organizationProblemReply(problem);
  }
}

export function candidateLine(c: Candidate): string {
  const kind = c.subtype && c.subtype !== c.principal.type ? ` (${literal(c.subtype)})` : "";
  return `• ${principalMrkdwn(c.principal)}${kind}`;
}

export function candidateLines(candidates: readonly Candidate[]): string {
  return candidates.map(candidateLine).join("\n");
}

export function stateWord(state: RequestState): string {
  switch (state) {
    case "apply_failed":
      return "approved and waiting to be applied";
    case "approved":
      return "approved";
    default:
      return state;
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
