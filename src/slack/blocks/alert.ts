/**
 * The live access alert: one message per restore session that touched audited principals' data,
 * posted to `ALERTS_CHANNEL_ID` and updated in place when more matching events arrive. Built with
 * kit.ts, so long item lists and names stay inside Block Kit's limits; always a text fallback.
 * Everything VB365 reports (names, items, hosts, reasons) is shown as text (text.ts).
 */
import type { AnyBlock } from "@slack/types";
import { type AccessSummary, describeAccess } from "../../core/access/match.ts";
import { ZonedTime } from "../../core/digest/time.ts";
import {
  context,
  fallbackText,
  fields,
  header,
  inlineCode,
  type OutgoingMessage,
  section,
  truncate,
  truncateMrkdwn,
} from "./kit.ts";
import { literal } from "./text.ts";

export interface AlertRenderOptions {
  /** IANA zone the times are shown in (`DIGEST_TIMEZONE`). */
  timeZone: string;
}

const ITEMS_SHOWN = 8;

function principalLine(p: AccessSummary["principals"][number]): string {
  const upn = p.name && p.name.toLowerCase() !== p.displayName.toLowerCase() ? ` (${p.name})` : "";
  const via = p.via ? `, member of audited group ${p.via}` : "";
  return `${p.displayName}${upn}${p.type === "Group" ? " [group]" : ""}${via}`;
}

function listWithMore(items: readonly string[], shown: number, total = items.length): string {
  const kept = items.slice(0, shown);
  const more = total - kept.length;
  return more > 0 ? `${kept.join(", ")} …and ${more} more` : kept.join(", ");
}

export function renderAccessAlert(summary: AccessSummary, options: AlertRenderOptions): OutgoingMessage {
  const time = new ZonedTime(options.timeZone);
  const sentence = describeAccess(summary, time);
  const audited = summary.principals.map(principalLine);
  const items = listWithMore(summary.items, ITEMS_SHOWN, Math.max(summary.itemCount, summary.items.length));
  const when =
    summary.from && summary.to ? time.range(new Date(summary.from), new Date(summary.to)) : "unknown";
  const running = summary.state === "Working";

  // Plain text, but Slack still reads `<…>`, `&` and marks in it: inert, so a name cannot @-mention a channel.
  const text = [
    running ? "Still running, updated as it goes." : "",
    `Access to audited data: ${truncate(sentence, 1500)}.`,
    `Actions: ${summary.actions.join(", ") || "unknown"}.`,
    `Items: ${summary.itemCount}${summary.items.length > 0 ? ` (${listWithMore(summary.items, 3, summary.itemCount)})` : ""}.`,
    `Audited: ${audited.join("; ")}.`,
    `Organization: ${summary.organization.name || "unknown"}.`,
  ]
    .filter(Boolean)
    .map((part) => literal(truncate(part, 1500)))
    .join(" ");

  const blocks: AnyBlock[] = [
    header(":eyes: Access to audited data"),
    section(`*${literal(sentence)}*`),
    fields([
      `*Initiated by*\n${literal(summary.initiator.displayName)}${summary.initiator.account ? ` ${inlineCode(summary.initiator.account)}` : ""}`,
      `*Actions*\n${literal(summary.actions.join(", ") || "unknown")}`,
      `*Items (${summary.itemCount})*\n${literal(truncate(items, 1500) || "—")}`,
      `*Target*\n${literal(truncate(listWithMore(summary.targets, 3), 1500) || "—")}`,
      `*When*\n${literal(when)}`,
      `*Client host*\n${literal(summary.clientHost ?? "unknown")}`,
      `*Audited*\n${truncateMrkdwn(audited.map(literal).join("\n"), 1500)}`,
      `*Organization*\n${literal(summary.organization.name || "unknown")}`,
    ]),
    context(
      [
        `Session ${inlineCode(summary.sessionName || summary.sessionId)} · ${literal(summary.sessionId)}`,
        summary.reason ? `Reason given: ${literal(summary.reason)}` : "",
        running
          ? "Still running: this alert is updated as more items arrive."
          : `Matched by ${summary.matchedBy === "ids" ? "user and group ids" : "names (this VB365 version reports no ids)"}`,
      ].filter(Boolean),
    ),
  ];
  return { text: fallbackText(text), blocks };
}
