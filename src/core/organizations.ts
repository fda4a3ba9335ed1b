/**
 * Which VB365 organization a command is about. The organizations are listed from every VB365
 * server and cached for a few minutes (a command must not list them every time; a new organization
 * shows within minutes). `--org` names one by id, name or officeName, case-insensitively, or as
 * `server/name` when a name is on several servers; without it the configured default
 * (`VBO_ORGANIZATION`) applies; a single organization needs neither; otherwise the person is asked
 * to add `--org`. An organization no route takes is refused here, before anything is asked of it.
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { Organization } from "../vbo/schemas.ts";
import type { Fleet } from "./servers.ts";
import type { OrganizationRef } from "./vocabulary.ts";

export interface KnownOrganization extends OrganizationRef {
  /** The Microsoft 365 tenant name, e.g. `vbridge.onmicrosoft.com`. */
  officeName?: string | undefined;
}

export type OrganizationChoice =
  | { kind: "chosen"; organization: KnownOrganization }
  /** Several organizations and nothing chose one: the person adds `--org`. */
  | { kind: "ambiguous"; organizations: KnownOrganization[] }
  /** The name is on several servers: the person names it as `server/name`. */
  | { kind: "on_several_servers"; wanted: string; organizations: KnownOrganization[] }
  /** No route takes it: nobody may approve its requests or see its state. */
  | { kind: "unrouted"; organization: KnownOrganization }
  /** `--org` (or the configured default, `fromConfig`) names none of them. */
  | { kind: "unknown"; wanted: string; fromConfig: boolean; organizations: KnownOrganization[] }
  /** VB365 has no organizations at all. */
  | { kind: "none" };

/**
 * Pure: picks the organization that `wanted` (else `fallback`) names among `organizations`. An exact
 * id wins over names; `server/name` names one on that server; a name on several servers must be
 * given with its server; a name matching several organizations is ambiguous.
 */
export function chooseOrganization(
  organizations: readonly KnownOrganization[],
  wanted: string | undefined,
  fallback: string | undefined,
): OrganizationChoice {
  if (organizations.length === 0) return { kind: "none" };
  const asked = wanted?.trim() || undefined;
  const target = asked ?? (fallback?.trim() || undefined);
  if (target === undefined) {
    const [only] = organizations;
    return organizations.length === 1 && only
      ? { kind: "chosen", organization: only }
      : { kind: "ambiguous", organizations: [...organizations] };
  }
  const byId = organizations.find((o) => namesOrganization(o, target) === "id");
  if (byId) return { kind: "chosen", organization: byId };
  const { server, name } = splitServer(target, organizations);
  const byName = organizations.filter(
    (o) => (server === undefined || o.server === server) && namesOrganization(o, name) === "name",
  );
  const [first] = byName;
  if (byName.length === 1 && first) return { kind: "chosen", organization: first };
  if (byName.length > 1 && new Set(byName.map((o) => o.server)).size > 1)
    return { kind: "on_several_servers", wanted: name, organizations: byName };
  if (byName.length > 1) return { kind: "ambiguous", organizations: byName };
  return {
    kind: "unknown",
    wanted: target,
    fromConfig: asked === undefined,
    organizations: [...organizations],
  };
}

/**
 * Whether `text` names `organization`, and how: by its id, else by its name or its Microsoft 365
 * tenant name, ignoring case and surrounding space. The one matching rule for `--org`, `pending
 * --org` and the access watcher's sessions.
 */
export function namesOrganization(
  organization: Pick<KnownOrganization, "id" | "name" | "officeName">,
  text: string,
): "id" | "name" | undefined {
  const key = text.trim().toLowerCase();
  if (key === "") return undefined;
  if (organization.id.toLowerCase() === key) return "id";
  if (organization.name.toLowerCase() === key || organization.officeName?.toLowerCase() === key)
    return "name";
  return undefined;
}

/** `server/name` when `server` is one of the organizations' servers; else the whole text is a name. */
function splitServer(
  text: string,
  organizations: readonly KnownOrganization[],
): { server: string | undefined; name: string } {
  const slash = text.indexOf("/");
  if (slash <= 0) return { server: undefined, name: text };
  const server = text.slice(0, slash).trim().toLowerCase();
  const match = organizations.find((o) => o.server?.toLowerCase() === server)?.server;
  return match === undefined
    ? { server: undefined, name: text }
    : { server: match, name: text.slice(slash + 1) };
}

/** How an organization is named where several servers are: `server/name`. */
export function qualifiedName(
  organization: Pick<KnownOrganization, "name" | "server">,
  several: boolean,
): string {
  return several && organization.server !== undefined
    ? `${organization.server}/${organization.name}`
    : organization.name;
}

/**
 * The reference kept of an organization (in requests, choices, answers): with its server, by which
 * its route and its VB365 client are found; without it a routed organization would be unrouted.
 */
export function organizationRef(organization: KnownOrganization): OrganizationRef {
  const { id, name, server } = organization;
  return { id, name, ...(server === undefined ? {} : { server }) };
}

export function toKnownOrganization(org: Organization, server?: string): KnownOrganization | undefined {
  if (!org.id) return undefined;
  return {
    id: org.id,
    name: org.name || org.officeName || org.id,
    officeName: org.officeName ?? undefined,
    ...(server === undefined ? {} : { server }),
  };
}

/** VB365's organizations as the bot knows them; one without an id cannot be addressed and is left out. */
export function knownOrganizations(list: readonly Organization[], server?: string): KnownOrganization[] {
  return list
    .map((o) => toKnownOrganization(o, server))
    .filter((o): o is KnownOrganization => o !== undefined);
}

export interface Organizations {
  /** Every organization, from the cache while it is fresh. Throws a VboError when VB365 cannot be asked. */
  list(): Promise<KnownOrganization[]>;
  /** `list()` then `chooseOrganization` with the configured default. */
  choose(wanted: string | undefined): Promise<OrganizationChoice>;
}

export interface OrganizationsDeps {
  fleet: Pick<Fleet, "listOrganizations">;
  /** Whether a route takes the organization; default every one. */
  routed?: ((organization: KnownOrganization) => boolean) | undefined;
  clock: Clock;
  logger: Logger;
  /** `VBO_ORGANIZATION`. */
  defaultOrganization?: string | undefined;
  /** Default 5 minutes. */
  cacheMs?: number;
}

export function createOrganizations(deps: OrganizationsDeps): Organizations {
  const cacheMs = deps.cacheMs ?? 5 * 60_000;
  const log = deps.logger.child({ component: "organizations" });
  let cached: { organizations: KnownOrganization[]; at: number } | undefined;
  let inflight: Promise<KnownOrganization[]> | undefined;

  async function fetch(): Promise<KnownOrganization[]> {
    const listings = await deps.fleet.listOrganizations();
    // A server that failed gives its last good list (a list a little out of date beats refusing
    // every command while VB365 blinks); only when none has anything to give is it an error.
    const failed = listings.filter((l) => l.error !== undefined);
    const organizations = listings.flatMap((l) => knownOrganizations(l.organizations, l.server));
    if (failed.length === listings.length && organizations.length === 0) throw failed[0]?.error;
    if (failed.length > 0)
      log.warn("some VB365 servers could not list organizations", { servers: failed.map((l) => l.server) });
    cached = { organizations, at: deps.clock.now().getTime() };
    return organizations;
  }

  const list = (): Promise<KnownOrganization[]> => {
    if (cached && deps.clock.now().getTime() - cached.at < cacheMs)
      return Promise.resolve(cached.organizations);
    inflight ??= fetch().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    list,
    async choose(wanted) {
      const choice = chooseOrganization(await list(), wanted, deps.defaultOrganization);
      if (choice.kind === "chosen" && deps.routed && !deps.routed(choice.organization))
        return { kind: "unrouted", organization: choice.organization };
      return choice;
    },
  };
}
