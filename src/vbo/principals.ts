/**
 * When two records name the same Microsoft 365 user or group: the one rule the whole bot uses
 * (duplicate detection before an add, the read-back after an ambiguous POST, open requests, the
 * digest's snapshots).
 *
 * VB365 ids are opaque composites: the Entra object id (the `msid`), the on-premises object GUID
 * (zeros when there is none) and, for objects synced from Active Directory, the SID in base64url.
 * The same principal can come back in another form (audit items may upper-case the GUIDs), and an
 * audit item's own id is an item GUID followed by the principal's id. Evidence, strongest first:
 * 1. both have an `msid` (v8): equal or not decides;
 * 2. an id form in common: the whole id (case-insensitive) or its leading Entra object id;
 * 3. both have an address (UPN / mail): equal or not decides. A name without `@` is not an
 *    address: a group without mail (common before v8) is named by its display name, which is not
 *    unique, so only its ids can tell it.
 */
import type { AuditItem, PrincipalType } from "./schemas.ts";

/** The fields identity is decided on; every VB365 user, group and `PrincipalRef` fits. */
export interface PrincipalLike {
  type?: PrincipalType | undefined;
  id?: string | null | undefined;
  name?: string | null | undefined;
  msid?: string | null | undefined;
  /** More ids known to name the same principal (the one embedded in its audit item's id). */
  otherIds?: ReadonlyArray<string | undefined> | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const NIL_GUID = "00000000-0000-0000-0000-000000000000";

/**
 * An id as compared: trimmed and lower-cased. GUIDs are case-insensitive; the SID part follows a
 * GUID unique to the principal, so lower-casing it too cannot merge two principals.
 */
export function idKey(id: string | null | undefined): string | undefined {
  const t = id?.trim().toLowerCase();
  return t ? t : undefined;
}

/** Every form of an id worth comparing: the whole id, and the Entra object id it starts with. */
export function idForms(id: string | null | undefined): string[] {
  const whole = idKey(id);
  if (!whole) return [];
  const guid = GUID.exec(whole)?.[0];
  return guid && guid !== whole && guid !== NIL_GUID ? [whole, guid] : [whole];
}

/** The principal id inside an audit item id (`<item GUID><principal id>`), when it has one. */
export function embeddedPrincipalId(auditItemId: string | null | undefined): string | undefined {
  const id = auditItemId?.trim();
  if (!id || !GUID.test(id) || id.length <= 36) return undefined;
  return id.slice(36);
}

/** A UPN or mail, lower-cased: a name counts as an identity only when it is an address. */
export function addressOf(p: Pick<PrincipalLike, "name">): string | undefined {
  const name = p.name?.trim().toLowerCase();
  return name?.includes("@") ? name : undefined;
}

/** True when `a` and `b` are the same principal (see the rules above). */
export function samePrincipal(a: PrincipalLike, b: PrincipalLike): boolean {
  if (a.type !== undefined && b.type !== undefined && a.type !== b.type) return false;
  const [msidA, msidB] = [idKey(a.msid), idKey(b.msid)];
  if (msidA && msidB) return msidA === msidB;
  const formsA = new Set(allIds(a).flatMap(idForms));
  if (msidA) formsA.add(msidA);
  const formsB = [...allIds(b).flatMap(idForms), ...(msidB ? [msidB] : [])];
  if (formsB.some((f) => formsA.has(f))) return true;
  const [addressA, addressB] = [addressOf(a), addressOf(b)];
  return addressA !== undefined && addressA === addressB;
}

const allIds = (p: PrincipalLike) => [p.id, ...(p.otherIds ?? [])];

/**
 * One string per principal, for storage and for keyed lookups (the database's "one open request
 * per principal", the digest's snapshots): its address, else `id:` and its id. Decisions that can
 * compare two records use `samePrincipal`, which also sees through other id forms.
 */
export function principalKey(p: Pick<PrincipalLike, "name" | "id">): string {
  return addressOf(p) ?? `id:${idKey(p.id) ?? ""}`;
}

/** The principal an audit item stands for, with the item's type and the id its own id embeds. */
export function auditItemPrincipal(item: AuditItem): PrincipalLike | undefined {
  const who = item.type === "User" ? item.user : item.group;
  if (!who) return undefined;
  return {
    type: item.type,
    id: who.id,
    name: who.name,
    msid: who.msid,
    otherIds: [embeddedPrincipalId(item.id)],
  };
}

/** The audit item that stands for `principal`, if it is audited. */
export function findAuditItem(items: readonly AuditItem[], principal: PrincipalLike): AuditItem | undefined {
  return items.find((item) => {
    const who = auditItemPrincipal(item);
    return who !== undefined && samePrincipal(who, principal);
  });
}

/** Whether two audit item ids are the same item (they start with a GUID, case-insensitive). */
export const sameAuditItemId = (a: string, b: string): boolean => idKey(a) === idKey(b);
