/** The server's data besides the directory: organizations, audit items, audit e-mail settings. */
import type { Directory } from "./directory.ts";
import { canonicalId, randomUuid } from "./ids.ts";

export type PrincipalKind = "User" | "Group";

export interface AuditEntry {
  id: string;
  type: PrincipalKind;
  /** The principal's id, canonical. */
  principalId: string;
}

/** One organization's audit items: at most one per principal. */
export class AuditList {
  private readonly items = new Map<string, AuditEntry>();
  private readonly byPrincipal = new Map<string, string>();

  private static key(type: PrincipalKind, principalId: string) {
    return `${type}:${canonicalId(principalId)}`;
  }

  find(type: PrincipalKind, principalId: string): AuditEntry | undefined {
    const id = this.byPrincipal.get(AuditList.key(type, principalId));
    return id === undefined ? undefined : this.items.get(id);
  }

  /**
   * Adds the principal unless it is audited already; returns its item either way. An item id is,
   * as on VB365, a GUID of its own followed by the principal's id.
   */
  add(type: PrincipalKind, principalId: string, itemId = `${randomUuid()}${principalId}`): AuditEntry {
    const existing = this.find(type, principalId);
    if (existing) return existing;
    const entry: AuditEntry = { id: canonicalId(itemId), type, principalId: canonicalId(principalId) };
    this.items.set(entry.id, entry);
    this.byPrincipal.set(AuditList.key(type, principalId), entry.id);
    return entry;
  }

  get(itemId: string): AuditEntry | undefined {
    return this.items.get(canonicalId(itemId));
  }

  remove(itemId: string): boolean {
    const entry = this.get(itemId);
    if (!entry) return false;
    this.items.delete(entry.id);
    this.byPrincipal.delete(AuditList.key(entry.type, entry.principalId));
    return true;
  }

  list(): AuditEntry[] {
    return [...this.items.values()];
  }
}

export interface SimOrganization {
  id: string;
  name: string;
  officeName: string;
  /** The Microsoft 365 tenant id (v8 `msid`). */
  msid: string;
  description: string;
  firstBackuptime: string;
  lastBackuptime: string;
  directory: Directory;
  audit: AuditList;
}

export type AuthenticationType = "CustomSmtp" | "GoogleGmail" | "Microsoft365";

export interface EmailSettings {
  enableNotification: boolean;
  smtpServer: string;
  port: number;
  useAuthentication: boolean;
  username: string;
  /** Write-only: accepted by PUT, never returned. */
  userPassword?: string;
  useSSL: boolean;
  from: string;
  to: string;
  subject: string;
  /** v7 and later. */
  authenticationType: AuthenticationType;
  userId?: string;
  mailApiUrl?: string | null;
  clientId?: string;
  tenantId?: string;
}
