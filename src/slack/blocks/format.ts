/**
 * Small mrkdwn pieces shared by the renderers: dates Slack shows in each reader's own time zone,
 * principals, request titles. Pure; user-supplied text is escaped here, once.
 */
import type { Request, RequestKind } from "../../core/requests/types.ts";
import type { PrincipalRef } from "../../vbo/schemas.ts";
import { escapeMrkdwn, fallbackText, inlineCode } from "./kit.ts";

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

/** `*Ben Young*` `ben.young@…` · User, escaped. */
export function principalMrkdwn(principal: PrincipalRef): string {
  const name = principal.name.trim() === "" ? "" : ` ${inlineCode(principal.name)}`;
  return `*${escapeMrkdwn(principal.displayName || principal.name || principal.id)}*${name} · ${principal.type}`;
}

/** `Ben Young (ben.young@…, User)` for plain-text fallbacks. */
export function principalPlain(principal: PrincipalRef): string {
  const label = principal.displayName || principal.name || principal.id;
  const upn = principal.name && principal.name !== label ? `${principal.name}, ` : "";
  return `${label} (${upn}${principal.type})`;
}

type Titled = Pick<Request, "id" | "kind" | "principal" | "organization">;

/**
 * What a request asks, in mrkdwn: `start auditing *Ben Young* \`ben.young@…\` · User in *vBridge*`.
 * Every title of a request in a message, reply, modal or Home tab card is built on this one.
 */
export function requestAskMrkdwn(request: Omit<Titled, "id">): string {
  return `${verb(request.kind).toLowerCase()} ${principalMrkdwn(request.principal)} in *${escapeMrkdwn(request.organization.name)}*`;
}

/** `*#12* start auditing *Ben Young* … in *vBridge*` */
export function requestTitleMrkdwn(request: Titled): string {
  return `*#${request.id}* ${requestAskMrkdwn(request)}`;
}

/** `Request #12: start auditing Ben Young (…) in vBridge`, plain text. */
export function requestTitlePlain(
  request: Pick<Request, "id" | "kind" | "principal" | "organization">,
): string {
  return `Request #${request.id}: ${verb(request.kind).toLowerCase()} ${principalPlain(request.principal)} in ${request.organization.name}`;
}

/** `<@U1>, <@U2> and <@U3>` */
export function mentionList(userIds: readonly string[]): string {
  const mentions = userIds.map((id) => `<@${id}>`);
  if (mentions.length <= 1) return mentions.join("");
  return `${mentions.slice(0, -1).join(", ")} and ${mentions.at(-1)}`;
}

/**
 * A message's `text` fallback from plain text. Slack parses `text` as mrkdwn too (notifications,
 * screen readers), so user-supplied `<!channel>` or `<url|label>` must be escaped here as well.
 */
export function plainFallback(text: string): string {
  return fallbackText(escapeMrkdwn(text));
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
