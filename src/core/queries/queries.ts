/**
 * The command flows that only read: find, list, pending, log, status, and what the Home tab shows.
 * No Slack in them: each returns data (or the answer that explains why there is none) for the Slack
 * side to render. VB365 failing is an answer, never an exception.
 */
import type { Clock } from "../../clock.ts";
import type { ApiVersionSetting } from "../../config.ts";
import { isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { VboApi } from "../../vbo/api.ts";
import { auditItemPrincipal, findAuditItem } from "../../vbo/principals.ts";
import type { AuditItem, PrincipalRef } from "../../vbo/schemas.ts";
import {
  type OrganizationProblem,
  organizationOrProblem,
  type Problem,
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
import { createHealth, type Health, type HealthDeps } from "./health.ts";

export interface FoundPrincipal extends Candidate {
  /** Undefined when VB365's audit items could not be read. */
  audited: boolean | undefined;
}

export type FindOutcome =
  | { kind: "found"; organization: OrganizationRef; query: string; matches: FoundPrincipal[]; total: number }
  | Problem;

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
  | Problem;

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
}

export interface Queries extends Health {
  find(input: { who: Who; query: string; org?: string | undefined }): Promise<FindOutcome>;
  list(input: { org?: string | undefined }): Promise<ListOutcome>;
  pending(input: { org?: string | undefined }): PendingOutcome;
  log(input: { who?: Who | undefined; org?: string | undefined }): Promise<LogOutcome>;
  home(userId: string): Promise<HomeData>;
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

export function createQueries(deps: QueriesDeps & HealthDeps): Queries {
  const health = createHealth(deps);
  const queries = new QueryService(deps);
  return {
    find: (input) => queries.find(input),
    list: (input) => queries.list(input),
    pending: (input) => queries.pending(input),
    log: (input) => queries.log(input),
    home: (userId) => queries.home(userId),
    status: () => health.status(),
    readiness: () => health.readiness(),
  };
}

const ref = (o: KnownOrganization): OrganizationRef => ({ id: o.id, name: o.name });

class QueryService {
  readonly #deps: QueriesDeps;
  readonly #log: Logger;

  constructor(deps: QueriesDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "queries" });
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
    const pageSize = this.#deps.logPageSize ?? 25;
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
      limit: pageSize + 1,
      ...(organizationId === undefined ? {} : { organizationId }),
      ...(principal === undefined ? {} : { principal }),
    });
    return {
      kind: "log",
      events: events.slice(0, pageSize),
      more: events.length > pageSize,
      principal,
    };
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
}
