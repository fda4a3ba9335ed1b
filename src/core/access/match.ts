/**
 * Access to audited principals' backed-up data, decided from VB365's restore sessions: which events
 * of a session touched an audited user or group, and the one alert that sums the session up. Pure:
 * the watcher job (watch.ts) reads VB365 and Slack, this decides.
 *
 * How an event is matched to an audited principal:
 * - v8 events name whose data they touched (`userId`, `groupId`). Ids are compared after
 *   normalising (case, surrounding space) and through every form VB365 gives one principal: the
 *   audit item's own user/group id, its `msid`, and the Entra object id a composite VB365 id starts
 *   with (`<msid><on-premises guid><SID>`), since audit items and events may carry different forms.
 * - Events without ids (API v6/v7) are matched by name, case-insensitively and on word boundaries:
 *   a UPN / group mail anywhere in the session's `name` and `scopeName` or the event's `source` and
 *   `itemName`; a user's display name in the same texts; a group's display name only where an owner
 *   is named (session name, scope, the first segment of `source`), because group names are often
 *   ordinary words ("Finance") that also name folders.
 * - Members of an audited group count as audited when the caller supplies the members (the watcher
 *   reads them with `groupMembers`, once per run, one level deep: nested groups are not expanded).
 *   A member matches by its id (taken from the member's `_links.self`) on v8, by UPN or display name
 *   before v8.
 */
import * as z from "zod";
import type { AuditItem, RestoreEventType, RestoreSession, RestoreSessionEvent } from "../../vbo/schemas.ts";
import type { ZonedTime } from "../digest/time.ts";
import { type OrganizationRef, plural } from "../vocabulary.ts";

export interface AuditedTarget {
  type: "User" | "Group";
  id: string;
  name: string;
  displayName: string;
  msid?: string | undefined;
}

/** A member of an audited group, as `GET …/Groups/{id}/Members` describes it. */
export interface MemberRef {
  /** VB365 id, when the member's link gives it. */
  id?: string | undefined;
  /** UPN. */
  login?: string | undefined;
  displayName?: string | undefined;
}

export interface AuditedIndex {
  organization: OrganizationRef;
  /** Ids of users and groups, every form (see `idForms`), to what they stand for. */
  readonly byId: ReadonlyMap<string, Touched>;
  /** Name patterns tried against every text / only against owner texts. */
  readonly anywhere: ReadonlyArray<{ pattern: RegExp; touched: Touched }>;
  readonly ownerOnly: ReadonlyArray<{ pattern: RegExp; touched: Touched }>;
  readonly size: number;
}

/** An audited principal a session touched; `via` names the audited group when it was a member. */
export interface Touched {
  type: "User" | "Group";
  name: string;
  displayName: string;
  via?: string | undefined;
}

const NIL_GUID = "00000000-0000-0000-0000-000000000000";
const GUID_PREFIX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Every form of a VB365 id worth comparing: the whole id and the Entra object id it starts with. */
export function idForms(id: string | null | undefined): string[] {
  const whole = id?.trim().toLowerCase();
  if (!whole) return [];
  const forms = [whole];
  const guid = GUID_PREFIX.exec(whole)?.[0];
  if (guid && guid !== whole && guid !== NIL_GUID) forms.push(guid);
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `text` as a whole word or phrase, any case; nothing for text too short to mean anyone. */
function wordPattern(text: string | null | undefined): RegExp | undefined {
  const t = text?.trim();
  if (!t || t.length < 3) return undefined;
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(t)}(?![\\p{L}\\p{N}_])`, "iu");
}

/**
 * An organization's audited principals, ready for matching. `members` maps an audited group's audit
 * item id to its members (leave a group out when its members are unknown).
 */
export function createAuditedIndex(
  organization: OrganizationRef,
  items: readonly AuditItem[],
  members: ReadonlyMap<string, readonly MemberRef[]> = new Map(),
): AuditedIndex {
  const byId = new Map<string, Touched>();
  const anywhere: Array<{ pattern: RegExp; touched: Touched }> = [];
  const ownerOnly: Array<{ pattern: RegExp; touched: Touched }> = [];
  const addIds = (ids: Array<string | null | undefined>, touched: Touched) => {
    for (const id of ids) for (const form of idForms(id)) if (!byId.has(form)) byId.set(form, touched);
  };
  const addName = (list: typeof anywhere, text: string | null | undefined, touched: Touched) => {
    const pattern = wordPattern(text);
    if (pattern) list.push({ pattern, touched });
  };
  const groups: Array<{ itemId: string; target: Touched }> = [];
  let size = 0;
  // Audited principals first: an id or name that is both audited and a member is named as audited.
  for (const item of items) {
    const who = item.type === "User" ? item.user : item.group;
    if (!who) continue;
    size++;
    const target: Touched = {
      type: item.type,
      name: who.name ?? "",
      displayName: who.displayName || who.name || who.id,
    };
    addIds([who.id, who.msid], target);
    addName(anywhere, who.name, target);
    addName(item.type === "User" ? anywhere : ownerOnly, who.displayName, target);
    if (item.type === "Group") groups.push({ itemId: item.id, target });
  }
  for (const { itemId, target } of groups) {
    for (const m of members.get(itemId) ?? []) {
      const touched: Touched = {
        type: "User",
        name: m.login ?? "",
        displayName: m.displayName || m.login || m.id || "a member",
        via: target.displayName,
      };
      addIds([m.id], touched);
      addName(anywhere, m.login, touched);
      addName(anywhere, m.displayName, touched);
    }
  }
  return { organization, byId, anywhere, ownerOnly, size };
}

/** The audited principals one event touched, by ids when the event carries them, else by names. */
export function touchedBy(
  session: Pick<RestoreSession, "name" | "scopeName">,
  event: Pick<RestoreSessionEvent, "userId" | "groupId" | "source" | "itemName">,
  index: AuditedIndex,
): Touched[] {
  const found = new Map<string, Touched>();
  const add = (t: Touched) =>
    found.set(`${t.type}:${t.name.toLowerCase()}:${t.displayName}:${t.via ?? ""}`, t);
  if (event.userId || event.groupId) {
    for (const id of [event.userId, event.groupId]) {
      for (const form of idForms(id)) {
        const t = index.byId.get(form);
        if (t) {
          add(t);
          break;
        }
      }
    }
    return [...found.values()];
  }
  const owner = event.source?.split("\\")[0];
  const ownerTexts = [session.name, session.scopeName, owner].filter((t): t is string => !!t);
  const allTexts = [...ownerTexts, event.source, event.itemName].filter((t): t is string => !!t);
  for (const { pattern, touched } of index.anywhere) if (allTexts.some((t) => pattern.test(t))) add(touched);
  for (const { pattern, touched } of index.ownerOnly)
    if (ownerTexts.some((t) => pattern.test(t))) add(touched);
  // Someone audited in their own right is not listed again as a member of an audited group.
  const direct = new Set(
    [...found.values()].filter((t) => t.via === undefined && t.name).map((t) => t.name.toLowerCase()),
  );
  return [...found.values()].filter((t) => t.via === undefined || !direct.has(t.name.toLowerCase()));
}

/** What one alert says about one session; also what the `access_seen` log event keeps. */
export const AccessSummary = z.object({
  sessionId: z.string(),
  sessionName: z.string(),
  sessionType: z.string(),
  state: z.string(),
  organization: z.object({ id: z.string().nullable(), name: z.string() }),
  initiator: z.object({ account: z.string(), displayName: z.string() }),
  clientHost: z.string().nullable(),
  reason: z.string().nullable(),
  actions: z.array(z.string()),
  itemCount: z.number(),
  /** Item names, at most `MAX_ITEMS` kept. */
  items: z.array(z.string()),
  targets: z.array(z.string()),
  from: z.string().nullable(),
  to: z.string().nullable(),
  principals: z.array(
    z.object({
      type: z.enum(["User", "Group"]),
      name: z.string(),
      displayName: z.string(),
      via: z.string().optional(),
    }),
  ),
  matchedBy: z.enum(["ids", "names"]),
});
export type AccessSummary = z.infer<typeof AccessSummary>;

/** Item names and targets an alert keeps: enough to read, bounded for the log and Slack. */
export const MAX_ITEMS = 20;
export const MAX_TARGETS = 10;

const ACTION_ORDER: RestoreEventType[] = ["View", "Export", "Restore", "Save", "Send", "None"];

export interface AlertInput {
  session: RestoreSession;
  events: readonly RestoreSessionEvent[];
  /** The audited principals of every organization the session may belong to. */
  indexes: readonly AuditedIndex[];
  /** The initiator's display name, when the directory knows the account. */
  initiatorName?: string | undefined;
}

/**
 * The alert for one session: the events that touched audited principals, grouped. Null when no
 * event touched anyone audited.
 */
export function buildAccessSummary(input: AlertInput): AccessSummary | null {
  const { session } = input;
  const matched: Array<{ event: RestoreSessionEvent; touched: Touched[]; index: AuditedIndex }> = [];
  let byIds = false;
  for (const event of [...input.events].sort((a, b) => a.order - b.order)) {
    for (const index of input.indexes) {
      const touched = touchedBy(session, event, index);
      if (touched.length > 0) {
        matched.push({ event, touched, index });
        if (event.userId || event.groupId) byIds = true;
        break;
      }
    }
  }
  if (matched.length === 0) return null;

  const real = matched.filter((m) => m.event.type !== undefined && m.event.type !== "None");
  const counted = real.length > 0 ? real : matched;
  const actions = ACTION_ORDER.filter((a) => counted.some((m) => (m.event.type ?? "None") === a));
  const distinct = (values: Array<string | null | undefined>) => [
    ...new Set(values.filter((v): v is string => !!v?.trim()).map((v) => v.trim())),
  ];
  const principals = new Map<string, Touched>();
  for (const m of matched)
    for (const t of m.touched) principals.set(`${t.type}:${t.displayName}:${t.via ?? ""}`, t);
  const starts = counted.map((m) => Date.parse(m.event.startTime)).filter(Number.isFinite);
  const ends = counted.map((m) => Date.parse(m.event.endTime ?? m.event.startTime)).filter(Number.isFinite);
  const organization = matched[0]?.index.organization;
  return {
    sessionId: session.id.toLowerCase(),
    sessionName: session.name ?? "",
    sessionType: session.type,
    state: session.state,
    organization: { id: organization?.id ?? null, name: organization?.name ?? session.organization ?? "" },
    initiator: {
      account: session.initiatedBy ?? "",
      displayName: input.initiatorName ?? accountDisplayName(session.initiatedBy),
    },
    clientHost: session.clientHost?.trim() ? session.clientHost.trim() : null,
    reason: session.reason?.trim() ? session.reason.trim() : null,
    actions,
    itemCount: counted.length,
    items: distinct(counted.map((m) => m.event.itemName)).slice(0, MAX_ITEMS),
    targets: distinct(counted.map((m) => m.event.target)).slice(0, MAX_TARGETS),
    from: starts.length > 0 ? new Date(Math.min(...starts)).toISOString() : null,
    to: ends.length > 0 ? new Date(Math.max(...ends)).toISOString() : null,
    principals: [...principals.values()].map((t) => ({
      type: t.type,
      name: t.name,
      displayName: t.displayName,
      ...(t.via === undefined ? {} : { via: t.via }),
    })),
    matchedBy: byIds ? "ids" : "names",
  };
}

/** `VBRIDGE\simon.service` or `simon.service@corp` → `simon service`: a readable name for an account. */
export function accountDisplayName(account: string | null | undefined): string {
  const local = accountLocalPart(account);
  return local ? local.replace(/[._]+/g, " ").trim() : "someone";
}

/** `VBRIDGE\simon.service` → `simon.service`; `simon@corp.com` → `simon`. */
export function accountLocalPart(account: string | null | undefined): string {
  const raw = account?.trim() ?? "";
  const afterDomain = raw.includes("\\") ? (raw.split("\\").pop() ?? "") : raw;
  return afterDomain.split("@")[0] ?? "";
}

const VERBS: Record<string, string> = {
  View: "viewed",
  Export: "exported",
  Restore: "restored",
  Save: "saved",
  Send: "sent",
  None: "processed",
};

const WHAT: Record<string, string> = {
  Vex: "mailbox",
  Veod: "OneDrive",
  Vesp: "SharePoint data",
  Vet: "Teams data",
};

/** "a", "a and b", "a, b and c" */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * One sentence for people: "simon service exported 5 items from Ben Young's mailbox to C:\export,
 * 11 Mar 2025 09:42–09:44 UTC, from VBO-PROXY01". Plain text (the renderers escape it).
 */
export function describeAccess(summary: AccessSummary, time: ZonedTime): string {
  const verbs = joinAnd(summary.actions.map((a) => VERBS[a] ?? a.toLowerCase()));
  const items = plural(summary.itemCount, "item");
  const what = WHAT[summary.sessionType] ?? "data";
  const names = summary.principals.map((p) => p.displayName);
  const owners =
    names.length === 1
      ? `${names[0]}'s ${what}`
      : names.length <= 3
        ? `the ${what} of ${joinAnd(names)}`
        : `the ${what} of ${names.slice(0, 2).join(", ")} and ${names.length - 2} others`;
  let sentence = `${summary.initiator.displayName} ${verbs || "accessed"} ${items} from ${owners}`;
  if (summary.targets.length === 1) sentence += ` to ${summary.targets[0]}`;
  else if (summary.targets.length > 1)
    sentence += ` to ${summary.targets[0]} and ${summary.targets.length - 1} other target${summary.targets.length === 2 ? "" : "s"}`;
  if (summary.from && summary.to) sentence += `, ${time.range(new Date(summary.from), new Date(summary.to))}`;
  if (summary.clientHost) sentence += `, from ${summary.clientHost}`;
  return sentence;
}
