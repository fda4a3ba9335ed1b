/**
 * Telling whether two records name the same Microsoft 365 user or group. VB365 ids are opaque and
 * the same principal can carry differently formed ids in `/Users` and in `/AuditItems`, so identity
 * is the Entra object id (`msid`, v8) or the UPN / mail (`name`), case-insensitively.
 */
import type { AuditItem, PrincipalType } from "./schemas.ts";

/** The fields identity is decided on; every VB365 user, group and `PrincipalRef` fits. */
export interface PrincipalLike {
  type?: PrincipalType | undefined;
  id?: string | undefined;
  name?: string | null | undefined;
  msid?: string | null | undefined;
}

const norm = (s: string | null | undefined): string | undefined => {
  const t = s?.trim().toLowerCase();
  return t ? t : undefined;
};

/**
 * True when `a` and `b` are the same principal: same `msid` when both have one, else the same
 * `name`. Identical id strings count only when neither side has anything better (a group without
 * mail): equal bytes cannot be two principals, but unequal bytes prove nothing.
 */
export function samePrincipal(a: PrincipalLike, b: PrincipalLike): boolean {
  if (a.type !== undefined && b.type !== undefined && a.type !== b.type) return false;
  const [msidA, msidB] = [norm(a.msid), norm(b.msid)];
  if (msidA && msidB) return msidA === msidB;
  const [nameA, nameB] = [norm(a.name), norm(b.name)];
  if (nameA && nameB) return nameA === nameB;
  return a.id !== undefined && a.id !== "" && a.id === b.id;
}

/** The principal an audit item stands for, with the item's type. */
export function auditItemPrincipal(item: AuditItem): PrincipalLike | undefined {
  const who = item.type === "User" ? item.user : item.group;
  return who ? { type: item.type, id: who.id, name: who.name, msid: who.msid } : undefined;
}

/** The audit item that stands for `principal`, if it is audited. */
export function findAuditItem(items: readonly AuditItem[], principal: PrincipalLike): AuditItem | undefined {
  return items.find((item) => {
    const who = auditItemPrincipal(item);
    return who !== undefined && samePrincipal(who, principal);
  });
}
