/**
 * The core, built once: `createCore(deps)` makes every service of the bot's domain from its ports
 * (the store, VB365, the notifiers, members' profiles, the routing of organizations), and is the
 * only place they are wired together. `createBot` (src/bot.ts), the tests (test/support/world.ts)
 * and the benchmark all build the core through it.
 */
import type { Clock } from "../clock.ts";
import type { ApiVersionSetting } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { VboApi } from "../vbo/api.ts";
import type { AccessStore, AlertNotifier, KeyValueState } from "./access/ports.ts";
import { AccessWatcher, type WatchSettings } from "./access/watch.ts";
import type { DigestNotifier, DigestStore } from "./digest/ports.ts";
import { DigestService } from "./digest/post.ts";
import type { DirectoryCache, MemberProfiles } from "./directory/ports.ts";
import { createResolver, type Resolver, type ResolverOptions } from "./directory/resolver.ts";
import { createDisplayReads, forgetting } from "./display-reads.ts";
import { createOrganizations, type Organizations } from "./organizations.ts";
import type { HealthDeps } from "./queries/health.ts";
import { createQueries, type Queries, type QueriesDeps } from "./queries/queries.ts";
import { Applier } from "./requests/applier.ts";
import type { RetryPolicy } from "./requests/attempts.ts";
import { RequestFlows } from "./requests/flows.ts";
import { RequestLifecycle } from "./requests/lifecycle.ts";
import type { ChoiceStore, RequestNotifier, RequestStore, RerenderQueue } from "./requests/ports.ts";
import { Reminders } from "./requests/reminders.ts";
import { RequestViews } from "./requests/views.ts";
import type { Routing } from "./routing.ts";
import { type Fleet, singleServer } from "./servers.ts";
import type { OrganizationRef } from "./vocabulary.ts";

/** Every port of the store the core uses; src/store's `createStore` implements them all. */
export interface CoreStore extends RequestStore {
  readonly choices: ChoiceStore;
  readonly rerenders: RerenderQueue;
  readonly directory: DirectoryCache;
  readonly digests: DigestStore;
  readonly access: AccessStore;
  readonly state: KeyValueState;
}

export interface CoreSettings {
  /** `VBO_ORGANIZATION`: the organization a command means when it names none. */
  defaultOrganization?: string | undefined;
  /** What `status` reports about the VB365 connection, when the core is given one client (`vbo`). */
  vbo: { url: string; apiVersion: ApiVersionSetting };
  /** Backoff of applies, and when one VB365 keeps refusing ends. */
  retry?: Partial<RetryPolicy> | undefined;
  /** Hours after which pending requests' approvers are reminded; default 4, 24, 48. */
  reminderAfterHours?: readonly number[] | undefined;
  watch?: Partial<WatchSettings> | undefined;
  resolver?: Omit<ResolverOptions, "vbo" | "directory" | "logger" | "clock"> | undefined;
  /** How long a choice among several matches stays pickable; default 15 minutes. */
  choiceTtlMs?: number | undefined;
  /** How old what only displays VB365 state may be; default a minute. */
  displayTtlMs?: number | undefined;
  /** Open requests one person may have at once (`MAX_OPEN_REQUESTS_PER_USER`); default 5. */
  maxOpenRequestsPerUser?: number | undefined;
  queries?:
    | (Pick<QueriesDeps, "logPageSize" | "homeOrganizations"> & Pick<HealthDeps, "readinessProbeMs">)
    | undefined;
}

export interface CoreDeps {
  store: CoreStore;
  /** The VB365 servers; or, in the simple case, one client (then the server `default`). */
  vbo: VboApi | Fleet;
  /** Each organization's policy, approvers and destinations. */
  routing: Routing;
  notifiers: { requests: RequestNotifier; digest: DigestNotifier; alerts: AlertNotifier };
  profiles: MemberProfiles;
  clock: Clock;
  logger: Logger;
  settings: CoreSettings;
}

export interface Core {
  readonly routing: Routing;
  readonly fleet: Fleet;
  readonly organizations: Organizations;
  readonly resolver: Resolver;
  /** Submitting and deciding requests, expiry. */
  readonly requests: RequestLifecycle;
  /** Carrying approved requests out in VB365; ending time-bound audits. */
  readonly applier: Applier;
  /** What a person starts from chat: ask, pick, act, check a denial. */
  readonly flows: RequestFlows;
  /** Keeping the chat views of requests in step with the store. */
  readonly views: RequestViews;
  readonly reminders: Reminders;
  /** The read-only answers: find, list, pending, log, status, Home tab, readiness. */
  readonly queries: Queries;
  readonly digest: DigestService;
  readonly access: AccessWatcher;
  /** Settles when background work started so far (re-renders, directory syncs) has finished. */
  idle(): Promise<void>;
}

export function createCore(deps: CoreDeps): Core {
  const { store, routing, clock, logger, settings } = deps;
  const fleet = "servers" in deps.vbo ? deps.vbo : singleServer(deps.vbo, settings.vbo, logger);
  const vboOf = (organization: OrganizationRef | string) => fleet.of(organization);
  const organizations = createOrganizations({
    fleet,
    routed: (organization) => routing.find(organization) !== undefined,
    clock,
    logger,
    defaultOrganization: settings.defaultOrganization,
  });
  const resolver = createResolver({
    ...settings.resolver,
    vbo: vboOf,
    directory: store.directory,
    clock,
    logger,
  });
  const display = createDisplayReads({ fleet, clock, ttlMs: settings.displayTtlMs });
  // Applies take precedence over reads (their own connections), and forget what display reads kept.
  const applies = new Map(fleet.servers.map((s) => [s.name, forgetting(s.vbo.forApplies(), display)]));
  const applier = new Applier({
    store,
    vbo: (organization) => applies.get(fleet.serverOf(organization)) ?? fleet.of(organization).forApplies(),
    clock,
    logger,
    retry: settings.retry,
  });
  const requests = new RequestLifecycle({
    store,
    vbo: vboOf,
    routing,
    applier,
    profiles: deps.profiles,
    clock,
    logger,
    maxOpenPerRequester: settings.maxOpenRequestsPerUser,
  });
  const views = new RequestViews({
    notifier: deps.notifiers.requests,
    queue: store.rerenders,
    clock,
    logger,
  });
  const flows = new RequestFlows({
    organizations,
    resolver,
    requests,
    views,
    notifier: deps.notifiers.requests,
    profiles: deps.profiles,
    choices: store.choices,
    routing,
    clock,
    logger,
    choiceTtlMs: settings.choiceTtlMs,
  });
  const reminders = new Reminders({
    store,
    routing,
    notifier: deps.notifiers.requests,
    logger,
    afterHours: settings.reminderAfterHours,
  });
  const queries = createQueries({
    ...settings.queries,
    display,
    organizations,
    resolver,
    profiles: deps.profiles,
    routing,
    store,
    fleet,
    clock,
    logger,
  });
  const digest = new DigestService({ store, fleet, routing, notifier: deps.notifiers.digest, clock, logger });
  const access = new AccessWatcher({
    store,
    fleet,
    routing,
    notifier: deps.notifiers.alerts,
    clock,
    logger,
    settings: settings.watch,
  });
  return {
    routing,
    fleet,
    organizations,
    resolver,
    requests,
    applier,
    flows,
    views,
    reminders,
    queries,
    digest,
    access,
    async idle() {
      await views.idle();
      await resolver.idle();
    },
  };
}
