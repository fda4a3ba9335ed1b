/**
 * The fields each API version declares for each object the simulator sends, after
 * spec/vbo-openapi: `render.ts` writes every answer through these lists, so a field a version does
 * not declare is never sent (a client written for v6 must not come to rely on a v8 field).
 */
import type { ApiVersion } from "../vbo/schemas.ts";
import type { Field } from "./shape.ts";

/** Fields by version: `common` for all, then what v7 and v8 add or redeclare (same name wins). */
function declared(common: Field[], v7: Field[] = [], v8: Field[] = []): Record<ApiVersion, Field[]> {
  const merge = (base: Field[], more: Field[]) => {
    const out = base.map((f) => more.find((m) => m[0] === f[0]) ?? f);
    return [...out, ...more.filter((m) => !base.some((f) => f[0] === m[0]))];
  };
  const seven = merge(common, v7);
  return { v6: common, v7: seven, v8: merge(seven, v8) };
}

export const USER = declared(
  [
    ["id", "text"],
    ["displayName", "text"],
    ["name", "text"],
    ["type", "nullable"],
    ["locationType", "text"],
    ["_links", "object"],
  ],
  [
    ["onPremisesSid", "text"],
    ["office", "text"],
  ],
  [
    ["eTag", "nullable"],
    ["assignedLicenses", "nullable"],
    ["msid", "nullable"],
    ["dataLocation", "nullable"],
  ],
);

export const GROUP = declared(
  [
    ["id", "text"],
    ["displayName", "text"],
    ["name", "text"],
    ["managedBy", "text"],
    ["site", "text"],
    ["type", "nullable"],
    ["locationType", "text"],
    ["_links", "object"],
  ],
  [["onPremisesSid", "text"]],
  [
    ["name", "nullable"],
    ["managedBy", "nullable"],
    ["site", "nullable"],
    ["onPremisesSid", "nullable"],
    ["eTag", "nullable"],
    ["msid", "nullable"],
    ["dataLocation", "nullable"],
  ],
);

export const MEMBER = declared(
  [
    ["groupId", "text"],
    ["name", "text"],
    ["login", "text"],
    ["type", "text"],
    ["isCloud", "flag"],
    ["_links", "object"],
  ],
  [],
  [["dataLocation", "nullable"]],
);

export const AUDIT_ITEM = declared([
  ["id", "text"],
  ["type", "text"],
  ["group", "object"],
  ["user", "object"],
  ["_links", "object"],
]);

export const ORGANIZATION = declared(
  [
    ["isTeamsOnline", "nullable"],
    ["isTeamsChatsOnline", "nullable"],
    ["configureApplication", "nullable"],
    ["userCode", "text"],
    ["exchangeOnlineSettings", "object"],
    ["sharePointOnlineSettings", "object"],
    ["isExchangeOnline", "nullable"],
    ["isSharePointOnline", "nullable"],
    ["type", "text"],
    ["region", "text"],
    ["id", "nullable"],
    ["name", "text"],
    ["officeName", "text"],
    ["isBackedup", "nullable"],
    ["firstBackuptime", "nullable"],
    ["lastBackuptime", "nullable"],
    ["_links", "object"],
    ["isSharepoint", "nullable"],
    ["sharepointSettings", "object"],
    ["isExchange", "nullable"],
    ["exchangeSettings", "object"],
  ],
  [["description", "nullable"]],
  [
    ["msid", "nullable"],
    ["backedUpOrganizationId", "nullable"],
  ],
);

/** The same in every version; the secrets it declares (passwords) are never echoed. */
export const CONNECTION_SETTINGS: Field[] = [
  ["useApplicationOnlyAuth", "nullable"],
  ["officeOrganizationName", "text"],
  ["sharePointSaveAllWebParts", "nullable"],
  ["account", "text"],
  ["grantAdminAccess", "nullable"],
  ["useMfa", "nullable"],
  ["useCustomVeeamAADApplication", "nullable"],
  ["applicationId", "nullable"],
  ["applicationCertificate", "text"],
  ["applicationCertificateThumbprint", "text"],
];

export const EMAIL_SETTINGS = declared(
  [
    ["_links", "object"],
    ["enableNotification", "nullable"],
    ["smtpServer", "text"],
    ["port", "nullable"],
    ["useAuthentication", "nullable"],
    ["username", "text"],
    ["useSSL", "nullable"],
    ["from", "text"],
    ["to", "text"],
    ["subject", "text"],
  ],
  [
    ["authenticationType", "text"],
    ["clientId", "text"],
    ["tenantId", "text"],
    ["userId", "text"],
    ["mailApiUrl", "nullable"],
    ["isAuthenticated", "nullable"],
  ],
  [
    ["clientId", "nullable"],
    ["tenantId", "nullable"],
  ],
);

export const SESSION = declared(
  [
    ["id", "text"],
    ["name", "text"],
    ["organization", "text"],
    ["type", "text"],
    ["creationTime", "text"],
    ["endTime", "nullable"],
    ["state", "text"],
    ["result", "text"],
    ["initiatedBy", "text"],
    ["details", "text"],
    ["scopeName", "text"],
    ["clientHost", "text"],
    ["reason", "text"],
    ["_links", "object"],
  ],
  [],
  [["eTag", "number"]],
);

export const EVENT = declared(
  [
    ["itemName", "text"],
    ["itemType", "text"],
    ["itemSizeBytes", "number"],
    ["source", "text"],
    ["target", "text"],
    ["id", "text"],
    ["type", "text"],
    ["status", "text"],
    ["startTime", "text"],
    ["endTime", "nullable"],
    ["duration", "text"],
    ["title", "text"],
    ["message", "text"],
    ["order", "number"],
    ["_links", "object"],
  ],
  [],
  [
    ["organizationId", "nullable"],
    ["backedUpOrganizationId", "nullable"],
    ["userId", "nullable"],
    ["groupId", "nullable"],
    ["siteId", "nullable"],
    ["teamId", "nullable"],
  ],
);

export const ERROR = declared(
  [["message", "text"]],
  [["errorCode", "nullable"]],
  [["stackTrace", "nullable"]],
);
