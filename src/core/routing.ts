/**
 * Who decides an organization's requests, under which policy, and where its requests, digest and
 * alerts go: looked up here, per organization, and nowhere else. Today one route serves every
 * organization (`singleRoute`, from the configuration); the seam is what lets several routes (one
 * per tenant, one per VB365 server) come without touching the callers.
 */
import type { Approvers } from "./requests/ports.ts";
import type { Policy } from "./requests/types.ts";
import type { Viewers } from "./visibility.ts";
import type { OrganizationRef } from "./vocabulary.ts";

export interface Route {
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

export interface Routing {
  /** The route of an organization's requests, digest and alerts. */
  of(organization: OrganizationRef): Route;
  /** Every route, once each (for what is not about one organization: the digest, "is an approver anywhere"). */
  all(): readonly Route[];
}

/** Every organization on the same route. */
export function singleRoute(route: Route): Routing {
  return { of: () => route, all: () => [route] };
}

/** Whether `userId` approves on any route (who may ask for the digest, whose Home tab lists requests). */
export async function approvesAnywhere(routing: Routing, userId: string): Promise<boolean> {
  for (const route of routing.all()) if (await route.approvers.isApprover(userId)) return true;
  return false;
}
