/**
 * One user or group of an organization as the directory cache keeps it, and the conversions from
 * VB365's shapes and to the `PrincipalRef` the rest of the bot uses.
 */
import type { Group, PrincipalRef, PrincipalType, User } from "../../vbo/schemas.ts";

export interface DirectoryEntry {
  type: PrincipalType;
  /** VB365's opaque id, kept byte for byte. */
  id: string;
  /** UPN / e-mail for users; mail or name for groups; empty when VB365 gave none. */
  name: string;
  displayName: string;
  msid?: string | undefined;
  /** User: User, Shared or Public. Group: Office365, Security, Distribution or DynamicDistribution. */
  subtype?: string | undefined;
}

/** A user or group as VB365 sent it; a missing display name falls back to the name. */
function entryOf(type: PrincipalType, found: User | Group): DirectoryEntry {
  const name = found.name ?? "";
  return {
    type,
    id: found.id,
    name,
    displayName: found.displayName ?? name,
    msid: found.msid ?? undefined,
    subtype: found.type ?? undefined,
  };
}

export const entryFromUser = (user: User): DirectoryEntry => entryOf("User", user);
export const entryFromGroup = (group: Group): DirectoryEntry => entryOf("Group", group);

export function toPrincipal(entry: DirectoryEntry): PrincipalRef {
  const principal: PrincipalRef = {
    type: entry.type,
    id: entry.id,
    // A group without a mail is still named by something a person recognises.
    name: entry.name || entry.displayName,
    displayName: entry.displayName || entry.name,
  };
  if (entry.msid) principal.msid = entry.msid;
  return principal;
}

/** Identity inside one organization: VB365 ids are unique per type. */
export const entryKey = (entry: Pick<DirectoryEntry, "type" | "id">): string =>
  `${entry.type}\u0000${entry.id}`;
