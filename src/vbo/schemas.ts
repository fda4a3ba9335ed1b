/**
 * Zod schemas for the VB365 REST responses the bot reads, after spec/vbo-openapi (v6, v7, v8).
 *
 * As loose as the official documents allow, or looser, never stricter:
 * - a field that is not in the document's `required` may be absent, and may be `null` (ASP.NET
 *   sends null for any reference-typed field it has no value for, declared nullable or not);
 * - unknown extra fields are kept and ignored;
 * - enums are open: a value the bot does not know (the v8 document grows with every 8.x build)
 *   is kept as a string, and the client logs it once (`KNOWN_ENUMS`);
 * - what the bot cannot work without (a user's or group's `id`) is required here even where the
 *   document does not require it: such an item is skipped or refused by the client, item by item.
 */
import * as z from "zod";

export const API_VERSIONS = ["v6", "v7", "v8"] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

const str = z.string();
/** Not required by the document: absent, null, or a string. */
const text = z.string().nullish();
const num = z.number().nullish();
const bool = z.boolean().nullish();

export const LinkDictionary = z.record(z.string(), z.looseObject({ href: text }).nullable());
const links = LinkDictionary.nullish();

export const TokenResponse = z.looseObject({
  access_token: str,
  refresh_token: str,
  token_type: str,
  expires_in: z.number(),
  userName: text,
  ".issued": text,
  ".expires": text,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const ExceptionInfo = z.looseObject({
  message: text,
  errorCode: text,
  stackTrace: text,
});
export type ExceptionInfo = z.infer<typeof ExceptionInfo>;

export const ServiceInstance = z.looseObject({ installationId: text, version: text });
export type ServiceInstance = z.infer<typeof ServiceInstance>;

export const Organization = z.looseObject({
  id: text,
  name: text,
  officeName: text,
  type: text,
  description: text,
  msid: text,
  _links: links,
});
export type Organization = z.infer<typeof Organization>;

export const User = z.looseObject({
  id: str,
  displayName: text,
  name: text,
  type: text,
  locationType: text,
  msid: text,
  onPremisesSid: text,
  office: text,
  _links: links,
});
export type User = z.infer<typeof User>;

export const Group = z.looseObject({
  id: str,
  displayName: text,
  name: text,
  type: text,
  locationType: text,
  managedBy: text,
  site: text,
  msid: text,
  _links: links,
});
export type Group = z.infer<typeof Group>;

export const GroupMember = z.looseObject({
  groupId: text,
  name: text,
  login: text,
  type: text,
  isCloud: bool,
  _links: links,
});
export type GroupMember = z.infer<typeof GroupMember>;

/**
 * Every VB365 page: `totalCount` only before v8, `setId` when the server cached the result set.
 * Items are checked one by one by the client (`results` is read as unknown here), so one bad item
 * never costs the page.
 */
export const PageFrame = z.looseObject({
  offset: z.number(),
  limit: z.number(),
  setId: text,
  results: z.array(z.unknown()),
  totalCount: num,
  _links: links,
});
export type Page<T> = {
  offset: number;
  limit: number;
  setId?: string | null | undefined;
  results: T[];
  totalCount?: number | null | undefined;
  _links?: Record<string, { href?: string | null | undefined } | null> | null | undefined;
};

/**
 * An audit item as the document declares it: nothing required. The client turns it into an
 * `AuditItem` (type inferred from the principal it carries; the principal's id taken from the
 * item id when the principal has none) or refuses the list.
 */
export const AuditItemWire = z.looseObject({
  id: text,
  type: text,
  user: User.partial({ id: true }).nullish(),
  group: Group.partial({ id: true }).nullish(),
  _links: links,
});
export type AuditItemWire = z.infer<typeof AuditItemWire>;

/** An audit item the bot can act on: its own id, and the user or group it stands for. */
export interface AuditItem {
  id: string;
  type: PrincipalType;
  user?: User | undefined;
  group?: Group | undefined;
  _links?: z.infer<typeof LinkDictionary> | null | undefined;
}

export const AuditEmailSettings = z.looseObject({
  enableNotification: bool,
  smtpServer: text,
  port: num,
  useSSL: bool,
  from: text,
  to: text,
  subject: text,
  authenticationType: text,
});
export type AuditEmailSettings = z.infer<typeof AuditEmailSettings>;

export const RestoreSession = z.looseObject({
  id: str,
  name: text,
  organization: text,
  type: str,
  creationTime: str,
  endTime: text,
  state: str,
  result: str,
  initiatedBy: text,
  details: text,
  scopeName: text,
  clientHost: text,
  reason: text,
  eTag: num,
  _links: links,
});
export type RestoreSession = z.infer<typeof RestoreSession>;

/** The event types the bot knows; a server may send others (kept as strings). */
export type RestoreEventType = "None" | "Save" | "Export" | "Send" | "Restore" | "View";
export const RestoreSessionEvent = z.looseObject({
  id: str,
  type: text,
  status: str,
  itemName: text,
  itemType: text,
  itemSizeBytes: num,
  source: text,
  target: text,
  startTime: str,
  endTime: text,
  duration: text,
  title: text,
  message: str,
  order: z.number(),
  // v8 only, each nullable: a real server sends null for the ids it has none for.
  organizationId: text,
  backedUpOrganizationId: text,
  userId: text,
  groupId: text,
  siteId: text,
  teamId: text,
  _links: links,
});
export type RestoreSessionEvent = z.infer<typeof RestoreSessionEvent>;

/** v8 change feed (`GET /v8/Events`). */
export const ChangeEvent = z.looseObject({ eventType: str, id: text, eTag: num });
export const ChangeFeed = z.looseObject({
  nextChangeToken: str,
  limit: z.number(),
  results: z.array(ChangeEvent),
  _links: links,
});
export type ChangeFeed = z.infer<typeof ChangeFeed>;

/**
 * The enum values each document declares, by the field that carries them. A value outside these
 * is kept (handled as "unknown" by whoever reads it) and logged once.
 */
export const KNOWN_ENUMS = {
  "user.type": ["User", "Shared", "Public"],
  "user.locationType": ["OnPremises", "Cloud", "Hybrid"],
  "group.type": ["Office365", "Security", "Distribution", "DynamicDistribution"],
  "group.locationType": ["OnPremises", "Cloud", "Hybrid"],
  "member.type": ["Unknown", "User", "Group"],
  "auditItem.type": ["User", "Group"],
  "restoreSession.type": ["Vex", "Veod", "Vesp", "Vet"],
  "restoreSession.state": ["Working", "Stopped"],
  "restoreSession.result": ["Success", "Warning", "Failed"],
  "restoreEvent.type": ["None", "Save", "Export", "Send", "Restore", "View"],
  "restoreEvent.status": ["Running", "Success", "Warning", "Failed", "Cancelled", "Skipped"],
  "organization.type": ["Office365", "OnPremises", "Hybrid"],
} as const satisfies Record<string, readonly string[]>;
export type EnumField = keyof typeof KNOWN_ENUMS;

/** What the bot needs to name one audit target: a user or a group of an organization. */
export type PrincipalType = "User" | "Group";
export interface PrincipalRef {
  type: PrincipalType;
  id: string;
  /** UPN / e-mail for users, mail or name for groups. */
  name: string;
  displayName: string;
  msid?: string | undefined;
}
