/**
 * The words every feature of the core shares, defined once: how a person names someone (`Who`),
 * the organization, who is acting, the approval log's entries and its non-human actors. Plain data
 * and one tiny helper: no behaviour of any feature, no Slack, no SQL.
 */
import type { PrincipalRef } from "../vbo/schemas.ts";

export type { PrincipalRef, PrincipalType } from "../vbo/schemas.ts";

/** `<who>` as a person names a Microsoft 365 user or group. */
export type Who =
  /** An e-mail / UPN. */
  | { kind: "email"; value: string }
  /** A display name in quotes: `"Ben Young"`. */
  | { kind: "quoted"; value: string }
  /** A local part (`ben.young`), a loose name or a group's name. */
  | { kind: "text"; value: string }
  /** A chat member (an @mention), known to Microsoft 365 by their profile e-mail. */
  | { kind: "member"; userId: string; label?: string };

/** What the directory looks up: a `Who`, with a member replaced by their profile e-mail. */
export type Lookup = Exclude<Who, { kind: "member" }> | { kind: "memberEmail"; value: string };

export interface OrganizationRef {
  id: string;
  name: string;
  /**
   * The name of the VB365 server that holds it (core/servers.ts). Unset in what was written before
   * there were several servers: the server named `default`, or whichever lists the id.
   */
  server?: string | undefined;
}

/** Who is acting: a chat user id, and whether they may approve. */
export interface Actor {
  userId: string;
  isApprover: boolean;
}

/** Actors that are not people: the bot itself, and changes seen in VB365 made outside the bot. */
export const SYSTEM_ACTOR = "system";
export const VB365_ACTOR = "vb365";

/**
 * Kinds of event in the approval log. The database accepts any kind (no migration needed for new
 * ones): add a kind here when a new part of the bot starts logging it.
 */
export const EVENT_KINDS = [
  "requested",
  /** Someone asked for a change VB365 shows is not needed: they learned whether the principal is audited. */
  "audit_state_answered",
  "voted",
  "vote_discounted",
  "approved",
  "denied",
  "expired",
  "cancelled",
  "apply_attempted",
  "apply_succeeded",
  "apply_failed",
  "failed",
  "drift_seen",
  "audit_expired",
  "audit_expiry_failed",
  "reminded",
  "digest_posted",
  "access_seen",
  "log_keyed",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface LogEvent {
  id: number;
  at: Date;
  kind: EventKind;
  /** A chat user id, `SYSTEM_ACTOR` or `VB365_ACTOR`. */
  actor: string;
  requestId: number | null;
  organization: OrganizationRef | null;
  principal: Pick<PrincipalRef, "type" | "id" | "name" | "displayName"> | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** `1 approval` / `2 approvals`: a count and its noun, for every line a person reads. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The approval log's newest entry, as the digest and `status` publish it and `verify-log --expect`
 * takes it back: its sequence number and hash (at least the first `LOG_HEAD_HEX` hex characters).
 */
export interface LogHead {
  seq: number;
  hash: string;
}

/** How many hex characters of the head's hash are published; enough that no rebuilt chain matches. */
export const LOG_HEAD_HEX = 16;

/** `42:3f2a9c…` (the first 16 hex characters). */
export function logHeadText(head: LogHead): string {
  return `${head.seq}:${head.hash.slice(0, LOG_HEAD_HEX)}`;
}

/** `<n>:<hash>` as published; undefined unless n is a positive whole number and the hash 16–64 hex characters. */
export function parseLogHead(text: string): LogHead | undefined {
  const match = /^(\d{1,15}):([0-9a-f]{16,64})$/i.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const seq = Number(match[1]);
  return seq >= 1 ? { seq, hash: match[2].toLowerCase() } : undefined;
}
