/**
 * One organization's users and groups, with the indexes a server needs: lookups by UPN and by id
 * are O(1), only wildcard searches scan. Generated users are never stored: user `i` is computed
 * from `i` on demand and found again by parsing its UPN or the SID inside its id, so 100,000 users
 * cost no memory beyond the name lists.
 */
import {
  canonicalId,
  deterministicUuid,
  parseSidBase64,
  type SidDomain,
  sidEncoder,
  sidString,
  ZERO_GUID,
} from "./ids.ts";
import { type NameMatcher, nameMatcher } from "./match.ts";
import { FIRST_NAMES, LAST_NAMES, OFFICES, upnPart } from "./names.ts";

export type UserType = "User" | "Shared" | "Public";
export type GroupType = "Office365" | "Security" | "Distribution" | "DynamicDistribution";
export type LocationType = "Cloud" | "OnPremises" | "Hybrid";
export const LOCATION_FILTERS = [
  "Cloud",
  "OnPremises",
  "Hybrid",
  "CloudOrHybrid",
  "OnPremisesOrHybrid",
  "Any",
] as const;

export interface DirUser {
  id: string;
  /** UPN / e-mail. */
  name: string;
  displayName: string;
  type: UserType;
  locationType: LocationType;
  msid: string;
  onPremisesSid?: string;
  office?: string;
}

export type MemberRef = { type: "User" | "Group"; id: string };

export interface DirGroup {
  id: string;
  name: string;
  displayName: string;
  type: GroupType;
  locationType: LocationType;
  msid: string;
  onPremisesSid?: string;
  managedBy?: string;
  site?: string;
  members: MemberRef[];
}

export interface UserQuery {
  userName?: string;
  displayName?: string;
  location?: string;
}

export interface GroupQuery {
  displayName?: string;
  groupName?: string;
  location?: string;
}

export function locationAccepts(filter: string | undefined, location: LocationType): boolean {
  switch (filter?.toLowerCase()) {
    case undefined:
    case "any":
      return true;
    case "cloud":
      return location === "Cloud";
    case "onpremises":
      return location === "OnPremises";
    case "hybrid":
      return location === "Hybrid";
    case "cloudorhybrid":
      return location !== "OnPremises";
    case "onpremisesorhybrid":
      return location !== "Cloud";
    default:
      return false;
  }
}

export interface GeneratedSpec {
  count: number;
  /** Seeds the users' object ids; differs per organization. */
  seed: number;
  /** UPN domain, e.g. `vbridge.co.nz`. */
  domain: string;
  /** The Active Directory domain the users are synced from, and the first RID to use. */
  sid: SidDomain;
  ridBase: number;
}

const FIRST_UPN = FIRST_NAMES.map(upnPart);
const LAST_UPN = LAST_NAMES.map(upnPart);
const firstIndex = new Map(FIRST_UPN.map((n, i) => [n, i]));
const lastIndex = new Map(LAST_UPN.map((n, i) => [n, i]));
if (firstIndex.size !== FIRST_NAMES.length || lastIndex.size !== LAST_NAMES.length) {
  throw new Error("simulator name lists must have distinct UPN forms");
}
const COMBOS = FIRST_NAMES.length * LAST_NAMES.length;

/**
 * Users `0..count-1`: first name varies fastest, then surname; once every pair is used the UPNs
 * get a number (`amelia.young2@`), as directories do, while display names repeat.
 */
export class GeneratedUsers {
  readonly domain: string;
  private readonly sid: (rid: number) => string;
  private readonly sidText: string;

  constructor(private readonly spec: GeneratedSpec) {
    this.domain = spec.domain.toLowerCase();
    this.sid = sidEncoder(spec.sid);
    this.sidText = sidString(spec.sid, 0).slice(0, -1);
  }

  get count(): number {
    return this.spec.count;
  }

  displayNameAt(i: number): string {
    const a = i % FIRST_NAMES.length;
    const b = Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length;
    return `${FIRST_NAMES[a]} ${LAST_NAMES[b]}`;
  }

  upnAt(i: number): string {
    const a = i % FIRST_NAMES.length;
    const b = Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length;
    const dup = Math.floor(i / COMBOS);
    return `${FIRST_UPN[a]}.${LAST_UPN[b]}${dup > 0 ? dup + 1 : ""}@${this.domain}`;
  }

  at(i: number): DirUser {
    const msid = deterministicUuid(this.spec.seed, i);
    const rid = this.spec.ridBase + i;
    return {
      id: `${msid}${ZERO_GUID}${this.sid(rid)}`,
      name: this.upnAt(i),
      displayName: this.displayNameAt(i),
      type: "User",
      locationType: "Hybrid",
      msid,
      onPremisesSid: `${this.sidText}${rid}`,
      office: OFFICES[i % OFFICES.length] ?? "Auckland",
    };
  }

  /** The index of a lower-cased UPN, by parsing it: no table needed. */
  indexOfName(upn: string): number | undefined {
    const at = upn.lastIndexOf("@");
    if (at < 0 || upn.slice(at + 1) !== this.domain) return undefined;
    const local = upn.slice(0, at);
    const dot = local.indexOf(".");
    const m = /^([a-z]+?)(\d*)$/.exec(local.slice(dot + 1));
    const a = firstIndex.get(local.slice(0, dot));
    const b = m ? lastIndex.get(m[1] ?? "") : undefined;
    if (dot < 0 || !m || a === undefined || b === undefined) return undefined;
    const dup = m[2] ? Number(m[2]) - 1 : 0;
    const i = a + FIRST_NAMES.length * b + COMBOS * dup;
    return i < this.spec.count && this.upnAt(i) === upn ? i : undefined;
  }

  /** The index of a canonical id, from the RID in its SID part. */
  indexOfId(id: string): number | undefined {
    const sid = parseSidBase64(id.slice(72));
    if (!sid || sid.domain.some((v, k) => v !== this.spec.sid[k])) return undefined;
    const i = sid.rid - this.spec.ridBase;
    return i >= 0 && i < this.spec.count && this.at(i).id === id ? i : undefined;
  }

  /** Indexes whose display name matches; the match is decided once per name pair. */
  *matching(match: NameMatcher): Generator<number> {
    const cache = new Uint8Array(Math.min(COMBOS, this.spec.count));
    for (let i = 0; i < this.spec.count; i++) {
      const combo = i % COMBOS;
      if (cache[combo] === 0) cache[combo] = match(this.displayNameAt(combo)) ? 2 : 1;
      if (cache[combo] === 2) yield i;
    }
  }
}

/**
 * Ordinals number the users of a directory: generated users are `0..N-1`, users added later are
 * `N, N+1, …`, so adding never renumbers anyone and a cached result set stays valid.
 */
export class Directory {
  private readonly generated: GeneratedUsers | undefined;
  private readonly added: DirUser[] = [];
  private readonly addedById = new Map<string, number>();
  private readonly addedByName = new Map<string, number>();
  private readonly groupList: DirGroup[] = [];
  private readonly groupsById = new Map<string, DirGroup>();

  constructor(generated?: GeneratedSpec) {
    this.generated = generated && generated.count > 0 ? new GeneratedUsers(generated) : undefined;
  }

  private get generatedCount(): number {
    return this.generated?.count ?? 0;
  }

  get userCount(): number {
    return this.generatedCount + this.added.length;
  }

  userAt(ordinal: number): DirUser {
    const n = this.generatedCount;
    const user = ordinal < n ? this.generated?.at(ordinal) : this.added[ordinal - n];
    if (!user) throw new RangeError(`no user ${ordinal}`);
    return user;
  }

  addUser(user: DirUser): void {
    const key = canonicalId(user.id);
    if (this.ordinalById(user.id) !== undefined) throw new Error(`user id already exists: ${user.id}`);
    const ordinal = this.generatedCount + this.added.length;
    this.added.push(user);
    this.addedById.set(key, ordinal);
    const name = user.name.toLowerCase();
    if (!this.addedByName.has(name)) this.addedByName.set(name, ordinal);
  }

  ordinalById(id: string): number | undefined {
    const key = canonicalId(id);
    return this.addedById.get(key) ?? this.generated?.indexOfId(key);
  }

  ordinalByName(upn: string): number | undefined {
    const key = upn.toLowerCase();
    return this.addedByName.get(key) ?? this.generated?.indexOfName(key);
  }

  userById(id: string): DirUser | undefined {
    const ordinal = this.ordinalById(id);
    return ordinal === undefined ? undefined : this.userAt(ordinal);
  }

  /** Matching users as ordinals: added (seeded) users first, then generated ones. */
  queryUsers(query: UserQuery): Uint32Array {
    const display = query.displayName === undefined ? undefined : nameMatcher(query.displayName);
    const accepts = (u: DirUser) =>
      (!display || display(u.displayName)) && locationAccepts(query.location, u.locationType);
    if (query.userName !== undefined) {
      const ordinal = this.ordinalByName(query.userName);
      return Uint32Array.from(ordinal !== undefined && accepts(this.userAt(ordinal)) ? [ordinal] : []);
    }
    const n = this.generatedCount;
    const out: number[] = [];
    this.added.forEach((u, k) => {
      if (accepts(u)) out.push(n + k);
    });
    if (this.generated && locationAccepts(query.location, "Hybrid")) {
      if (!display) {
        const all = new Uint32Array(out.length + n);
        all.set(out);
        for (let i = 0; i < n; i++) all[out.length + i] = i;
        return all;
      }
      for (const i of this.generated.matching(display)) out.push(i);
    }
    return Uint32Array.from(out);
  }

  addGroup(group: DirGroup): void {
    const key = canonicalId(group.id);
    if (this.groupsById.has(key)) throw new Error(`group id already exists: ${group.id}`);
    this.groupList.push(group);
    this.groupsById.set(key, group);
  }

  groupById(id: string): DirGroup | undefined {
    return this.groupsById.get(canonicalId(id));
  }

  get groups(): readonly DirGroup[] {
    return this.groupList;
  }

  queryGroups(query: GroupQuery): DirGroup[] {
    const display = query.displayName === undefined ? undefined : nameMatcher(query.displayName);
    const name = query.groupName === undefined ? undefined : nameMatcher(query.groupName);
    return this.groupList.filter(
      (g) =>
        (!display || display(g.displayName)) &&
        (!name || name(g.name)) &&
        locationAccepts(query.location, g.locationType),
    );
  }

  /** A principal of either kind, by id. */
  principal(type: "User" | "Group", id: string): DirUser | DirGroup | undefined {
    return type === "User" ? this.userById(id) : this.groupById(id);
  }
}
