/**
 * What each API version sends, after spec/vbo-openapi. Every difference between versions that a
 * client can see lives here and in `fields.ts` (the fields each version declares). Each object is
 * written through `shape` (src/sim/shape.ts) from the fields its version declares: in the default,
 * realistic mode every declared field is present, `null` where the simulator has no value and the
 * field is nullable, as an ASP.NET server writes it; in sparse mode such fields are left out.
 */
import type { ApiVersion } from "../vbo/schemas.ts";
import type { DirGroup, DirUser, MemberRef } from "./directory.ts";
import {
  AUDIT_ITEM,
  CONNECTION_SETTINGS,
  EMAIL_SETTINGS,
  ERROR,
  EVENT,
  GROUP,
  MEMBER,
  ORGANIZATION,
  SESSION,
  USER,
} from "./fields.ts";
import type { ErrorCode } from "./http.ts";
import { equivalentId } from "./ids.ts";
import type { AuditEntry, EmailSettings, SimOrganization } from "./model.ts";
import type { EventRecord, SessionRecord } from "./restore.ts";
import { type FieldMode, shape } from "./shape.ts";

/** The version an answer is for, and how fields without a value are written. */
export interface Out {
  version: ApiVersion;
  mode: FieldMode;
}

const enc = encodeURIComponent;
const link = (href: string) => ({ href });

/** RESTExceptionInfo: v6 has only `message`; v7 adds `errorCode` (ProxyOffline or null); v8 more. */
export function errorBody(
  version: ApiVersion | undefined,
  mode: FieldMode,
  message: string,
  code?: ErrorCode,
  stackTrace?: string,
): Record<string, unknown> {
  const errorCode = version === "v7" ? (code === "ProxyOffline" ? code : undefined) : code;
  return shape(mode, ERROR[version ?? "v6"], { message, errorCode, stackTrace });
}

export function renderOrganization(
  { version: v, mode }: Out,
  org: SimOrganization,
  extendedView: boolean,
): Record<string, unknown> {
  const base = `/${v}/Organizations/${org.id}`;
  const out: Record<string, unknown> = {
    type: "Office365",
    region: "Worldwide",
    isExchangeOnline: true,
    isSharePointOnline: true,
    isTeamsOnline: true,
    isTeamsChatsOnline: false,
    id: org.id,
    name: org.name,
    officeName: org.officeName,
    isBackedup: true,
    firstBackuptime: org.firstBackuptime,
    lastBackuptime: org.lastBackuptime,
  };
  out.description = org.description;
  out.msid = org.msid;
  if (extendedView) {
    const settings = shape(mode, CONNECTION_SETTINGS, {
      useApplicationOnlyAuth: true,
      officeOrganizationName: org.officeName,
      applicationId: org.msid,
      applicationCertificateThumbprint: "3F2A9C1B7E5D4A8F0B6C2E9D1A7F3B5C8E0D4A26",
    });
    out.exchangeOnlineSettings = settings;
    out.sharePointOnlineSettings = settings;
  }
  out._links = {
    self: link(base),
    users: link(`${base}/Users`),
    groups: link(`${base}/Groups`),
    auditItems: link(`${base}/AuditItems`),
  };
  return shape(mode, ORGANIZATION[v], out);
}

export function renderUser(
  { version: v, mode }: Out,
  orgId: string,
  user: DirUser,
  id: string = user.id,
): Record<string, unknown> {
  return shape(mode, USER[v], {
    id,
    displayName: user.displayName,
    name: user.name,
    type: user.type,
    locationType: user.locationType,
    onPremisesSid: user.onPremisesSid,
    office: user.office,
    msid: user.msid,
    eTag: 1,
    _links: {
      self: link(`/${v}/Organizations/${orgId}/Users/${enc(user.id)}`),
      organization: link(`/${v}/Organizations/${orgId}`),
    },
  });
}

/** A group without mail has no `name`: null on v8, where it is nullable; empty before. */
export function renderGroup(
  { version: v, mode }: Out,
  orgId: string,
  group: DirGroup,
  id: string = group.id,
): Record<string, unknown> {
  const self = `/${v}/Organizations/${orgId}/Groups/${enc(group.id)}`;
  return shape(mode, GROUP[v], {
    id,
    displayName: group.displayName,
    name: group.name || undefined,
    managedBy: group.managedBy,
    site: group.site,
    type: group.type,
    locationType: group.locationType,
    onPremisesSid: group.onPremisesSid,
    msid: group.msid,
    eTag: 1,
    _links: {
      self: link(self),
      members: link(`${self}/Members`),
      organization: link(`/${v}/Organizations/${orgId}`),
    },
  });
}

export function renderMember(
  { version: v, mode }: Out,
  orgId: string,
  group: DirGroup,
  ref: MemberRef,
  member: DirUser | DirGroup | undefined,
): Record<string, unknown> {
  const kind = ref.type === "User" ? "Users" : "Groups";
  return shape(mode, MEMBER[v], {
    groupId: group.id,
    name: member?.displayName,
    login: member?.name,
    type: member ? ref.type : "Unknown",
    isCloud: member ? member.locationType !== "OnPremises" : false,
    _links: { self: link(`/${v}/Organizations/${orgId}/${kind}/${enc(ref.id)}`) },
  });
}

/**
 * An audit item embeds its user or group with an equivalent, not identical, id (the GUID part
 * upper-cased), as VB365 may: clients must match principals by `name` or `msid`.
 */
export function renderAuditItem(
  out: Out,
  orgId: string,
  entry: AuditEntry,
  principal: DirUser | DirGroup | undefined,
): Record<string, unknown> {
  const id = equivalentId(entry.principalId);
  const who =
    entry.type === "User"
      ? { user: principal ? renderUser(out, orgId, principal as DirUser, id) : { id } }
      : { group: principal ? renderGroup(out, orgId, principal as DirGroup, id) : { id } };
  return shape(out.mode, AUDIT_ITEM[out.version], {
    id: entry.id,
    type: entry.type,
    ...who,
    _links: { organization: link(`/${out.version}/Organizations/${orgId}`) },
  });
}

export function renderEmailSettings({ version: v, mode }: Out, s: EmailSettings): Record<string, unknown> {
  return shape(mode, EMAIL_SETTINGS[v], {
    _links: { self: link(`/${v}/AuditEmailSettings`) },
    enableNotification: s.enableNotification,
    smtpServer: s.smtpServer,
    port: s.port,
    useAuthentication: s.useAuthentication,
    username: s.username,
    useSSL: s.useSSL,
    from: s.from,
    to: s.to,
    subject: s.subject,
    authenticationType: s.authenticationType,
    clientId: s.clientId,
    tenantId: s.tenantId,
    userId: s.userId,
    mailApiUrl: s.mailApiUrl,
  });
}

export function renderSession({ version: v, mode }: Out, s: SessionRecord): Record<string, unknown> {
  const self = `/${v}/RestoreSessions/${s.id}`;
  return shape(mode, SESSION[v], {
    id: s.id,
    name: s.name,
    organization: s.organization,
    type: s.type,
    creationTime: s.creationTime,
    endTime: s.endTime,
    state: s.state,
    result: s.result,
    initiatedBy: s.initiatedBy,
    details: s.details,
    scopeName: s.scopeName,
    clientHost: s.clientHost,
    reason: s.reason,
    eTag: s.eTag,
    _links: {
      self: link(self),
      events: link(`${self}/Events`),
      organization: link(`/${v}/Organizations/${s.organizationId}`),
    },
  });
}

/**
 * Events name the user or group they touched only from v8; before, only names tell. On v8 the
 * ids an event has none of (a mailbox event has no `siteId`, say) are null.
 */
export function renderEvent(
  { version: v, mode }: Out,
  s: SessionRecord,
  e: EventRecord,
): Record<string, unknown> {
  return shape(mode, EVENT[v], {
    ...e,
    organizationId: s.organizationId,
    _links: { session: link(`/${v}/RestoreSessions/${s.id}`) },
  });
}
