/**
 * Tenant organizations: the generated ones (`Tenant 001`, …) and those a test names
 * (`organizationNames`). A server's `seed` salts every id here, so that two simulated servers of a
 * fleet never share an organization, user, group or audit item id, while names may repeat across
 * servers on purpose (a service provider's tenants clash by name, never by id). Seed 0 gives the
 * ids of a single simulator as they have always been.
 */
import { Directory, type DirGroup, type DirUser, type GeneratedSpec } from "./directory.ts";
import { deterministicUuid, hash32, principalId } from "./ids.ts";
import { AuditList, type SimOrganization } from "./model.ts";

const GENERATED_RID_BASE = 10_000;

/** `base` for seed 0 (today's ids), another base per server otherwise. */
const salted = (base: number, serverSeed: number): number =>
  serverSeed === 0 ? base : hash32(base ^ 0x51a1ed, serverSeed);

/** The UPN domain of a named organization: its name's letters and digits, e.g. `acmecorp.example.com`. */
export function tenantDomain(name: string, index = 0): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return `${slug === "" ? `org${index + 1}` : slug}.example.com`;
}

/**
 * The users every named organization has besides its generated ones, by UPN local part, so that a
 * test finds `ben.young@<domain>` on every server. Generated first names never include Ben or
 * Sarah, so these never clash with a generated user.
 */
export const WELL_KNOWN_TENANT_USERS = [
  { alias: "ben.young", displayName: "Ben Young" },
  { alias: "sarah.young", displayName: "Sarah Young" },
] as const;

interface TenantSpec {
  id: string;
  name: string;
  /** Seeds the users' and groups' ids. */
  seed: number;
  domain: string;
  msid: string;
  description: string;
  userCount: number;
  wellKnown: DirUser[];
  /** Whether the Executive Team group starts audited, as vBridge's does. */
  audited: boolean;
}

/** Three small groups over the generated users (and the well-known ones, when there are some). */
function tenant(spec: TenantSpec): SimOrganization {
  const generated: GeneratedSpec = {
    count: spec.userCount,
    seed: spec.seed,
    domain: spec.domain,
    sid: [hash32(spec.seed, 1), hash32(spec.seed, 2), hash32(spec.seed, 3)],
    ridBase: GENERATED_RID_BASE,
  };
  const directory = new Directory(generated);
  for (const user of spec.wellKnown) directory.addUser(user);
  const known = spec.wellKnown.map((u) => ({ type: "User" as const, id: u.id }));
  const idsOf = (from: number, to: number) => {
    const refs: DirGroup["members"] = [];
    for (let i = from; i < Math.min(to, directory.userCount - spec.wellKnown.length); i++)
      refs.push({ type: "User", id: directory.userAt(i).id });
    return refs;
  };
  const groups: Array<[string, string, DirGroup["type"], DirGroup["members"]]> = [
    ["Executive Team", "executive.team", "Office365", idsOf(0, 3)],
    ["Finance", "finance", "Security", [...known.slice(0, 1), ...idsOf(3, 8)]],
    ["All Staff", "all.staff", "DynamicDistribution", [...known, ...idsOf(0, 50)]],
  ];
  const audit = new AuditList();
  groups.forEach(([displayName, alias, type, members], g) => {
    const msid = deterministicUuid(spec.seed ^ 0x6e0f, g);
    const id = principalId(msid);
    directory.addGroup({
      id,
      name: `${alias}@${spec.domain}`,
      displayName,
      type,
      locationType: "Cloud",
      msid,
      members,
    });
    if (spec.audited && g === 0) audit.add("Group", id, `${deterministicUuid(spec.seed ^ 0xa0d1, 0)}${id}`);
  });
  return {
    id: spec.id,
    name: spec.name,
    officeName: spec.domain.replace(/\.example\.com$/, ".onmicrosoft.com"),
    msid: spec.msid,
    description: spec.description,
    firstBackuptime: "2024-01-01T00:00:00.000Z",
    lastBackuptime: "2025-03-12T20:00:00.000Z",
    directory,
    audit,
  };
}

/** Generated organization `k` (1-based): `Tenant 001`, its users generated, three small groups. */
export function generatedOrganization(k: number, userCount: number, serverSeed = 0): SimOrganization {
  const tag = String(k).padStart(3, "0");
  return tenant({
    id: deterministicUuid(salted(0x0a9, serverSeed), k),
    name: `Tenant ${tag}`,
    seed: hash32(salted(0x5eed, serverSeed), k),
    domain: `tenant${tag}.example.com`,
    msid: deterministicUuid(salted(0x7e7, serverSeed), k),
    description: `Generated organization ${k}`,
    userCount,
    wellKnown: [],
    audited: false,
  });
}

/**
 * Named organization `index` (0-based) of a server: generated users, Ben and Sarah Young, three
 * groups, the Executive Team audited. Its bases differ from the generated organizations', so the
 * two kinds never share ids on one server either.
 */
export function namedOrganization(
  name: string,
  index: number,
  userCount: number,
  serverSeed: number,
): SimOrganization {
  const seed = hash32(salted(0x4a3ed, serverSeed), index);
  const domain = tenantDomain(name, index);
  const wellKnown = WELL_KNOWN_TENANT_USERS.map(({ alias, displayName }, u): DirUser => {
    const msid = deterministicUuid(seed ^ 0xbe11, u);
    return {
      id: principalId(msid),
      name: `${alias}@${domain}`,
      displayName,
      type: "User",
      locationType: "Cloud",
      msid,
    };
  });
  return tenant({
    id: deterministicUuid(salted(0x4a3e0a9, serverSeed), index),
    name,
    seed,
    domain,
    msid: deterministicUuid(salted(0x4a3e7e7, serverSeed), index),
    description: `${name} tenant`,
    userCount,
    wellKnown,
    audited: true,
  });
}
