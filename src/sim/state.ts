/** Everything one simulator instance knows, passed to every route: no module-level state. */
import type { Clock } from "../clock.ts";
import type { ApiVersion } from "../vbo/schemas.ts";
import { RateLimiter, type RateLimits, TokenStore } from "./auth.ts";
import { badRequest, notFound } from "./http.ts";
import { isUuid, randomUuid } from "./ids.ts";
import type { EmailSettings, SimOrganization } from "./model.ts";
import { ResultSets } from "./paging.ts";
import { ChangeFeed, RestoreStore } from "./restore.ts";
import { seedEmailSettings, seedOrganizations } from "./seed.ts";
import { seedRestoreSessions } from "./seed-sessions.ts";
import type { FieldMode } from "./shape.ts";
import type { Stats } from "./stats.ts";

export interface StateOptions {
  versions: readonly ApiVersion[];
  username: string;
  password: string;
  clock: Clock;
  tokenLifetimeSeconds: number;
  tokenRateLimit: RateLimits | false;
  users: number;
  organizations: number;
  usersPerOrganization: number;
  organizationNames?: readonly string[] | undefined;
  seed: number;
  stats: Stats;
  fieldMode: FieldMode;
  productVersion?: string | undefined;
  operatorAuthenticationOnly: boolean;
}

export class SimState {
  readonly versions: ReadonlySet<ApiVersion>;
  readonly username: string;
  readonly password: string;
  readonly clock: Clock;
  readonly tokens: TokenStore;
  readonly tokenQuota: RateLimiter | undefined;
  readonly organizations: SimOrganization[];
  private readonly orgsById = new Map<string, SimOrganization>();
  settings: EmailSettings = seedEmailSettings();
  testMailsSent = 0;
  readonly feed = new ChangeFeed();
  readonly sessions = new RestoreStore(this.feed);
  readonly sets = new ResultSets();
  readonly stats: Stats;
  readonly installationId = randomUuid();
  readonly fieldMode: FieldMode;
  readonly operatorAuthenticationOnly: boolean;
  readonly #productVersion: string | undefined;

  constructor(options: StateOptions) {
    this.versions = new Set(options.versions);
    this.username = options.username;
    this.password = options.password;
    this.clock = options.clock;
    this.stats = options.stats;
    this.fieldMode = options.fieldMode;
    this.operatorAuthenticationOnly = options.operatorAuthenticationOnly;
    this.#productVersion = options.productVersion;
    this.tokens = new TokenStore(options.clock, options.tokenLifetimeSeconds);
    this.tokenQuota = options.tokenRateLimit ? new RateLimiter(options.tokenRateLimit) : undefined;
    this.organizations = seedOrganizations(options);
    for (const org of this.organizations) this.orgsById.set(org.id, org);
    // The seeded restore sessions are told in vBridge; named organizations start without any.
    if (!options.organizationNames)
      for (const session of seedRestoreSessions())
        this.sessions.add(session, this.organization(session.organizationId).name);
  }

  /** The organization of a path: a malformed id is a 400, an unknown one a 404. */
  organization(id: string): SimOrganization {
    if (!isUuid(id)) throw badRequest(`The value '${id}' is not valid for organizationId.`);
    const org = this.orgsById.get(id.toLowerCase());
    if (!org) throw notFound(`Organization with ID '${id}' was not found.`);
    return org;
  }

  /** The product version ServiceInstance reports: that of the newest API served. */
  get productVersion(): string {
    if (this.#productVersion !== undefined) return this.#productVersion;
    if (this.versions.has("v8")) return "8.1.0.305";
    if (this.versions.has("v7")) return "7.1.0.1401";
    return "6.1.0.222";
  }
}
