/**
 * The simulator's public surface: what tests, the benchmark and `npm run sim` use. The simulator
 * behaves like a VB365 server over real HTTP(S); these hooks let a test shape its data and inject
 * the failures a real server shows.
 */
import type { Clock } from "../clock.ts";
import type { ApiVersion, ExceptionInfo } from "../vbo/schemas.ts";
import type { FieldMode } from "./shape.ts";

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
  /** Users generated in each generated or named organization; default 10. */
  usersPerOrganization?: number;
  /**
   * Seed these organizations instead of vBridge and Contoso (and vBridge's restore sessions): each
   * with `usersPerOrganization` generated users, Ben and Sarah Young (`ben.young@<domain>`, the
   * domain from `tenantDomain(name)`), three groups, the Executive Team audited. Distinct names.
   */
  organizationNames?: string[];
  /**
   * Salts the ids of named and generated organizations and everything in them, so that servers of
   * a fleet never share an id (names may clash). Default 0: the ids a single simulator always had.
   * vBridge and Contoso keep their `SEED` ids whatever the seed.
   */
  seed?: number;
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
  /** Time as the server sees it (token expiry, session times). */
  clock?: Clock;
  /**
   * How fields without a value are written: `realistic` (default) writes every field the version
   * declares, null where nullable, as ASP.NET does; `sparse` leaves them out.
   */
  fields?: FieldMode;
  /** The build `ServiceInstance` reports; default that of the newest version served (8.1, 7.1, 6.1). */
  productVersion?: string;
  /**
   * The REST API set to restore operator authentication only: an administrator's password grant
   * is refused with 403. (What a real server answers is not documented; this is the assumption the
   * bot's message is built on.)
   */
  operatorAuthenticationOnly?: boolean;
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
    match?: FaultMatch & {
      body?: ExceptionInfo;
      retryAfterSeconds?: number;
      /** Sent verbatim instead of a RESTExceptionInfo, e.g. a proxy's HTML error page. */
      rawBody?: string;
      /** Content-Type of `rawBody`; default `text/html; charset=utf-8`. */
      contentType?: string;
    },
  ): void;
  /**
   * The next `count` matching requests lose their connection. `when: "after"` applies the request
   * first (the ambiguous case: the change happened but the caller never heard).
   */
  dropNext(count: number, match?: FaultMatch & { when?: "before" | "after" }): void;
  /**
   * Matching requests wait, unanswered, until `release()` (or until their client gives up): a
   * server stuck on some calls. `held()` counts the requests waiting now.
   */
  hold(match?: FaultMatch): SimHold;
  /** Every issued access token expires now. */
  expireTokens(): void;
  /** Clears every fault. */
  reset(): void;
}

export interface SimHold {
  /** Requests waiting on this hold now. */
  held(): number;
  /** Lets every waiting request through and holds no more. */
  release(): void;
}

export interface SimulatorStats {
  /** Requests by "METHOD /route" with ids replaced by placeholders, e.g. "GET /v8/Organizations/{id}/Users". */
  byRoute(): Record<string, number>;
  count(method: string, route: RegExp): number;
  total(): number;
  reset(): void;
  /** The last `/token` request: its grant type and parameter names (never values). */
  lastTokenRequest?(): TokenRequestInfo | undefined;
}

export interface TokenRequestInfo {
  version: ApiVersion;
  grantType: string | undefined;
  /** Parameter names as sent, sorted, e.g. `["disable_antiforgery_token", "grant_type", …]`. */
  parameterNames: string[];
  contentType: string | undefined;
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
  /** The organizations served, in the order `GET /Organizations` lists them. */
  organizations(): Array<{ id: string; name: string }>;
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
  /** Not audited; the seeded helpdesk session views and restores her mail. */
  sarahYoung: {
    id: "5d2b8c4e-1f3a-4b6d-9e8f-7a1c2d3e4f5000000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAAervaJPfu-8CbZ-GQjwgAAA",
    name: "sarah.young@vbridge.co.nz",
    displayName: "Sarah Young",
  },
  /** The service account that exports Ben Young's mail in the seeded session; display name as written. */
  simonService: {
    id: "9e7d6c5b-4a39-4828-8716-f5e4d3c2b1a000000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAAervaJPfu-8CbZ-GQUQQAAA",
    name: "simon.service@vbridge.co.nz",
    displayName: "simon service",
  },
  /** A shared mailbox (`type: "Shared"`). */
  sharedMailbox: {
    id: "6e7f8091-a2b3-4c4d-8e5f-60718293a4b500000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAAervaJPfu-8CbZ-GQuQsAAA",
    name: "accounts.payable@vbridge.co.nz",
    displayName: "Accounts Payable",
  },
  groups: {
    /** The only principal audited at start. */
    executiveTeam: {
      id: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d00000000-0000-0000-0000-000000000000",
      name: "executive.team@vbridge.co.nz",
      displayName: "Executive Team",
    },
    finance: {
      id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e00000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAAervaJPfu-8CbZ-GQoQ8AAA",
      name: "finance@vbridge.co.nz",
      displayName: "Finance",
    },
    itSecurity: {
      id: "c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f00000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAAervaJPfu-8CbZ-GQog8AAA",
      name: "it.security@vbridge.co.nz",
      displayName: "IT Security",
    },
    /** A security group synced from Active Directory without a mail address: `name` is null (v8) or empty. */
    legalHold: {
      id: "e5f6a7b8-c9d0-4e1f-8a2b-4c5d6e7f8091c0ffee00-0000-4000-8000-000000000000AQUAAAAAAAUVAAAAervaJPfu-8CbZ-GQIwwAAA",
      name: "",
      displayName: "Legal Hold Reviewers",
    },
  },
  /**
   * The seeded audit item of the Executive Team group. VB365 builds an audit item's id from the
   * item's own GUID followed by the principal's id.
   */
  auditItems: {
    executiveTeam:
      "8c7b6a59-4837-4261-9f0e-d1c2b3a4f5e6a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d00000000-0000-0000-0000-000000000000",
  },
  /** A second organization, so that choosing the organization matters. */
  contoso: { id: "2f9a1b7c-3d4e-4f50-8a6b-7c8d9e0f1a2b", name: "Contoso" },
  /** Contoso's own Ben Young: same display name, another UPN. */
  contosoBenYoung: {
    id: "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f00000000-0000-0000-0000-000000000000",
    name: "ben.young@contoso.com",
    displayName: "Ben Young",
  },
  restoreSessions: {
    /** VBRIDGE\simon.service exports 5 items of Ben Young's mailbox to C:\export, 2025-03-11 09:42–09:44 UTC. */
    benExport: "7d1c3a2e-5b4f-4e8a-9c0d-1e2f3a4b5c6d",
    /** The helpdesk views and restores a message of Sarah Young's (not audited). */
    sarahView: "3e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b",
    /** A OneDrive restore for Priya Patel (not audited). */
    priyaOneDrive: "9a0b1c2d-3e4f-4a5b-9c6d-7e8f9a0b1c2d",
  },
} as const;
