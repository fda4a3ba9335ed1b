/**
 * The syntax of `/vbo-audit`, stated once: the command's name and limits, what it parses into, and
 * its usage, from which the help reply and the manifest's usage hint are made.
 */
import { AUDIT_FOR } from "../../core/requests/duration.ts";
import type { Who } from "../../core/vocabulary.ts";
import { escapeMrkdwn, inlineCode } from "../blocks/kit.ts";

export const COMMAND = "/vbo-audit";
export const MAX_TEXT_LENGTH = 2000;
export const MAX_REASON_LENGTH = 500;

export type WithOrg = { org?: string };

export type Command =
  | ({ kind: "help" } & WithOrg)
  | ({ kind: "find"; query: string; who: Who } & WithOrg)
  | ({ kind: "add"; who: Who; reason?: string; auditFor?: number } & WithOrg)
  | ({ kind: "remove"; who: Who; reason?: string } & WithOrg)
  | ({ kind: "cancel"; requestId: number } & WithOrg)
  | ({ kind: "list" } & WithOrg)
  | ({ kind: "pending" } & WithOrg)
  | ({ kind: "log"; who?: Who } & WithOrg)
  | ({ kind: "status" } & WithOrg)
  | ({ kind: "digest" } & WithOrg);

export type ParseError = { kind: "error"; message: string };
export type ParseResult = Command | ParseError;
export type Subcommand = Command["kind"];

/** The one description of the command: the help reply and the manifest's usage hint come from it. */
export const USAGE: ReadonlyArray<{ kind: Subcommand; syntax: string; does: string }> = [
  { kind: "add", syntax: "add <who> [reason…] [--for 30d]", does: "ask to start auditing a user or group" },
  { kind: "remove", syntax: "remove <who> [reason…]", does: "ask to stop auditing them" },
  { kind: "find", syntax: "find <query>", does: "matching users and groups, each marked audited or not" },
  { kind: "list", syntax: "list", does: "who is audited now, read from VB365" },
  { kind: "pending", syntax: "pending", does: "requests waiting for approval" },
  {
    kind: "cancel",
    syntax: "cancel <request number>",
    does: "cancel your request (approvers: any) before it reaches VB365; the number is the #n in its message",
  },
  { kind: "log", syntax: "log [who]", does: "the approval log, newest first" },
  { kind: "status", syntax: "status", does: "VB365 connection, API version, audit e-mail notifications" },
  { kind: "digest", syntax: "digest", does: "post the digest now (approvers only)" },
  { kind: "help", syntax: "help", does: "this message" },
];

export const SUBCOMMANDS: readonly Subcommand[] = USAGE.map((u) => u.kind);

/** The manifest's `usage_hint` (test/manifest.test.ts checks manifest.yml carries exactly this). */
export const USAGE_HINT =
  "add ben.young [reason] | remove … | cancel 12 | find … | list | pending | log | status | digest | help";

/** The help reply, in mrkdwn. */
export function usageMrkdwn(): string {
  const lines = USAGE.map((u) => `• ${inlineCode(`${COMMAND} ${u.syntax}`)}: ${u.does}`);
  return [
    `*${COMMAND}* puts Veeam Backup for Microsoft 365 audit items behind an approval.`,
    ...lines,
    `*${escapeMrkdwn("<who>")}* is an e-mail or UPN (${inlineCode("ben.young@example.com")}), its local part ` +
      `(${inlineCode("ben.young")}), a display name in quotes (${inlineCode('"Ben Young"')}), an @mention, ` +
      "or a group's name.",
    `${inlineCode("--org <name-or-id>")} picks the organization when VB365 has several. ` +
      `${inlineCode("--for 30d")} ends the audit by itself after hours (${inlineCode("12h")}), days ` +
      `(${inlineCode("30d")}) or weeks (${inlineCode("2w")}): ${AUDIT_FOR.minText} to ${AUDIT_FOR.maxText}.`,
  ].join("\n");
}

/** A parse that failed, with the message (mrkdwn, fragments escaped) that says how to get it right. */
export function parseError(message: string): ParseError {
  return { kind: "error", message };
}
