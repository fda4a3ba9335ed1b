/**
 * The command flows that only read: find, list, pending, log, status, and what the Home tab shows.
 * No Slack in them: each returns data (or the answer that explains why there is none) for the Slack
 * side to render. VB365 failing is an answer, never an exception.
 *
 * Each is asked by someone, and answers with what that person may see (core/visibility.ts): audit
 * state to viewers only; everyone else their own requests, and a word that only viewers see more.
 * What only displays VB365 state is read through the display cache (core/display-reads.ts).
 */
import type { Clock } from "../../clock.ts";
import { isVboError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
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
import type { DisplayReads } from "../display-reads.ts";
import {
  type KnownOrganization,
  namesOrganization,
  type Organizations,
  organizationRef,
} from "../organizations.ts";
import type { EventLog, Transactions } from "../ports.ts";
import type { RequestRecords, VoteRecords } from "../requests/ports.ts";
import type { Request, Vote } from "../requests/types.ts";
import { approvesAnywhere, type Routing } from "../routing.ts";
import { type Sight, sightOf } from "../visibility.ts";
import type { LogEvent, OrganizationRef, Who } from "../vocabulary.ts";
import { createHealth, type HealthDeps, type Readiness, type StatusReport } from "./health.ts";

export interface FoundPrincipal extends Candidate {
  /** Undefined when VB365's audit items could not be read. */
  audited: boolean | undefined;
}

export type FindOutcome =
  | {
      kind: "found";
      organization: OrganizationRef;
      query: string;
      matches: FoundPrincipal[];
      total: number;
      /** Whether the matches carry audited marks: only for viewers of the organization. */
      marked: boolean;
    }
  | Problem;

/** Someone who is not a viewer asked for audit state: they are told only viewers may. */
export interface ViewersOnly {
  kind: "viewers_only";
}

export interface AuditedPrincipals {
  organization: OrganizationRef;
  users: PrincipalRef[];
  groups: PrincipalRef[];
}

export type ListOutcome =
  | ({ kind: "audited" } & AuditedPrincipals)
  | ViewersOnly
  | VboUnavailable
  | OrganizationProblem;

export interface OpenRequest {
  request: Request;
  votes: Vote[];
}

export interface PendingOutcome {
  kind: "open";
  requests: OpenRequest[];
  /** The `--org` filter, as typed. */
  organization?: string | undefined;
  /** The asker is not a viewer (of everything asked about): only their own requests are listed. */
  onlyOwn: boolean;
}

export type LogOutcome =
  | {
      kind: "log";
      events: LogEvent[];
      /** Older events exist beyond the page. */
      more: boolean;
      /** Whose log, when one was asked for. */
      principal?: string | undefined;
      /** The asker is not a viewer (of everything asked about): only their own requests' entries… */
      onlyOwn: boolean;
      /** …and those of these organizations, which they view (on some routes, not all). */
      organizations?: string[] | undefined;
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
  /** Audited principals per organization the person may see, or why they could not be read. */
  audited: Array<AuditedPrincipals | { organization?: OrganizationRef; error: string }>;
  /** Organizations left out to keep VB365 calls (and the tab) bounded. */
  organizationsOmitted: number;
  /** Whether who is audited was left out because the person is not a viewer (of some organizations). */
  auditHidden: boolean;
}

/** `status`: all of it for viewers; whether VB365 answers for everyone else. */
export type StatusOutcome =
  | { kind: "full"; report: StatusReport }
  | { kind: "reachable_only"; reachable: boolean };

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
  /** VB365 state that is only displayed, kept up to a minute and forgotten on every write. */
  display: DisplayReads;
  clock: Clock;
  logger: Logger;
  /** Log events per page; default 25. */
  logPageSize?: number;
  /** Organizations whose audited principals the Home tab reads; default 10. */
  homeOrganizations?: number;
}

/** Who asks: a chat user id. What they are shown depends on what they may see. */
interface Asked {
  asker: string;
}

export interface Queries {
  find(input: Asked & { who: Who; query: string; org?: string | undefined }): Promise<FindOutcome>;
  list(input: Asked & { org?: string | undefined }): Promise<ListOutcome>;
  pending(input: Asked & { org?: string | undefined }): Promise<PendingOutcome>;
  log(input: Asked & { who?: Who | undefined; org?: string | undefined }): Promise<LogOutcome>;
  home(userId: string): Promise<HomeData>;
  status(input: Asked): Promise<StatusOutcome>;
  /** For `/readyz`: see `Health.readiness`. */
  readiness(): Promise<Readiness>;
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
  const sight = (userId: string) => sightOf(deps.routing, userId);
  return {
    find: (input) => queries.find(input, sight(input.asker)),
    list: (input) => queries.list(input, sight(input.asker)),
    pending: (input) => queries.pending(input, sight(input.asker)),
    log: (input) => queries.log(input, sight(input.asker)),
    home: (userId) => queries.home(sight(userId)),
    async status(input) {
      // VB365's details are about the whole server: shown to those who may see every organization.
      if (await sight(input.asker).seesAll()) return { kind: "full", report: await health.status() };
      return { kind: "reachable_only", reachable: await health.reachable() };
    },
    readiness: () => health.readiness(),
  };
}

class QueryService {
  readonly #deps: QueriesDeps;
  readonly #log: Logger;

  constructor(deps: QueriesDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "queries" });
  }

  async find(
    input: { who: Who; query: string; org?: string | undefined },
    sight: Sight,
  ): Promise<FindOutcome> {
    try {
      const chosen = organizationOrProblem(await this.#deps.organizations.choose(input.org));
      if (!chosen.ok) return chosen.problem;
      const organization = organizationRef(chosen.organization);
      const who = await lookupOf(input.who, this.#deps.profiles, this.#log);
      if (!who.ok) return who.problem;
      const query = input.who.kind === "member" ? who.lookup.value : input.query;
      const found = await this.#deps.resolver.search(organization.id, query);
      if (found.kind === "unavailable") return { kind: "vbo_unavailable", error: found.error.describe() };
      const marked = await sight.sees(organization);
      let items: AuditItem[] | undefined;
      try {
        // The marks are audit state: read only for those who may see them.
        items =
          marked && found.matches.length > 0 ? await this.#deps.display.auditItems(organization.id) : [];
      } catch (err) {
        if (!isVboError(err)) throw err;
        this.#log.warn("find: audit items could not be read", { error: err.describe() });
      }
      const matches = found.matches.map((m) => ({
        ...m,
        audited: !marked || items === undefined ? undefined : findAuditItem(items, m.principal) !== undefined,
      }));
      return { kind: "found", organization, query, matches, total: found.total, marked };
    } catch (err) {
      return unavailable(err);
    }
  }

  async list(input: { org?: string | undefined }, sight: Sight): Promise<ListOutcome> {
    try {
      const chosen = organizationOrProblem(await this.#deps.organizations.choose(input.org));
      if (!chosen.ok) return chosen.problem;
      const organization = organizationRef(chosen.organization);
      if (!(await sight.sees(organization))) return { kind: "viewers_only" };
      const items = await this.#deps.display.auditItems(organization.id);
      return { kind: "audited", ...auditedPrincipals(organization, items) };
    } catch (err) {
      return unavailable(err);
    }
  }

  async pending(input: { org?: string | undefined }, sight: Sight): Promise<PendingOutcome> {
    // The store alone answers: open requests show even while VB365 is down.
    const wanted = input.org;
    const open = this.#deps.store.requests
      .listOpen()
      .filter((r) => wanted === undefined || namesOrganization(r.organization, wanted) !== undefined);
    const seen = new Map<string, boolean>();
    const requests: OpenRequest[] = [];
    let hidden = false;
    for (const request of open) {
      const org = request.organization;
      if (!seen.has(org.id)) seen.set(org.id, await sight.sees(org));
      if (request.requester !== sight.userId && !seen.get(org.id)) {
        hidden = true;
        continue;
      }
      requests.push({ request, votes: this.#deps.store.votes.list(request.id) });
    }
    const onlyOwn = hidden || (wanted === undefined && !(await sight.seesAll()));
    return { kind: "open", requests, organization: input.org, onlyOwn };
  }

  async log(input: { who?: Who | undefined; org?: string | undefined }, sight: Sight): Promise<LogOutcome> {
    const pageSize = this.#deps.logPageSize ?? 25;
    let organization: OrganizationRef | undefined;
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
        if (input.org !== undefined) organization = organizationRef(chosen.organization);
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
    const onlyOwn = !(organization === undefined ? await sight.seesAll() : await sight.sees(organization));
    // Someone who views some routes but not all sees those routes' organizations, and their own.
    const viewed = onlyOwn && organization === undefined ? await this.#viewedOrganizations(sight) : [];
    const events = this.#deps.store.log.list({
      limit: pageSize + 1,
      ...(organization === undefined ? {} : { organizationId: organization.id }),
      ...(principal === undefined ? {} : { principal }),
      ...(onlyOwn ? { requester: sight.userId, alsoOrganizationIds: viewed.map((o) => o.id) } : {}),
    });
    return {
      kind: "log",
      events: events.slice(0, pageSize),
      more: events.length > pageSize,
      principal,
      onlyOwn,
      ...(viewed.length > 0 ? { organizations: viewed.map((o) => o.name) } : {}),
    };
  }

  /** The organizations whose state `sight` may see; none when VB365 cannot list them just now. */
  async #viewedOrganizations(sight: Sight): Promise<OrganizationRef[]> {
    let all: OrganizationRef[];
    try {
      all = await this.#deps.organizations.list();
    } catch {
      return [];
    }
    const viewed: OrganizationRef[] = [];
    for (const o of all) if (await sight.sees(o)) viewed.push(o);
    return viewed;
  }

  async home(sight: Sight): Promise<HomeData> {
    const { store } = this.#deps;
    const { userId } = sight;
    const isApprover = await approvesAnywhere(this.#deps.routing, userId);
    // Only the requests they may decide: another route's are its own approvers' business.
    const pending: HomeData["pending"] = [];
    if (isApprover) {
      for (const request of store.requests.listPending()) {
        const route = this.#deps.routing.find(request.organization);
        if (route !== undefined && (await route.approvers.isApprover(userId)))
          pending.push({ request, votes: store.votes.list(request.id) });
      }
    }
    const mine = store.requests.listByRequester(userId, 20);
    const max = this.#deps.homeOrganizations ?? 10;
    let audited: HomeData["audited"] = [];
    let organizationsOmitted = 0;
    let auditHidden = false;
    try {
      const organizations = await this.#deps.organizations.list();
      const visible: KnownOrganization[] = [];
      for (const o of organizations) {
        if (await sight.sees(o)) visible.push(o);
        else auditHidden = true;
      }
      organizationsOmitted = Math.max(0, visible.length - max);
      audited = await Promise.all(
        visible.slice(0, max).map(async (o) => {
          try {
            return auditedPrincipals(organizationRef(o), await this.#deps.display.auditItems(o.id));
          } catch (err) {
            return { organization: organizationRef(o), error: unavailable(err).error };
          }
        }),
      );
    } catch (err) {
      // Which organizations there are is unknown: only someone who sees them all hears why.
      if (await sight.seesAll()) audited = [{ error: unavailable(err).error }];
      else auditHidden = true;
    }
    return { userId, isApprover, pending, mine, audited, organizationsOmitted, auditHidden };
  }
}
