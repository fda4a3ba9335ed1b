/**
 * The App Home tab: approvers see the requests waiting for them, with their buttons; everyone sees
 * their own requests; viewers see who is audited in each organization, everyone else one line saying
 * only viewers may. Inside 100 blocks, with counts of what was left out. Pure: the data comes from
 * `Queries.home`.
 */
import type { AnyBlock, HomeView } from "@slack/types";
import type { HomeData } from "../../core/queries/queries.ts";
import type { Request } from "../../core/requests/types.ts";
import { plural } from "../../core/vocabulary.ts";
import type { PrincipalRef } from "../../vbo/schemas.ts";
import { COMMAND } from "../command/syntax.ts";
import { principalMrkdwn, requestTitleMrkdwn, slackDate } from "./format.ts";
import { context, divider, header, inlineCode, section } from "./kit.ts";
import { viewersOnlyLine } from "./replies/common.ts";
import { type CardPolicy, type PolicyOf, requestCardBlocks, stateLine } from "./request.ts";
import { homeView } from "./surfaces.ts";
import { literal } from "./text.ts";

export interface HomeOptions {
  /** The policy each request is held to (its route's). */
  policyOf: PolicyOf;
  /** Cards of pending requests shown before "…and N more". */
  maxPendingCards?: number;
  /** Principals listed per organization. */
  maxPrincipals?: number;
}

export function renderHome(data: HomeData, options: HomeOptions): HomeView {
  const maxCards = options.maxPendingCards ?? 15;
  const maxPrincipals = options.maxPrincipals ?? 40;
  const groups: Array<AnyBlock | AnyBlock[]> = [header("VBO Audit")];
  groups.push(
    context([
      `Ask with ${inlineCode(`${COMMAND} add <who> [reason]`)} or ${inlineCode(`${COMMAND} remove <who>`)}; ${inlineCode(`${COMMAND} help`)} lists everything.`,
    ]),
  );

  if (data.isApprover) {
    groups.push(divider(), section(`*Waiting for a decision* (${data.pending.length})`));
    if (data.pending.length === 0) groups.push(context(["Nothing is waiting for approval."]));
    for (const open of data.pending.slice(0, maxCards)) {
      // A card and its buttons go (or stay) together.
      groups.push([
        section(requestTitleMrkdwn(open.request)),
        ...requestCardBlocks({
          request: open.request,
          votes: open.votes,
          policy: options.policyOf(open.request),
        }),
      ]);
    }
    if (data.pending.length > maxCards) {
      groups.push(
        context([
          `…and ${data.pending.length - maxCards} more waiting: see ${inlineCode(`${COMMAND} pending`)} or the approvals channel.`,
        ]),
      );
    }
  }

  groups.push(divider(), section(`*Your requests* (${data.mine.length})`));
  if (data.mine.length === 0) groups.push(context(["You have not asked for anything yet."]));
  for (const request of data.mine) groups.push(section(myRequestLine(request, options.policyOf(request))));

  if (data.audited.length === 0 && data.auditHidden) {
    groups.push(divider(), context([viewersOnlyLine("who is audited")]));
    return homeView({ blocks: groups });
  }
  groups.push(divider(), section("*Audited now*, read from VB365"));
  for (const entry of data.audited) {
    if ("error" in entry) {
      const where = entry.organization ? ` for *${literal(entry.organization.name)}*` : "";
      groups.push(section(`:warning: VB365 could not be read${where}: ${literal(entry.error)}`));
      continue;
    }
    const all: PrincipalRef[] = [...entry.users, ...entry.groups];
    const summary = `${plural(entry.users.length, "user")}, ${plural(entry.groups.length, "group")}`;
    const lines = all.slice(0, maxPrincipals).map((p) => `• ${principalMrkdwn(p)}`);
    if (all.length > maxPrincipals) lines.push(`…and ${all.length - maxPrincipals} more`);
    groups.push(
      section(
        `*${literal(entry.organization.name)}*: ${summary}${lines.length > 0 ? `\n${lines.join("\n")}` : ""}`,
      ),
    );
  }
  if (data.auditHidden) groups.push(context([viewersOnlyLine("who is audited in the other organizations")]));
  if (data.organizationsOmitted > 0) {
    groups.push(context([`…and ${plural(data.organizationsOmitted, "more organization")} not shown.`]));
  }
  return homeView({ blocks: groups });
}

function myRequestLine(request: Request, policy: CardPolicy): string {
  return `${requestTitleMrkdwn(request)} · ${slackDate(request.createdAt)}\n${stateLine({ request, votes: [], policy })}`;
}
