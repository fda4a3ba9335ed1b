/**
 * The digest, decided: given what VB365 lists now, what it listed at the previous digest (the
 * snapshot), the log of the bot's own changes and the open requests, say per organization who is
 * audited, what changed through the bot, what changed outside it (drift), what is waiting, and what
 * access to audited data was seen. Pure: the digest job gathers the inputs and posts the result
 * (post.ts), src/slack/blocks/digest.ts renders it.
 *
 * Drift: start from the snapshot, replay the bot's own changes logged since it was taken (applied
 * adds and removes, time-bound audits it ended), and compare the expected list with VB365's. What
 * VB365 has beyond it was added outside the bot; what it lacks was removed outside the bot. Each
 * drift is reported once: after a digest the snapshot becomes VB365's current list.
 */
import { principalKey, samePrincipal } from "../../vbo/principals.ts";
import type { AuditItem, PrincipalType } from "../../vbo/schemas.ts";
import { AccessSummary } from "../access/match.ts";
import type { Request } from "../requests/types.ts";
import type { LogEvent, LogHead, OrganizationRef } from "../vocabulary.ts";

/** An audited principal as the digest and the snapshots keep it. */
export interface AuditEntry {
  /** `auditKey` of the principal. */
  key: string;
  type: PrincipalType;
  id: string;
  name: string;
  displayName: string;
  msid?: string | undefined;
  /** The audit item's own id; absent for an entry known only from the bot's log. */
  auditItemId?: string | undefined;
}

/** The snapshots' key of a principal: its type and `principalKey` (src/vbo/principals.ts). */
export function auditKey(p: { type: PrincipalType; name?: string | null | undefined; id: string }): string {
  return `${p.type}:${principalKey(p)}`;
}

/** VB365's audit items as entries (items without their user or group are skipped). */
export function auditEntries(items: readonly AuditItem[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const item of items) {
    const who = item.type === "User" ? item.user : item.group;
    if (!who) continue;
    out.push({
      key: auditKey({ type: item.type, name: who.name, id: who.id }),
      type: item.type,
      id: who.id,
      name: who.name ?? "",
      displayName: who.displayName || who.name || who.id,
      ...(who.msid ? { msid: who.msid } : {}),
      auditItemId: item.id,
    });
  }
  return out;
}

/** A change the bot made to VB365's audit list, from the log. */
export interface BotChange {
  at: Date;
  change: "added" | "removed";
  principal: { type: PrincipalType; id: string; name: string; displayName: string };
  requestId: number | null;
  /** Why: an approved request, or a time-bound audit the bot ended. */
  cause: "request" | "audit_ended";
  requester: string | null;
  approvers: string[];
}

export interface RequestPeople {
  requester: string;
  approvers: string[];
}

/**
 * The bot's own changes to one organization's audit list in `events` (oldest first): applied
 * requests, and time-bound audits it ended (unless a later request superseded the ending).
 */
export function botChangesFrom(
  events: readonly LogEvent[],
  organizationId: string,
  people: (requestId: number) => RequestPeople | undefined = () => undefined,
): BotChange[] {
  const out: BotChange[] = [];
  for (const e of events) {
    if (e.organization?.id !== organizationId || e.principal === null) continue;
    let change: BotChange["change"] | undefined;
    let cause: BotChange["cause"] = "request";
    if (e.kind === "apply_succeeded") {
      change =
        e.detail.requestKind === "add" ? "added" : e.detail.requestKind === "remove" ? "removed" : undefined;
    } else if (e.kind === "audit_expired" && e.detail.supersededBy === undefined) {
      change = "removed";
      cause = "audit_ended";
    }
    if (change === undefined) continue;
    const who = e.requestId === null ? undefined : people(e.requestId);
    out.push({
      at: e.at,
      change,
      principal: { ...e.principal },
      requestId: e.requestId,
      cause,
      requester: who?.requester ?? null,
      approvers: who?.approvers ?? [],
    });
  }
  return out;
}

export interface DriftItem {
  change: "added" | "removed";
  entry: AuditEntry;
}

/**
 * Changes to the audit list made outside the bot. `snapshot` null: there is nothing to compare
 * with yet (the first digest), so no drift.
 */
export function computeDrift(
  snapshot: readonly AuditEntry[] | null,
  botChanges: readonly BotChange[],
  current: readonly AuditEntry[],
): DriftItem[] {
  if (snapshot === null) return [];
  // The store hands back VB365's own list when the snapshot is that list (DigestStore.snapshot).
  if (snapshot === current && botChanges.length === 0) return [];
  const expected = new Map<string, AuditEntry>(snapshot.map((e) => [e.key, e]));
  for (const c of [...botChanges].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const key = auditKey(c.principal);
    if (c.change === "added") expected.set(key, { key, ...c.principal });
    else expected.delete(key);
  }
  const now = new Map(current.map((e) => [e.key, e]));
  const added = [...now].filter(([key]) => !expected.has(key)).map(([, e]) => e);
  const removed = [...expected].filter(([key]) => !now.has(key)).map(([, e]) => e);
  // Keys differ when one side knew a principal by another form (an id where the other had an
  // address, say): what `samePrincipal` pairs up did not change. The leftovers are few.
  const unchanged = new Set<AuditEntry>();
  for (const a of added) {
    const twin = removed.find((r) => !unchanged.has(r) && samePrincipal(r, a));
    if (twin) unchanged.add(twin).add(a);
  }
  const drift: DriftItem[] = [
    ...added.filter((e) => !unchanged.has(e)).map((entry) => ({ change: "added" as const, entry })),
    ...removed.filter((e) => !unchanged.has(e)).map((entry) => ({ change: "removed" as const, entry })),
  ];
  return drift.sort((a, b) => byName(a.entry, b.entry));
}

// Collators made once: \`localeCompare\` with options builds one per call, which made sorting a
// large audit list the digest's biggest cost.
const byBaseLetters = new Intl.Collator("en", { sensitivity: "base" }).compare;
const byDefaultLocale = new Intl.Collator().compare;

function byName(a: { displayName: string; name: string }, b: { displayName: string; name: string }): number {
  return byBaseLetters(a.displayName, b.displayName) || byDefaultLocale(a.name, b.name);
}

/** Access alerts of the period, from the watcher's `access_seen` events: the latest per session. */
export function accessFromLog(events: readonly LogEvent[]): Map<string, AccessSummary[]> {
  const bySession = new Map<string, { organizationKey: string; summary: AccessSummary }>();
  for (const e of events) {
    if (e.kind !== "access_seen") continue;
    const parsed = AccessSummary.safeParse(e.detail.summary);
    if (!parsed.success) continue;
    const organizationKey =
      e.organization?.id ?? parsed.data.organization.id ?? parsed.data.organization.name;
    bySession.set(parsed.data.sessionId, { organizationKey, summary: parsed.data });
  }
  const out = new Map<string, AccessSummary[]>();
  for (const { organizationKey, summary } of bySession.values()) {
    const list = out.get(organizationKey) ?? [];
    list.push(summary);
    out.set(organizationKey, list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.from ?? "").localeCompare(b.from ?? ""));
  return out;
}

export type Notifications = { kind: "on" } | { kind: "off" } | { kind: "unknown"; error: string };

export interface OrganizationInput {
  organization: OrganizationRef;
  /** VB365's audit list now, or why it could not be read. */
  current: { ok: true; entries: AuditEntry[] } | { ok: false; error: string };
  /** What the previous digest saw; null when none did. */
  snapshot: readonly AuditEntry[] | null;
  /** The bot's changes logged since the snapshot was taken (for drift). */
  changesSinceSnapshot: readonly BotChange[];
  /** The bot's changes since the previous digest (to list). */
  changes: readonly BotChange[];
  /** Open requests of this organization (pending, approved, apply_failed). */
  openRequests: readonly Request[];
  /** Requests of this organization that expired since the previous digest. */
  expired: readonly Request[];
  access: readonly AccessSummary[];
}

export interface DigestInput {
  generatedAt: Date;
  /** When the previous digest was gathered; null for the first one. */
  since: Date | null;
  trigger: { kind: "scheduled"; period: string } | { kind: "manual"; requestedBy: string };
  notifications: Notifications;
  organizations: readonly OrganizationInput[];
  /** Remarks for the end of the digest (items VB365 sent that the bot had to skip, say). */
  notes?: readonly string[];
  /** The approval log's newest entry when the digest was gathered: published, so a later cut shows. */
  logHead?: LogHead | undefined;
}

export interface OrganizationDigest {
  organization: OrganizationRef;
  available: boolean;
  /** Why VB365 could not be read, when it could not. */
  error?: string;
  users: AuditEntry[];
  groups: AuditEntry[];
  /** True when there was no snapshot to compare with: this digest sets the baseline. */
  baseline: boolean;
  changes: BotChange[];
  drift: DriftItem[];
  /** Approved (or apply_failed) and not yet applied, oldest first. */
  awaitingApply: Request[];
  pending: Array<{ request: Request; ageMs: number }>;
  expired: Request[];
  access: AccessSummary[];
}

export interface Digest {
  generatedAt: Date;
  since: Date | null;
  trigger: DigestInput["trigger"];
  notifications: Notifications;
  organizations: OrganizationDigest[];
  notes: string[];
  logHead: LogHead | undefined;
  totals: {
    organizations: number;
    unavailable: number;
    audited: number;
    changes: number;
    drift: number;
    awaitingApply: number;
    pending: number;
    expired: number;
    access: number;
  };
}

export function buildDigest(input: DigestInput): Digest {
  const organizations = [...input.organizations]
    .sort((a, b) => byBaseLetters(a.organization.name, b.organization.name))
    .map((o) => organizationDigest(o, input.generatedAt));
  const sum = (f: (o: OrganizationDigest) => number) => organizations.reduce((n, o) => n + f(o), 0);
  return {
    generatedAt: input.generatedAt,
    since: input.since,
    trigger: input.trigger,
    notifications: input.notifications,
    organizations,
    notes: [...(input.notes ?? [])],
    logHead: input.logHead,
    totals: {
      organizations: organizations.length,
      unavailable: sum((o) => (o.available ? 0 : 1)),
      audited: sum((o) => o.users.length + o.groups.length),
      changes: sum((o) => o.changes.length),
      drift: sum((o) => o.drift.length),
      awaitingApply: sum((o) => o.awaitingApply.length),
      pending: sum((o) => o.pending.length),
      expired: sum((o) => o.expired.length),
      access: sum((o) => o.access.length),
    },
  };
}

function organizationDigest(o: OrganizationInput, now: Date): OrganizationDigest {
  const open = [...o.openRequests].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id,
  );
  const base = {
    organization: o.organization,
    changes: [...o.changes].sort((a, b) => a.at.getTime() - b.at.getTime()),
    awaitingApply: open.filter((r) => r.state === "approved" || r.state === "apply_failed"),
    pending: open
      .filter((r) => r.state === "pending")
      .map((request) => ({ request, ageMs: Math.max(0, now.getTime() - request.createdAt.getTime()) })),
    expired: [...o.expired].sort((a, b) => a.id - b.id),
    access: [...o.access],
  };
  if (!o.current.ok) {
    return {
      ...base,
      available: false,
      error: o.current.error,
      users: [],
      groups: [],
      baseline: o.snapshot === null,
      drift: [],
    };
  }
  const entries = [...o.current.entries].sort(byName);
  return {
    ...base,
    available: true,
    users: entries.filter((e) => e.type === "User"),
    groups: entries.filter((e) => e.type === "Group"),
    baseline: o.snapshot === null,
    drift: computeDrift(o.snapshot, o.changesSinceSnapshot, o.current.entries),
  };
}
