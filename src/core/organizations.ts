/**
 * Which VB365 organization a command is about. The organizations are listed from VB365 and cached
 * for a few minutes (a command must not list them every time; a new organization shows within
 * minutes). `--org` names one by id, name or officeName, case-insensitively; without it the
 * configured default (`VBO_ORGANIZATION`) applies; a server with a single organization needs
 * neither; otherwise the person is asked to add `--org`.
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { VboApi } from "../vbo/api.ts";
import { isVboError } from "../vbo/errors.ts";
import type { Organization } from "../vbo/schemas.ts";
import type { OrganizationRef } from "./vocabulary.ts";

export interface KnownOrganization extends OrganizationRef {
  /** The Microsoft 365 tenant name, e.g. `vbridge.onmicrosoft.com`. */
  officeName?: string | undefined;
}

export type OrganizationChoice =
  | { kind: "chosen"; organization: KnownOrganization }
  /** Several organizations and nothing chose one: the person adds `--org`. */
  | { kind: "ambiguous"; organizations: KnownOrganization[] }
  /** `--org` (or the configured default, `fromConfig`) names none of them. */
  | { kind: "unknown"; wanted: string; fromConfig: boolean; organizations: KnownOrganization[] }
  /** VB365 has no organizations at all. */
  | { kind: "none" };

/**
 * Pure: picks the organization that `wanted` (else `fallback`) names among `organizations`. An exact
 * id wins over names; a name matching several organizations is ambiguous.
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
  const byName = organizations.filter((o) => namesOrganization(o, target) === "name");
  const [first] = byName;
  if (byName.length === 1 && first) return { kind: "chosen", organization: first };
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

export function toKnownOrganization(org: Organization): KnownOrganization | undefined {
  if (!org.id) return undefined;
  return { id: org.id, name: org.name || org.officeName || org.id, officeName: org.officeName ?? undefined };
}

/** VB365's organizations as the bot knows them; one without an id cannot be addressed and is left out. */
export function knownOrganizations(list: readonly Organization[]): KnownOrganization[] {
  return list.map(toKnownOrganization).filter((o): o is KnownOrganization => o !== undefined);
}

export interface Organizations {
  /** Every organization, from the cache while it is fresh. Throws a VboError when VB365 cannot be asked. */
  list(): Promise<KnownOrganization[]>;
  /** `list()` then `chooseOrganization` with the configured default. */
  choose(wanted: string | undefined): Promise<OrganizationChoice>;
}

export interface OrganizationsDeps {
  vbo: VboApi;
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
    try {
      const organizations = knownOrganizations(await deps.vbo.listOrganizations());
      cached = { organizations, at: deps.clock.now().getTime() };
      return organizations;
    } catch (err) {
      // A list a little out of date beats refusing every command while VB365 blinks.
      if (cached && isVboError(err)) {
        log.warn("listing organizations failed; using the last list", { error: err.describe() });
        return cached.organizations;
      }
      throw err;
    }
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
      return chooseOrganization(await list(), wanted, deps.defaultOrganization);
    },
  };
}
