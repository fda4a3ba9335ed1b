/**
 * The command flows that only read: find, list, pending, log, status, and what the Home tab shows.
 * No Slack in them: each returns data (or the answer that explains why there is none) for the Slack
 * side to render. VB365 failing is an answer, never an exception.
 */
import type { Clock } from "../../clock.ts";
import type { ApiVersionSetting } from "../../config.ts";
import { describeError, isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { VboApi, VboHealth } from "../../vbo/api.ts";
import { auditItemPrincipal, findAuditItem } from "../../vbo/principals.ts";
import type { ApiVersion, AuditItem, PrincipalRef } from "../../vbo/schemas.ts";
import {
  type MemberProblem,
  type OrganizationProblem,
  organizationOrProblem,
  unavailable,
  type VboUnavailable,
} from "../answers.ts";
import type { MemberProfiles } from "../directory/ports.ts";
import type { Candidate, Resolver } from "../directory/resolver.ts";
import { lookupOf } from "../directory/who.ts";
import { type KnownOrganization, namesOrganization, type Organizations } from "../organizations.ts";
import type { EventLog, Transactions } from "../ports.ts";
import type { RequestRecords, VoteRecords } from "../requests/ports.ts";
import type { Request, Vote } from "../requests/types.ts";
import { approvesAnywhere, type Routing } from "../routing.ts";
import type { LogEvent, OrganizationRef, Who } from "../vocabulary.ts";

export interface FoundPrincipal extends Candidate {
  /** Undefined when VB365's audit items could not be read. */
  audited: boolean | undefined;
}

export type FindOutcome =
  | { kind: "found"; organization: OrganizationRef; query: string; matches: FoundPrincipal[]; total: number }
  | VboUnavailable
  | OrganizationProblem
  | MemberProblem;

export interface AuditedPrincipals {
  organization: OrganizationRef;
  users: PrincipalRef[];
  groups: PrincipalRef[];
}

export type ListOutcome = ({ kind: "audited" } & AuditedPrincipals) | VboUnavailable | OrganizationProblem;

export interface OpenRequest {
  request: Request;
  votes: Vote[];
}

export interface PendingOutcome {
  kind: "open";
  requests: OpenRequest[];
  /** The `--org` filter, as typed. */
  organization?: string | undefined;
}

export type LogOutcome =
  | {
      kind: "log";
      events: LogEvent[];
      /** Older events exist beyond the page. */
      more: boolean;
      /** Whose log, when one was asked for. */
      principal?: string | undefined;
    }
  /** `log <who>` matched several principals: name one of them. */
  | { kind: "ambiguous"; candidates: Candidate[]; total: number }
  | VboUnavailable
  | OrganizationProblem
  | MemberProblem;

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface StatusReport {
  vbo: {
    url: string;
    setting: ApiVersionSetting;
    reachable: boolean;
    error?: string | undefined;
    apiVersion?: ApiVersion | undefined;
    lastSuccessAt?: Date | undefined;
    organizations?: number | undefined;
  };
  /** Audit e-mail notifications: without them audit items alert nobody. */
  notifications:
    | { kind: "on"; to?: string | undefined }
    | { kind: "off" }
    | { kind: "unknown"; error: string };
  database: { ok: boolean; error?: string | undefined };
  requests: { pending: number; waitingToApply: number };
  readiness: Readiness;
}

export interface HomeData {
  userId: string;
  isApprover: boolean;
  /** Requests waiting for approval (approvers only). */
  pending: OpenRequest[];
  /** The person's own requests, newest first. */
  mine: Request[];
  /** Audited principals per organization, or why they could not be read. */
  audited: Array<AuditedPrincipals | { organization?: OrganizationRef; error: string }>;
  /** Organizations left out to keep VB365 calls (and the tab) bounded. */
  organizationsOmitted: number;
}

export interface QueriesDeps {
  organizations: Organizations;
  resolver: Resolver;
  profiles: MemberProfiles;
  routing: Routing;
  store: Pick<Transactions, "isOpen"> & {
    readonly requests: Pick<RequestRecords, "listOpen" | "listPending" | "listByRequester">;
    readonly votes: Pick<VoteRecords, "list">;
    readonly log: Pick<EventLog, "list">;
  };
  vbo: VboApi;
  vboSettings: { url: string; apiVersion: ApiVersionSetting };
  clock: Clock;
  logger: Logger;
  /** Log events per page; default 25. */
  logPageSize?: number;
  /** Organizations whose audited principals the Home tab reads; default 10. */
  homeOrganizations?: number;
  /** While VB365's last call failed, `readiness()` asks VB365 again at most this often; default 5 s. */
  readinessProbeMs?: number;
}

export interface Queries {
  find(input: { who: Who; query: string; org?: string | undefined }): Promise<FindOutcome>;
  list(input: { org?: string | undefined }): Promise<ListOutcome>;
  pending(input: { org?: string | undefined }): PendingOutcome;
  log(input: { who?: Who | undefined; org?: string | undefined }): Promise<LogOutcome>;
  status(): Promise<StatusReport>;
  home(userId: string): Promise<HomeData>;
  /**
   * For `/readyz`: the database is open and the last VB365 call succeeded (or none was needed).
   * After a failure it asks VB365 again (rate-limited), so readiness comes back with VB365 even
   * when nothing else is calling it.
   */
  readiness(): Promise<Readiness>;
}

/** Pure: ready when the database is open and VB365's last call did not fail. */
export function readinessOf(databaseOpen: boolean, health: VboHealth): Readiness {
  if (!databaseOpen) return { ready: false, reason: "the database is not open" };
  if (health.lastCallOk === false) {
    return { ready: false, reason: `the last VB365 call failed: ${health.lastError ?? "unknown error"}` };
  }
  return { ready: true };
}

/** Pure: audit items split into users and groups, sorted by display name. */
export function auditedPrincipals(
  organization: OrganizationRef,
  items: readonly AuditItem[],
): AuditedPrincipals {
  const users: PrincipalRef[] = [];
  const groups: PrincipalRef[] = [];
  for (const item of items) {
    const who = item.type === "User" ? item.user : item.group;
    const principal = auditItemPrincipal(item);
    if (!who || !principal) continue;
    const ref: PrincipalRef = {
      type: item.type,
      id: who.id,
      name: who.name ?? "",
      displayName: who.displayName ?? who.name ?? who.id,
    };
    (item.type === "User" ? users : groups).push(ref);
  }
  const byName = (a: PrincipalRef, b: PrincipalRef) =>
    a.displayName.localeCompare(b.displayName, "en", { sensitivity: "base" });
  return { organization, users: users.sort(byName), groups: groups.sort(byName) };
}

export function createQueries(deps: QueriesDeps): Queries {
  return new QueryService(deps);
}

const ref = (o: KnownOrganization): OrganizationRef => ({ id: o.id, name: o.name });

class QueryService implements Queries {
  readonly #deps: QueriesDeps;
  readonly #log: Logger;
  readonly #logPageSize: number;
  #lastProbeAt = Number.NEGATIVE_INFINITY;
  #probe: Promise<void> | undefined;

  constructor(deps: QueriesDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "queries" });
    this.#logPageSize = deps.logPageSize ?? 25;
  }

  async find(input: { who: Who; query: string; org?: string | undefined }): Promise<FindOutcome> {
    try {
      const chosen = organizationOrProblem(await this.#deps.organizations.choose(input.org));
      if (!chosen.ok) return chosen.problem;
      const organization = ref(chosen.organization);
      const who = await lookupOf(input.who, this.#deps.profiles, this.#log);
      if (!who.ok) return who.problem;
      const query = input.who.kind === "member" ? who.lookup.value : input.query;
      const found = await this.#deps.resolver.search(organization.id, query);
      if (found.kind === "unavailable") return { kind: "vbo_unavailable", error: found.error.describe() };
      let items: AuditItem[] | undefined;
      try {
        items = found.matches.length > 0 ? await this.#deps.vbo.listAuditItems(organization.id) : [];
      } catch (err) {
        if (!isVboError(err)) throw err;
        this.#log.warn("find: audit items could not be read", { error: err.describe() });
      }
      const matches = found.matches.map((m) => ({
        ...m,
        audited: items === undefined ? undefined : findAuditItem(items, m.principal) !== undefined,
      }));
      return { kind: "found", organization, query, matches, total: found.total };
    } catch (err) {
      return unavailable(err);
    }
  }

  async list(input: { org?: string | undefined }): Promise<ListOutcome> {
    try {
      const chosen = organizationOrProblem(await this.#deps.organizations.choose(input.org));
      if (!chosen.ok) return chosen.problem;
      const organization = ref(chosen.organization);
      const items = await this.#deps.vbo.listAuditItems(organization.id);
      return { kind: "audited", ...auditedPrincipals(organization, items) };
    } catch (err) {
      return unavailable(err);
    }
  }

  pending(input: { org?: string | undefined }): PendingOutcome {
    // The store alone answers: open requests show even while VB365 is down.
    const wanted = input.org;
    const requests = this.#deps.store.requests
      .listOpen()
      .filter((r) => wanted === undefined || namesOrganization(r.organization, wanted) !== undefined)
      .map((request) => ({ request, votes: this.#deps.store.votes.list(request.id) }));
    return { kind: "open", requests, organization: input.org };
  }

  async log(input: { who?: Who | undefined; org?: string | undefined }): Promise<LogOutcome> {
    let organizationId: string | undefined;
    let principal: string | undefined;
    try {
      const who =
        input.who === undefined ? undefined : await lookupOf(input.who, this.#deps.profiles, this.#log);
      if (who !== undefined && !who.ok) return who.problem;
      const byName = who !== undefined && (who.lookup.kind === "text" || who.lookup.kind === "quoted");
      // An organization matters for `--org`, and for turning a name into a UPN.
      if (input.org !== undefined || byName) {
        const chosen = organizationOrProblem(await this.#deps.organizations.choose(input.org));
        if (!chosen.ok) return chosen.problem;
        if (input.org !== undefined) organizationId = chosen.organization.id;
        if (who !== undefined && byName) {
          const resolution = await this.#deps.resolver.resolve(chosen.organization.id, who.lookup);
          if (resolution.kind === "many") {
            return { kind: "ambiguous", candidates: resolution.candidates, total: resolution.total };
          }
          // Someone no longer in the directory may still be in the log under what was typed.
          principal =
            resolution.kind === "one"
              ? resolution.principal.name || resolution.principal.id
              : who.lookup.value;
        }
      }
      if (who !== undefined && !byName) principal = who.lookup.value;
    } catch (err) {
      return unavailable(err);
    }
    const events = this.#deps.store.log.list({
      limit: this.#logPageSize + 1,
      ...(organizationId === undefined ? {} : { organizationId }),
      ...(principal === undefined ? {} : { principal }),
    });
    return {
      kind: "log",
      events: events.slice(0, this.#logPageSize),
      more: events.length > this.#logPageSize,
      principal,
    };
  }

  async status(): Promise<StatusReport> {
    const { vbo } = this.#deps;
    const report: StatusReport = {
      vbo: { url: this.#deps.vboSettings.url, setting: this.#deps.vboSettings.apiVersion, reachable: false },
      notifications: { kind: "unknown", error: "not checked" },
      database: { ok: true },
      requests: { pending: 0, waitingToApply: 0 },
      readiness: { ready: true },
    };
    try {
      report.vbo.apiVersion = await vbo.apiVersion();
      report.vbo.organizations = (await this.#deps.organizations.list()).length;
      report.vbo.reachable = true;
    } catch (err) {
      report.vbo.error = describeError(err);
      if (!isVboError(err)) this.#log.error("status: unexpected error from VB365", { error: err });
    }
    try {
      const settings = await vbo.getAuditEmailSettings();
      report.notifications = settings.enableNotification
        ? { kind: "on", to: settings.to || undefined }
        : { kind: "off" };
    } catch (err) {
      report.notifications = {
        kind: "unknown",
        error: describeError(err),
      };
    }
    const health = vbo.health();
    report.vbo.lastSuccessAt = health.lastSuccessAt;
    report.vbo.apiVersion ??= health.version;
    try {
      const open = this.#deps.store.requests.listOpen();
      report.requests = {
        pending: open.filter((r) => r.state === "pending").length,
        waitingToApply: open.length - open.filter((r) => r.state === "pending").length,
      };
      report.database = { ok: this.#deps.store.isOpen() };
    } catch (err) {
      this.#log.error("status: the database failed", { error: err });
      report.database = { ok: false, error: "the database could not be read (see the bot's logs)" };
    }
    report.readiness = report.database.ok
      ? await this.readiness()
      : { ready: false, reason: "the database failed" };
    return report;
  }

  async home(userId: string): Promise<HomeData> {
    const { store } = this.#deps;
    const isApprover = await approvesAnywhere(this.#deps.routing, userId);
    const pending = isApprover
      ? store.requests.listPending().map((request) => ({ request, votes: store.votes.list(request.id) }))
      : [];
    const mine = store.requests.listByRequester(userId, 20);
    const max = this.#deps.homeOrganizations ?? 10;
    let audited: HomeData["audited"];
    let organizationsOmitted = 0;
    try {
      const organizations = await this.#deps.organizations.list();
      organizationsOmitted = Math.max(0, organizations.length - max);
      audited = await Promise.all(
        organizations.slice(0, max).map(async (o) => {
          try {
            return auditedPrincipals(ref(o), await this.#deps.vbo.listAuditItems(o.id));
          } catch (err) {
            return { organization: ref(o), error: unavailable(err).error };
          }
        }),
      );
    } catch (err) {
      audited = [{ error: unavailable(err).error }];
    }
    return { userId, isApprover, pending, mine, audited, organizationsOmitted };
  }

  async readiness(): Promise<Readiness> {
    const { store, vbo } = this.#deps;
    if (store.isOpen() && vbo.health().lastCallOk === false) {
      // A readiness check must answer quickly: a slow probe finishes in the background.
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#probeVbo(),
        new Promise<void>((resolve) => {
          bound = setTimeout(resolve, 3_000);
        }),
      ]);
      clearTimeout(bound);
    }
    return readinessOf(store.isOpen(), vbo.health());
  }

  /** One cheap authenticated read, shared by concurrent callers and at most one per interval. */
  #probeVbo(): Promise<void> {
    const now = this.#deps.clock.now().getTime();
    if (this.#probe === undefined && now - this.#lastProbeAt >= (this.#deps.readinessProbeMs ?? 5_000)) {
      this.#lastProbeAt = now;
      this.#probe = this.#deps.vbo
        .listOrganizations()
        .then(
          () => this.#log.info("VB365 answers again"),
          () => undefined, // the client recorded the failure; readiness reports it
        )
        .finally(() => {
          this.#probe = undefined;
        });
    }
    return this.#probe ?? Promise.resolve();
  }
}
