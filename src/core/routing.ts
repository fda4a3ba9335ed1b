/**
 * Who decides an organization's requests, under which policy, and where its requests, digest and
 * alerts go: looked up here, per organization, and nowhere else. In the simple case one route
 * serves every organization (`singleRoute`); a service provider's routing file gives one route per
 * tenant or per server (`routesByOrganization`): the first route whose matches take the
 * organization wins, else the default route, else the organization is refused.
 */
import type { OrganizationMatch, RouteConfig } from "../config.ts";
import { policyFromConfig } from "./requests/decide.ts";
import type { Approvers } from "./requests/ports.ts";
import type { Policy } from "./requests/types.ts";
import { DEFAULT_SERVER } from "./servers.ts";
import { EVERYONE, type Viewers } from "./visibility.ts";
import type { OrganizationRef } from "./vocabulary.ts";

export interface Route {
  /** The routing file's name of it (`default` in the simple case), for logs and status. */
  name: string;
  policy: Policy;
  approvers: Approvers;
  /** Who sees these organizations' audit state besides the approvers (core/visibility.ts). */
  viewers: Viewers;
  /** Where news of the organizations on this route goes: addresses the notifiers understand (channel ids). */
  destinations: {
    approvals: string;
    digest: string;
    /** Unset: nobody is alerted of access to these organizations' audited data. */
    alerts?: string | undefined;
  };
}

/** An organization as routes match it: with its tenant name when VB365 listed one. */
export type RoutedOrganization = OrganizationRef & { officeName?: string | undefined };

export interface Routing {
  /** The route of an organization's requests, digest and alerts; throws `UnroutedError` when none takes it. */
  of(organization: RoutedOrganization): Route;
  /** The route, or undefined when no route takes the organization. */
  find(organization: RoutedOrganization): Route | undefined;
  /** Every route, once each (for what is not about one organization: the digest, "is an approver anywhere"). */
  all(): readonly Route[];
}

/** An organization no route takes: its requests cannot be decided, its state is nobody's to see. */
export class UnroutedError extends Error {
  override readonly name = "UnroutedError";
  constructor(organization: OrganizationRef) {
    super(`no route takes the organization ${organization.name} (${organization.id})`);
  }
}

/** Every organization on the same route. */
export function singleRoute(route: Route): Routing {
  return { of: () => route, find: () => route, all: () => [route] };
}

/** `*` and `?` wildcards, the whole text, ignoring case. */
function glob(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "i");
}

/** Pure: whether a route's match takes the organization; every field given must agree. */
export function matchesOrganization(match: OrganizationMatch, organization: RoutedOrganization): boolean {
  const same = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();
  const names = [organization.name, organization.officeName];
  if (match.server !== undefined && match.server !== (organization.server ?? DEFAULT_SERVER)) return false;
  if (match.id !== undefined && !same(match.id, organization.id)) return false;
  if (match.name !== undefined && !names.some((n) => same(match.name as string, n))) return false;
  if (match.pattern !== undefined) {
    const re = glob(match.pattern);
    if (!names.some((n) => n !== undefined && re.test(n))) return false;
  }
  return true;
}

export interface RouteRule {
  route: Route;
  /** Any of these takes an organization to the route. */
  organizations: readonly OrganizationMatch[];
}

/** Routes tried in order, then `fallback` (the default route); none: the organization is refused. */
export function routesByOrganization(rules: readonly RouteRule[], fallback?: Route): Routing {
  const routes = [...rules.map((r) => r.route), ...(fallback ? [fallback] : [])];
  const find = (organization: RoutedOrganization): Route | undefined =>
    rules.find((r) => r.organizations.some((m) => matchesOrganization(m, organization)))?.route ?? fallback;
  return {
    find,
    of(organization) {
      const route = find(organization);
      if (route === undefined) throw new UnroutedError(organization);
      return route;
    },
    all: () => routes,
  };
}

/** Whether `userId` approves on any route (who may ask for the digest, whose Home tab lists requests). */
export async function approvesAnywhere(routing: Routing, userId: string): Promise<boolean> {
  for (const route of routing.all()) if (await route.approvers.isApprover(userId)) return true;
  return false;
}

/**
 * The routing of a configuration: its routes in order and its default route, each with the people
 * `peopleOf` finds for it (the Slack side's approvers and viewers of the route's ids and groups).
 */
export function routingFromRoutes(
  config: { routes: readonly RouteConfig[]; defaultRoute?: RouteConfig | undefined },
  peopleOf: (route: RouteConfig) => { approvers: Approvers; viewers: Viewers },
): Routing {
  const toRoute = (r: RouteConfig): Route => {
    const people = peopleOf(r);
    return {
      name: r.name,
      policy: policyFromConfig(r.approvals),
      approvers: people.approvers,
      viewers: r.visibility.audit === "everyone" ? EVERYONE : people.viewers,
      destinations: {
        approvals: r.approvals.channelId,
        digest: r.digestChannelId,
        alerts: r.alertsChannelId,
      },
    };
  };
  return routesByOrganization(
    config.routes.map((r) => ({ route: toRoute(r), organizations: r.organizations })),
    config.defaultRoute ? toRoute(config.defaultRoute) : undefined,
  );
}
