/**
 * The world the simulator starts with. vBridge is the organization the stories are told in: Ben
 * Young (not audited), Sarah Young, the service account "simon service", a shared mailbox and a
 * few groups, the Executive Team group audited. Contoso has its own Ben Young, so that the
 * organization a request names matters. Generated users and organizations come on top. The restore
 * sessions told in that world are in `seed-sessions.ts`.
 */
import { Directory, type DirGroup, type DirUser, type GeneratedSpec } from "./directory.ts";
import { principalId, type SidDomain, sidString } from "./ids.ts";
import { AuditList, type EmailSettings, type SimOrganization } from "./model.ts";
import { generatedOrganization, namedOrganization } from "./seed-tenants.ts";
import { SEED } from "./types.ts";

/** VBRIDGE's Active Directory domain: the SID inside Ben Young's id. */
const VBRIDGE_DOMAIN: SidDomain = [618314618, 3237736183, 2430691227];
const GENERATED_RID_BASE = 10_000;

const msidOf = (id: string) => id.slice(0, 36);
const PRIYA = { msid: "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f", rid: 2203 };
/** Priya Patel's id in vBridge (she is not in `SEED`; her OneDrive restore is seeded). */
export const priyaId = () => principalId(PRIYA.msid, { domain: VBRIDGE_DOMAIN, rid: PRIYA.rid });

function hybridUser(
  seed: { id: string; name: string; displayName: string },
  rid: number,
  office: string,
  type: DirUser["type"] = "User",
): DirUser {
  return {
    id: seed.id,
    name: seed.name,
    displayName: seed.displayName,
    type,
    locationType: "Hybrid",
    msid: msidOf(seed.id),
    onPremisesSid: sidString(VBRIDGE_DOMAIN, rid),
    office,
  };
}

function vbridgeUser(msid: string, rid: number, name: string, displayName: string, office: string): DirUser {
  return hybridUser(
    { id: principalId(msid, { domain: VBRIDGE_DOMAIN, rid }), name, displayName },
    rid,
    office,
  );
}

function cloudUser(msid: string, name: string, displayName: string, office?: string): DirUser {
  return {
    id: principalId(msid),
    name,
    displayName,
    type: "User",
    locationType: "Cloud",
    msid,
    ...(office ? { office } : {}),
  };
}

function group(
  seed: { id: string; name: string; displayName: string },
  type: DirGroup["type"],
  members: DirGroup["members"],
  extra: Partial<DirGroup> = {},
): DirGroup {
  const hybrid = seed.id.length > 72;
  return {
    id: seed.id,
    name: seed.name,
    displayName: seed.displayName,
    type,
    locationType: hybrid ? "Hybrid" : "Cloud",
    msid: msidOf(seed.id),
    members,
    ...extra,
  };
}

const users = (...list: DirUser[]) => list.map((u) => ({ type: "User" as const, id: u.id }));

function vbridge(generatedUsers: number): SimOrganization {
  const generated: GeneratedSpec = {
    count: generatedUsers,
    seed: 0x0b1d6e,
    domain: "vbridge.co.nz",
    sid: VBRIDGE_DOMAIN,
    ridBase: GENERATED_RID_BASE,
  };
  const directory = new Directory(generated);
  const ben = hybridUser(SEED.benYoung, 2190, "Auckland");
  const sarah = hybridUser(SEED.sarahYoung, 2191, "Wellington");
  const simon = hybridUser(SEED.simonService, 1105, "Auckland");
  const aroha = vbridgeUser(
    "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    1201,
    "aroha.ngata@vbridge.co.nz",
    "Aroha Ngata",
    "Auckland",
  );
  const liam = vbridgeUser(
    "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
    1202,
    "liam.chen@vbridge.co.nz",
    "Liam Chen",
    "Auckland",
  );
  const priya = vbridgeUser(
    PRIYA.msid,
    PRIYA.rid,
    "priya.patel@vbridge.co.nz",
    "Priya Patel",
    "Christchurch",
  );
  const tom = vbridgeUser(
    "4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f80",
    2204,
    "tom.baker@vbridge.co.nz",
    "Tom Baker",
    "Wellington",
  );
  const accounts = hybridUser(SEED.sharedMailbox, 3001, "Auckland", "Shared");
  for (const u of [ben, sarah, simon, aroha, liam, priya, tom, accounts]) directory.addUser(u);

  const { executiveTeam, finance, itSecurity, legalHold } = SEED.groups;
  // Executive Team comes first: it is the seeded audit item, and many lists start with it.
  directory.addGroup(group(executiveTeam, "Office365", users(aroha, liam), { managedBy: aroha.name }));
  directory.addGroup(group(finance, "Security", users(liam, priya, ben, accounts)));
  directory.addGroup(group(itSecurity, "Security", users(tom, simon, sarah)));
  directory.addGroup(
    group(legalHold, "Security", users(sarah, tom), { onPremisesSid: sidString(VBRIDGE_DOMAIN, 3107) }),
  );
  directory.addGroup(
    group(
      {
        id: principalId("d4e5f6a7-b8c9-4d0e-9f1a-3b4c5d6e7f80"),
        name: "all.staff@vbridge.co.nz",
        displayName: "All Staff",
      },
      "DynamicDistribution",
      [...users(ben, sarah, simon, priya, tom), { type: "Group", id: executiveTeam.id }],
    ),
  );

  const audit = new AuditList();
  audit.add("Group", executiveTeam.id, SEED.auditItems.executiveTeam);
  return {
    id: SEED.organization.id,
    name: SEED.organization.name,
    officeName: "vbridge.onmicrosoft.com",
    msid: "d3b07384-d9a0-4c9b-8a1f-3e5c7b2a9f10",
    description: "vBridge production tenant",
    firstBackuptime: "2021-06-01T10:00:00.000Z",
    lastBackuptime: "2025-03-12T22:00:00.000Z",
    directory,
    audit,
  };
}

function contoso(): SimOrganization {
  const directory = new Directory();
  const ben = cloudUser(
    msidOf(SEED.contosoBenYoung.id),
    SEED.contosoBenYoung.name,
    SEED.contosoBenYoung.displayName,
  );
  const megan = cloudUser(
    "1e2d3c4b-5a69-4877-9665-4b3c2d1e0f1a",
    "megan.bowen@contoso.com",
    "Megan Bowen",
    "Seattle",
  );
  const alex = cloudUser(
    "2d3c4b5a-6978-4866-a554-3c2d1e0f1a2b",
    "alex.wilber@contoso.com",
    "Alex Wilber",
    "Seattle",
  );
  const adele = cloudUser(
    "3c4b5a69-7887-4955-b443-2d1e0f1a2b3c",
    "adele.vance@contoso.com",
    "Adele Vance",
    "Redmond",
  );
  for (const u of [ben, megan, alex, adele]) directory.addUser(u);
  directory.addGroup(
    group(
      {
        id: principalId("4b5a6978-8796-4a44-8332-1e0f1a2b3c4d"),
        name: "sales@contoso.com",
        displayName: "Sales",
      },
      "Office365",
      users(megan, alex),
    ),
  );
  directory.addGroup(
    group(
      {
        id: principalId("5a697887-96a5-4b33-9221-0f1a2b3c4d5e"),
        name: "finance@contoso.com",
        displayName: "Finance",
      },
      "Office365",
      users(adele, ben),
    ),
  );
  return {
    id: SEED.contoso.id,
    name: SEED.contoso.name,
    officeName: "contoso.onmicrosoft.com",
    msid: "e5f6a7b8-c9d0-4e1f-8a2b-4c5d6e7f8091",
    description: "Contoso demo tenant",
    firstBackuptime: "2023-01-15T08:00:00.000Z",
    lastBackuptime: "2025-03-12T21:30:00.000Z",
    directory,
    audit: new AuditList(),
  };
}

export interface SeedOptions {
  users: number;
  organizations: number;
  usersPerOrganization: number;
  /** Instead of vBridge and Contoso: these organizations (see `seed-tenants.ts`). */
  organizationNames?: readonly string[] | undefined;
  /** Salts the ids of named and generated organizations; 0 keeps today's. */
  seed: number;
}

/** vBridge and Contoso, or the named organizations; then the generated ones. */
export function seedOrganizations(options: SeedOptions): SimOrganization[] {
  const named = options.organizationNames;
  const orgs = named
    ? named.map((name, i) => namedOrganization(name, i, options.usersPerOrganization, options.seed))
    : [vbridge(options.users), contoso()];
  for (let k = 1; k <= options.organizations; k++)
    orgs.push(generatedOrganization(k, options.usersPerOrganization, options.seed));
  return orgs;
}

export function seedEmailSettings(): EmailSettings {
  return {
    enableNotification: true,
    smtpServer: "smtp.office365.com",
    port: 587,
    useAuthentication: true,
    username: "vbo-alerts@vbridge.co.nz",
    useSSL: true,
    from: "vbo-alerts@vbridge.co.nz",
    to: "security@vbridge.co.nz;it.security@vbridge.co.nz",
    subject: "[VB365 audit] %Action% on %DisplayName% by %InitiatedByUserName%",
    authenticationType: "CustomSmtp",
  };
}
