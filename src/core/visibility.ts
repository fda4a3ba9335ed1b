/**
 * Who sees what: the one owner of the rule. Audit state (who is audited, other people's requests
 * and reasons, the log, VB365's details) tells the people whose restores are watched which
 * mailboxes raise an alert, so only *viewers* see it: an organization's approvers and viewers (its
 * route's). Everyone may still ask, and see their own requests.
 *
 * A question about one organization asks its route; a question about none (status, the whole log)
 * needs the person to be a viewer on every route, so that several routes (one per tenant) never
 * show one tenant another's state.
 */
import type { Route, Routing } from "./routing.ts";
import type { OrganizationRef } from "./vocabulary.ts";

/** The people, beyond the approvers, who may see audit state. Implemented by src/slack. */
export interface Viewers {
  isViewer(userId: string): Promise<boolean>;
}

/** `AUDIT_VISIBILITY=everyone`: every member is a viewer (the bot's behaviour before viewers). */
export const EVERYONE: Viewers = { isViewer: async () => true };

/** Nobody beyond the approvers. */
export const NOBODY: Viewers = { isViewer: async () => false };

async function viewsRoute(route: Route, userId: string): Promise<boolean> {
  return (await route.viewers.isViewer(userId)) || (await route.approvers.isApprover(userId));
}

/** What one person may see: asked of the routing each time, so a change to a group shows within its cache. */
export interface Sight {
  readonly userId: string;
  /** May they see the audit state of `organization`? */
  sees(organization: OrganizationRef): Promise<boolean>;
  /** May they see what is not about one organization: every route's state? */
  seesAll(): Promise<boolean>;
}

export function sightOf(routing: Routing, userId: string): Sight {
  return {
    userId,
    async sees(organization) {
      // No route takes it: nobody may see its state.
      const route = routing.find(organization);
      return route !== undefined && (await viewsRoute(route, userId));
    },
    async seesAll() {
      for (const route of routing.all()) if (!(await viewsRoute(route, userId))) return false;
      return true;
    },
  };
}
