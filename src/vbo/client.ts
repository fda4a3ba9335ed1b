/**
 * The VB365 REST client: every operation of `VboApi` over undici, for API v6, v7 and v8.
 *
 * `connection.ts` is the layer every call goes through (URLs per version, the token and the 401
 * retry, shared reads, decoding, health); the operations are grouped by resource family:
 * `organizations.ts`, `directory.ts`, `audit-items.ts` (with the read-back after an ambiguous
 * POST), `restore-sessions.ts` and `settings.ts`. This file puts them together.
 */
import type { VboApi } from "./api.ts";
import { auditItemCalls } from "./audit-items.ts";
import { type VboClientOptions, VboConnection } from "./connection.ts";
import { directoryCalls } from "./directory.ts";
import { organizationCalls } from "./organizations.ts";
import { restoreSessionCalls } from "./restore-sessions.ts";
import { type SettingsCalls, settingsCalls } from "./settings.ts";

export type { VboClientOptions } from "./connection.ts";

export interface VboClient extends VboApi, SettingsCalls {
  /** Cancels calls in flight and closes the connection pools the client created. */
  close(): Promise<void>;
}

export function createVboClient(options: VboClientOptions): VboClient {
  const c = new VboConnection(options);
  // Only a probe is a call to VB365: a version already known must not count as the server answering.
  const apiVersion = () => {
    const known = c.knownVersion();
    return known === undefined ? c.track(() => c.version()) : Promise.resolve(known);
  };
  // What an apply of an audit item may take at worst: its lease is sized on it.
  const worstCase = () => c.worstCase();
  // The same audit-item calls on the applies' own connections.
  const applies = { ...auditItemCalls(c, "applies"), apiVersion, worstCase };
  return {
    health: () => c.health(),
    skippedItems: () => c.items.skipped(),
    ...organizationCalls(c),
    ...directoryCalls(c),
    ...auditItemCalls(c),
    forApplies: () => applies,
    apiVersion,
    worstCase,
    ...settingsCalls(c),
    ...restoreSessionCalls(c),
    close: () => c.close(),
  };
}
