/**
 * What each API version sends, after spec/vbo-openapi. Every difference between versions
 * that a client can see lives here: fields a version does not define are never sent, because a
 * client written for v6 must not come to rely on a v8 field.
 */
import type { ApiVersion } from "../vbo/schemas.ts";
import type { DirGroup, DirUser, MemberRef } from "./directory.ts";
import type { ErrorCode } from "./http.ts";
import { equivalentId } from "./ids.ts";
import type { AuditEntry, EmailSettings, SimOrganization } from "./model.ts";
import type { EventRecord, SessionRecord } from "./restore.ts";

const enc = encodeURIComponent;
const link = (href: string) => ({ href });

/** RESTExceptionInfo: v6 has only `message`; v7 adds `errorCode` (ProxyOffline or null); v8 more. */
export function errorBody(
  version: ApiVersion | undefined,
  message: string,
  code?: ErrorCode,
  stackTrace?: string,
): Record<string, unknown> {
  if (version === undefined || version === "v6") return { message };
  if (version === "v7") return { message, errorCode: code === "ProxyOffline" ? code : null };
  return { message, errorCode: code ?? null, ...(stackTrace ? { stackTrace } : {}) };
}

export function renderOrganization(
  v: ApiVersion,
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
  if (v !== "v6") out.description = org.description;
  if (v === "v8") out.msid = org.msid;
  if (extendedView) {
    const settings = {
      useApplicationOnlyAuth: true,
      officeOrganizationName: org.officeName,
      applicationId: org.msid,
      applicationCertificateThumbprint: "3F2A9C1B7E5D4A8F0B6C2E9D1A7F3B5C8E0D4A26",
    };
    out.exchangeOnlineSettings = settings;
    out.sharePointOnlineSettings = settings;
  }
  out._links = {
    self: link(base),
    users: link(`${base}/Users`),
    groups: link(`${base}/Groups`),
    auditItems: link(`${base}/AuditItems`),
  };
  return out;
}

export function renderUser(
  v: ApiVersion,
  orgId: string,
  user: DirUser,
  id: string = user.id,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id,
    displayName: user.displayName,
    name: user.name,
    type: user.type,
    locationType: user.locationType,
  };
  if (v !== "v6") {
    if (user.onPremisesSid !== undefined) out.onPremisesSid = user.onPremisesSid;
    if (user.office !== undefined) out.office = user.office;
  }
  if (v === "v8") {
    out.msid = user.msid;
    out.eTag = 1;
  }
  out._links = {
    self: link(`/${v}/Organizations/${orgId}/Users/${enc(user.id)}`),
    organization: link(`/${v}/Organizations/${orgId}`),
  };
  return out;
}

export function renderGroup(
  v: ApiVersion,
  orgId: string,
  group: DirGroup,
  id: string = group.id,
): Record<string, unknown> {
  const out: Record<string, unknown> = { id, displayName: group.displayName, name: group.name };
  if (group.managedBy !== undefined) out.managedBy = group.managedBy;
  if (group.site !== undefined) out.site = group.site;
  out.type = group.type;
  out.locationType = group.locationType;
  if (v !== "v6" && group.onPremisesSid !== undefined) out.onPremisesSid = group.onPremisesSid;
  if (v === "v8") {
    out.msid = group.msid;
    out.eTag = 1;
  }
  const self = `/${v}/Organizations/${orgId}/Groups/${enc(group.id)}`;
  out._links = {
    self: link(self),
    members: link(`${self}/Members`),
    organization: link(`/${v}/Organizations/${orgId}`),
  };
  return out;
}

export function renderMember(
  v: ApiVersion,
  orgId: string,
  group: DirGroup,
  ref: MemberRef,
  member: DirUser | DirGroup | undefined,
): Record<string, unknown> {
  const kind = ref.type === "User" ? "Users" : "Groups";
  return {
    groupId: group.id,
    name: member?.displayName ?? "",
    login: member?.name ?? "",
    type: member ? ref.type : "Unknown",
    isCloud: member ? member.locationType !== "OnPremises" : false,
    _links: { self: link(`/${v}/Organizations/${orgId}/${kind}/${enc(ref.id)}`) },
  };
}

/**
 * An audit item embeds its user or group with an equivalent, not identical, id (the GUID part
 * upper-cased), as VB365 may: clients must match principals by `name` or `msid`.
 */
export function renderAuditItem(
  v: ApiVersion,
  orgId: string,
  entry: AuditEntry,
  principal: DirUser | DirGroup | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { id: entry.id, type: entry.type };
  const id = equivalentId(entry.principalId);
  if (entry.type === "User") {
    out.user = principal ? renderUser(v, orgId, principal as DirUser, id) : { id, displayName: "", name: "" };
  } else {
    out.group = principal
      ? renderGroup(v, orgId, principal as DirGroup, id)
      : { id, displayName: "", name: "" };
  }
  out._links = { organization: link(`/${v}/Organizations/${orgId}`) };
  return out;
}

export function renderEmailSettings(v: ApiVersion, s: EmailSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {
    enableNotification: s.enableNotification,
    smtpServer: s.smtpServer,
    port: s.port,
    useAuthentication: s.useAuthentication,
    username: s.username,
    useSSL: s.useSSL,
    from: s.from,
    to: s.to,
    subject: s.subject,
  };
  if (v !== "v6") {
    out.authenticationType = s.authenticationType;
    if (s.userId !== undefined) out.userId = s.userId;
    if (s.mailApiUrl !== undefined) out.mailApiUrl = s.mailApiUrl;
    if (s.clientId !== undefined) out.clientId = s.clientId;
    if (s.tenantId !== undefined) out.tenantId = s.tenantId;
  }
  out._links = { self: link(`/${v}/AuditEmailSettings`) };
  return out;
}

export function renderSession(v: ApiVersion, s: SessionRecord): Record<string, unknown> {
  const self = `/${v}/RestoreSessions/${s.id}`;
  return {
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
    ...(v === "v8" ? { eTag: s.eTag } : {}),
    _links: {
      self: link(self),
      events: link(`${self}/Events`),
      organization: link(`/${v}/Organizations/${s.organizationId}`),
    },
  };
}

/** Events name the user or group they touched only from v8; before, only names tell. */
export function renderEvent(v: ApiVersion, s: SessionRecord, e: EventRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: e.id,
    type: e.type,
    status: e.status,
    itemName: e.itemName,
  };
  if (e.itemType !== undefined) out.itemType = e.itemType;
  if (e.itemSizeBytes !== undefined) out.itemSizeBytes = e.itemSizeBytes;
  if (e.source !== undefined) out.source = e.source;
  if (e.target !== undefined) out.target = e.target;
  out.startTime = e.startTime;
  out.endTime = e.endTime;
  if (e.duration !== undefined) out.duration = e.duration;
  out.title = e.title;
  out.message = e.message;
  out.order = e.order;
  if (v === "v8") {
    out.organizationId = s.organizationId;
    if (e.userId !== undefined) out.userId = e.userId;
    if (e.groupId !== undefined) out.groupId = e.groupId;
  }
  out._links = { session: link(`/${v}/RestoreSessions/${s.id}`) };
  return out;
}
