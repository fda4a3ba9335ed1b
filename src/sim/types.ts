/**
 * The simulator's public surface: what tests, the benchmark and `npm run sim` use. The simulator
 * behaves like a VB365 server over real HTTP(S); these hooks let a test shape its data and inject
 * the failures a real server shows.
 */
import type { Clock } from "../clock.ts";
import type { ApiVersion, ExceptionInfo } from "../vbo/schemas.ts";

export interface SimulatorOptions {
  /** Versions served; a path of another version answers 404. Default: v6, v7 and v8. */
  versions?: ApiVersion[];
  /** Serve HTTPS with this key and certificate (PEM). Default: plain HTTP. */
  tls?: { key: string; cert: string };
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  username?: string;
  password?: string;
  /** Access-token lifetime; default 3600. Refresh tokens live 7 days. */
  tokenLifetimeSeconds?: number;
  /** `/token` quota, like the real server's throttling; false turns it off. Default 1/s, 5/min, 1500/h. */
  tokenRateLimit?: { perSecond: number; perMinute: number; perHour: number } | false;
  /** Extra deterministic users in the seeded vBridge organization. */
  users?: number;
  /** Extra deterministic organizations, each with `usersPerOrganization` users. */
  organizations?: number;
  usersPerOrganization?: number;
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
  /** Time as the server sees it (token expiry, session times). */
  clock?: Clock;
}

export interface FaultMatch {
  method?: string;
  /** Matched against the path without the query, case-insensitively. */
  path?: RegExp;
}

export interface SimulatorFaults {
  setLatency(ms: number, match?: FaultMatch): void;
  /** The next `count` matching requests answer `status` with a RESTExceptionInfo body. */
  failNext(
    count: number,
    status: number,
    match?: FaultMatch & { body?: ExceptionInfo; retryAfterSeconds?: number },
  ): void;
  /**
   * The next `count` matching requests lose their connection. `when: "after"` applies the request
   * first (the ambiguous case: the change happened but the caller never heard).
   */
  dropNext(count: number, match?: FaultMatch & { when?: "before" | "after" }): void;
  /** Every issued access token expires now. */
  expireTokens(): void;
  /** Clears every fault. */
  reset(): void;
}

export interface SimulatorStats {
  /** Requests by "METHOD /route" with ids replaced by placeholders, e.g. "GET /v8/Organizations/{id}/Users". */
  byRoute(): Record<string, number>;
  count(method: string, route: RegExp): number;
  total(): number;
  reset(): void;
}

export interface SimPrincipal {
  type: "User" | "Group";
  id: string;
  name: string;
  displayName: string;
}

export interface SimRestoreEventInit {
  type: "None" | "Save" | "Export" | "Send" | "Restore" | "View";
  itemName: string;
  itemType?: string;
  itemSizeBytes?: number;
  source?: string;
  target?: string;
  startTime: string;
  endTime?: string;
  status?: "Running" | "Success" | "Warning" | "Failed" | "Cancelled" | "Skipped";
  /** The user or group whose data the event touched (v8 reports its id). */
  userId?: string;
  groupId?: string;
}

export interface SimRestoreSessionInit {
  id?: string;
  organizationId: string;
  type?: "Vex" | "Veod" | "Vesp" | "Vet";
  name?: string;
  initiatedBy: string;
  clientHost?: string;
  reason?: string;
  scopeName?: string;
  creationTime: string;
  endTime?: string | null;
  state?: "Working" | "Stopped";
  result?: "Success" | "Warning" | "Failed";
  events: SimRestoreEventInit[];
}

/** Direct access to the server's data, as if an administrator used the VB365 console. */
export interface SimulatorControl {
  addAuditItem(organizationId: string, principal: SimPrincipal): string;
  removeAuditItem(organizationId: string, itemId: string): void;
  auditItems(organizationId: string): Array<{ id: string; principal: SimPrincipal }>;
  setNotifications(enabled: boolean): void;
  addRestoreSession(session: SimRestoreSessionInit): string;
  addRestoreEvents(sessionId: string, events: SimRestoreEventInit[]): void;
  addUser(
    organizationId: string,
    user: { id?: string; name: string; displayName: string; type?: "User" | "Shared" | "Public" },
  ): string;
}

export interface VboSimulator {
  /** Base URL without version, e.g. `https://127.0.0.1:41234`. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly faults: SimulatorFaults;
  readonly stats: SimulatorStats;
  readonly control: SimulatorControl;
  close(): Promise<void>;
}

/** Seeded identities every test can rely on. */
export const SEED = {
  organization: { id: "6f144e6f-7f59-475f-8e1d-1bfa0b6bb020", name: "vBridge" },
  benYoung: {
    id: "fafba54d-7ec0-4066-b96d-13be036200f800000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAAervaJPfu-8CbZ-GQjggAAA",
    name: "ben.young@vbridge.co.nz",
    displayName: "Ben Young",
  },
} as const;
