/**
 * The answers a flow gives when it cannot go on, shared by the request flows and the queries:
 * VB365 could not be asked, no organization could be used, a mentioned member cannot be mapped to
 * Microsoft 365. Each is data for the Slack side to render; none is an exception.
 */
import { isVboError } from "../errors.ts";
import type { Candidate } from "./directory/answer.ts";
import type { KnownOrganization, OrganizationChoice } from "./organizations.ts";

/** VB365 could not be asked; `error` is safe to show. Nothing was recorded. */
export type VboUnavailable = { kind: "vbo_unavailable"; error: string; suggestions?: Candidate[] };

/** A VB365 failure as an answer; anything else is a bug and propagates. */
export function unavailable(err: unknown): VboUnavailable {
  if (isVboError(err)) return { kind: "vbo_unavailable", error: err.describe() };
  throw err;
}

/** Why no organization could be used. */
export type OrganizationProblem =
  | { kind: "choose_organization"; organizations: KnownOrganization[] }
  | { kind: "unknown_organization"; wanted: string; fromConfig: boolean; organizations: KnownOrganization[] }
  | { kind: "no_organizations" }
  /** The name is on several VB365 servers: it must be given as `server/name`. */
  | { kind: "organization_on_several_servers"; wanted: string; organizations: KnownOrganization[] }
  /** No route takes the organization (the routing file names it nowhere and has no default route). */
  | { kind: "unrouted_organization"; organization: KnownOrganization };

/** Maps an organization choice to the organization, or to the answer that explains why there is none. */
export function organizationOrProblem(
  choice: OrganizationChoice,
): { ok: true; organization: KnownOrganization } | { ok: false; problem: OrganizationProblem } {
  switch (choice.kind) {
    case "chosen":
      return { ok: true, organization: choice.organization };
    case "ambiguous":
      return { ok: false, problem: { kind: "choose_organization", organizations: choice.organizations } };
    case "unknown":
      return {
        ok: false,
        problem: {
          kind: "unknown_organization",
          wanted: choice.wanted,
          fromConfig: choice.fromConfig,
          organizations: choice.organizations,
        },
      };
    case "none":
      return { ok: false, problem: { kind: "no_organizations" } };
    case "on_several_servers":
      return {
        ok: false,
        problem: {
          kind: "organization_on_several_servers",
          wanted: choice.wanted,
          organizations: choice.organizations,
        },
      };
    case "unrouted":
      return { ok: false, problem: { kind: "unrouted_organization", organization: choice.organization } };
  }
}

/** A mentioned member who cannot be mapped to Microsoft 365. */
export type MemberProblem =
  | { kind: "member_without_email"; userId: string }
  /** Their profile could not be read just now. */
  | { kind: "profile_unavailable"; userId: string };

/** Every reason a flow could not go on that the person can do something about. */
export type Problem = VboUnavailable | OrganizationProblem | MemberProblem;
