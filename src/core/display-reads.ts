/**
 * Reads that only display VB365 state (`list`, the audited marks of `find`, the Home tab, `status`)
 * go through here: kept per organization for up to a minute, so that a burst of Home tabs opened at
 * once asks VB365 once. Every write the bot makes forgets them (`forgetting` wraps the applier's
 * writes), so the bot's own changes show at once; a change made directly in VB365 shows within the
 * minute. Decisions never read through here: whether someone is audited when a request is made,
 * and an apply's read before its write, always ask VB365.
 */
import type { Clock } from "../clock.ts";
import type { AuditChanges, VboApi } from "../vbo/api.ts";
import type { AuditEmailSettings, AuditItem } from "../vbo/schemas.ts";
import type { Fleet } from "./servers.ts";

export const DISPLAY_TTL_MS = 60_000;

export interface DisplayReads {
  /** An organization's audit items, at most `DISPLAY_TTL_MS` old. */
  auditItems(organizationId: string): Promise<AuditItem[]>;
  /** A server's audit e-mail settings (default the first server's), at most `DISPLAY_TTL_MS` old. */
  auditEmailSettings(server?: string): Promise<AuditEmailSettings>;
  /** Forgets what was read of an organization (and the servers' settings). */
  forget(organizationId: string): void;
}

interface Kept<T> {
  value: Promise<T>;
  until: number;
}

export function createDisplayReads(deps: {
  fleet: Pick<Fleet, "of" | "named" | "servers">;
  clock: Clock;
  ttlMs?: number | undefined;
}): DisplayReads {
  const ttlMs = deps.ttlMs ?? DISPLAY_TTL_MS;
  const kept = new Map<string, Kept<unknown>>();
  const SETTINGS = "settings ";
  const vboOf = (server?: string): Pick<VboApi, "getAuditEmailSettings"> =>
    server === undefined ? (deps.fleet.servers[0] as { vbo: VboApi }).vbo : deps.fleet.named(server).vbo;

  function read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = deps.clock.now().getTime();
    const hit = kept.get(key) as Kept<T> | undefined;
    if (hit !== undefined && hit.until > now) return hit.value;
    // Kept from the start, so concurrent readers share one call; a failure is not kept.
    const entry: Kept<T> = { value: load(), until: now + ttlMs };
    kept.set(key, entry);
    entry.value.catch(() => {
      if (kept.get(key) === entry) kept.delete(key);
    });
    return entry.value;
  }

  return {
    auditItems: (organizationId) =>
      read(`items ${organizationId}`, () => deps.fleet.of(organizationId).listAuditItems(organizationId)),
    auditEmailSettings: (server) =>
      read(SETTINGS + (server ?? ""), () => vboOf(server).getAuditEmailSettings()),
    forget(organizationId) {
      kept.delete(`items ${organizationId}`);
      for (const key of [...kept.keys()]) if (key.startsWith(SETTINGS)) kept.delete(key);
    },
  };
}

/**
 * `changes` with every write followed by `display.forget`, whatever its outcome (a write that
 * failed may still have reached VB365).
 */
export function forgetting(changes: AuditChanges, display: Pick<DisplayReads, "forget">): AuditChanges {
  return {
    apiVersion: () => changes.apiVersion(),
    worstCase: () => changes.worstCase(),
    listAuditItems: (organizationId, options) => changes.listAuditItems(organizationId, options),
    addAuditItems: (organizationId, principals, options) =>
      changes
        .addAuditItems(organizationId, principals, options)
        .finally(() => display.forget(organizationId)),
    removeAuditItems: (organizationId, itemIds, options) =>
      changes
        .removeAuditItems(organizationId, itemIds, options)
        .finally(() => display.forget(organizationId)),
  };
}
