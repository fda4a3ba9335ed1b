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
  /** Cancels calls in flight and closes the connection pool if the client created it. */
  close(): Promise<void>;
}

export function createVboClient(options: VboClientOptions): VboClient {
  const c = new VboConnection(options);
  return {
    apiVersion: () => c.track(() => c.version()),
    health: () => c.health(),
    skippedItems: () => c.items.skipped(),
    ...organizationCalls(c),
    ...directoryCalls(c),
    ...auditItemCalls(c),
    ...settingsCalls(c),
    ...restoreSessionCalls(c),
    close: () => c.close(),
  };
}
