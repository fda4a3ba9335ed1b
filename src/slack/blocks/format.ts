/**
 * Small mrkdwn pieces shared by the renderers: dates Slack shows in each reader's own time zone,
 * principals, request titles. Pure; outside text goes through text.ts (`literal`, `oneLine`).
 */
import type { Request, RequestKind } from "../../core/requests/types.ts";
import type { PrincipalRef } from "../../vbo/schemas.ts";
import { fallbackText } from "./kit.ts";
import { inlineCode, label, literal, oneLine } from "./text.ts";

/** `2026-03-02 09:00 UTC`: how a date reads where Slack cannot localise it (fallback text, logs). */
export function plainDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A date Slack renders in the reader's time zone, with a UTC fallback for old clients. */
export function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${plainDate(date)}>`;
}

export function verb(kind: RequestKind): string {
  return kind === "add" ? "Start auditing" : "Stop auditing";
}

/** A principal's name as shown: its display name, else its UPN, else its id; one plain line. */
export function principalLabel(principal: Pick<PrincipalRef, "displayName" | "name" | "id">): string {
  return label(principal.displayName || principal.name || principal.id) || principal.id;
}

/** `*Ben Young*` `ben.young@…` · User: VB365's names shown as text, never as formatting. */
export function principalMrkdwn(principal: PrincipalRef): string {
  const name = oneLine(principal.name) === "" ? "" : ` ${inlineCode(principal.name)}`;
  return `*${literal(principalLabel(principal))}*${name} · ${principal.type}`;
}

/** `Ben Young (ben.young@…, User)` for plain-text fallbacks. */
export function principalPlain(principal: PrincipalRef): string {
  const label = principalLabel(principal);
  const name = oneLine(principal.name);
  const upn = name && name !== label ? `${name}, ` : "";
  return `${label} (${upn}${principal.type})`;
}

type Titled = Pick<Request, "id" | "kind" | "principal" | "organization">;

/**
 * What a request asks, in mrkdwn: `start auditing *Ben Young* \`ben.young@…\` · User in *vBridge*`.
 * Every title of a request in a message, reply, modal or Home tab card is built on this one.
 */
export function requestAskMrkdwn(request: Omit<Titled, "id">): string {
  return `${verb(request.kind).toLowerCase()} ${principalMrkdwn(request.principal)} in *${literal(request.organization.name)}*`;
}

/** `*#12* start auditing *Ben Young* … in *vBridge*` */
export function requestTitleMrkdwn(request: Titled): string {
  return `*#${request.id}* ${requestAskMrkdwn(request)}`;
}

/** `Request #12: start auditing Ben Young (…) in vBridge`, plain text. */
export function requestTitlePlain(
  request: Pick<Request, "id" | "kind" | "principal" | "organization">,
): string {
  return `Request #${request.id}: ${verb(request.kind).toLowerCase()} ${principalPlain(request.principal)} in ${oneLine(request.organization.name)}`;
}

/** `<@U1>, <@U2> and <@U3>` */
export function mentionList(userIds: readonly string[]): string {
  const mentions = userIds.map((id) => `<@${id}>`);
  if (mentions.length <= 1) return mentions.join("");
  return `${mentions.slice(0, -1).join(", ")} and ${mentions.at(-1)}`;
}

/**
 * A message's `text` fallback from plain text, on one line. Slack parses `text` as mrkdwn too
 * (notifications, screen readers), so outside `<!channel>`, `<url|label>`, `*marks*` or `:emoji:`
 * must be made inert here as well (text.ts).
 */
export function plainFallback(text: string): string {
  return fallbackText(literal(text));
}

/**
 * The `text` fallback of a reply written in mrkdwn: the same words without emphasis marks, so that a
 * notification or a screen reader does not read out asterisks and backticks. Escaped entities,
 * mentions and emoji codes stay: Slack renders those in `text` too.
 */
export function fallbackFromMrkdwn(mrkdwn: string): string {
  const plain = mrkdwn
    .replace(/```([\s\S]*?)```/g, "$1")
    .replace(/`([^`\n]+)`/g, "$1")
    .replace(/(^|[\s(>])\*(\S(?:[^*\n]*\S)?)\*(?=$|[\s).,:;!?])/gm, "$1$2")
    .replace(/(^|[\s(>])_(\S(?:[^_\n]*\S)?)_(?=$|[\s).,:;!?])/gm, "$1$2")
    .replace(/(^|[\s(>])~(\S(?:[^~\n]*\S)?)~(?=$|[\s).,:;!?])/gm, "$1$2");
  return fallbackText(plain);
}
