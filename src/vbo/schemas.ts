/**
 * Zod schemas for the VB365 REST responses the bot reads, after spec/vbo-openapi (v6, v7, v8).
 * Loose on purpose: a newer server adding fields must not break the bot. Fields that only some
 * versions send are optional; nullable where the spec says so.
 */
import * as z from "zod";

export const API_VERSIONS = ["v6", "v7", "v8"] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

const str = z.string();
const nullableStr = z.string().nullable();

export const LinkDictionary = z.record(z.string(), z.looseObject({ href: z.string().optional() }));

export const TokenResponse = z.looseObject({
  access_token: str,
  refresh_token: str,
  token_type: str,
  expires_in: z.number(),
  userName: str.optional(),
  ".issued": str.optional(),
  ".expires": str.optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const ExceptionInfo = z.looseObject({
  message: str.optional(),
  errorCode: nullableStr.optional(),
  stackTrace: nullableStr.optional(),
});
export type ExceptionInfo = z.infer<typeof ExceptionInfo>;

export const ServiceInstance = z.looseObject({ installationId: str.optional(), version: str.optional() });

export const Organization = z.looseObject({
  id: z.string().nullable().optional(),
  name: str.optional(),
  officeName: str.optional(),
  type: str.nullable().optional(),
  description: str.nullable().optional(),
  msid: nullableStr.optional(),
  _links: LinkDictionary.optional(),
});
export type Organization = z.infer<typeof Organization>;

export const UserType = z.enum(["User", "Shared", "Public"]);
export const User = z.looseObject({
  id: str,
  displayName: str.optional(),
  name: str.optional(),
  type: UserType.nullable().optional(),
  locationType: str.optional(),
  msid: nullableStr.optional(),
  onPremisesSid: nullableStr.optional(),
  office: nullableStr.optional(),
  _links: LinkDictionary.optional(),
});
export type User = z.infer<typeof User>;

export const GroupType = z.enum(["Office365", "Security", "Distribution", "DynamicDistribution"]);
export const Group = z.looseObject({
  id: str,
  displayName: str.optional(),
  name: nullableStr.optional(),
  type: GroupType.nullable().optional(),
  locationType: str.optional(),
  managedBy: nullableStr.optional(),
  site: nullableStr.optional(),
  msid: nullableStr.optional(),
  _links: LinkDictionary.optional(),
});
export type Group = z.infer<typeof Group>;

export const GroupMember = z.looseObject({
  groupId: str.optional(),
  name: str.optional(),
  login: str.optional(),
  type: z.enum(["Unknown", "User", "Group"]).optional(),
  isCloud: z.boolean().optional(),
});
export type GroupMember = z.infer<typeof GroupMember>;

/** Every VB365 page: `totalCount` only before v8, `setId` when the server cached the result set. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    offset: z.number(),
    limit: z.number(),
    setId: str.optional(),
    results: z.array(item),
    totalCount: z.number().nullable().optional(),
    _links: LinkDictionary.optional(),
  });
export type Page<T> = {
  offset: number;
  limit: number;
  setId?: string | undefined;
  results: T[];
  totalCount?: number | null | undefined;
  _links?: Record<string, { href?: string | undefined }> | undefined;
};

export const AuditItem = z.looseObject({
  id: str,
  type: z.enum(["User", "Group"]),
  user: User.optional(),
  group: Group.optional(),
  _links: LinkDictionary.optional(),
});
export type AuditItem = z.infer<typeof AuditItem>;

export const AuditEmailSettings = z.looseObject({
  enableNotification: z.boolean().nullable().optional(),
  smtpServer: str.optional(),
  port: z.number().nullable().optional(),
  useSSL: z.boolean().nullable().optional(),
  from: str.optional(),
  to: str.optional(),
  subject: str.optional(),
  authenticationType: str.nullable().optional(),
});
export type AuditEmailSettings = z.infer<typeof AuditEmailSettings>;

export const RestoreSession = z.looseObject({
  id: str,
  name: str.optional(),
  organization: str.optional(),
  type: z.enum(["Vex", "Veod", "Vesp", "Vet"]),
  creationTime: str,
  endTime: nullableStr.optional(),
  state: z.enum(["Working", "Stopped"]),
  result: z.enum(["Success", "Warning", "Failed"]),
  initiatedBy: str.optional(),
  details: str.optional(),
  scopeName: str.optional(),
  clientHost: str.optional(),
  reason: str.optional(),
  eTag: z.number().optional(),
});
export type RestoreSession = z.infer<typeof RestoreSession>;

export const RestoreEventType = z.enum(["None", "Save", "Export", "Send", "Restore", "View"]);
export type RestoreEventType = z.infer<typeof RestoreEventType>;
export const RestoreSessionEvent = z.looseObject({
  id: str,
  type: RestoreEventType.optional(),
  status: z.enum(["Running", "Success", "Warning", "Failed", "Cancelled", "Skipped"]),
  itemName: str.optional(),
  itemType: str.optional(),
  itemSizeBytes: z.number().optional(),
  source: str.optional(),
  target: str.optional(),
  startTime: str,
  endTime: nullableStr.optional(),
  duration: str.optional(),
  title: str.optional(),
  message: str,
  order: z.number(),
  // v8 only
  organizationId: str.optional(),
  userId: str.optional(),
  groupId: str.optional(),
  siteId: str.optional(),
  teamId: str.optional(),
});
export type RestoreSessionEvent = z.infer<typeof RestoreSessionEvent>;

/** v8 change feed (`GET /v8/Events`). */
export const ChangeEvent = z.looseObject({ eventType: str, id: str.optional(), eTag: z.number().optional() });
export const ChangeFeed = z.looseObject({
  nextChangeToken: str,
  limit: z.number(),
  results: z.array(ChangeEvent),
});
export type ChangeFeed = z.infer<typeof ChangeFeed>;

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
