/**
 * The VB365 REST client: every operation of `VboApi` over undici, for API v6, v7 and v8.
 *
 * Layers, each in its own file: `transport.ts` (one exchange: timeout, retries, error mapping),
 * `version.ts` (which `/vN/`), `auth.ts` (the shared token), `paging.ts` (large pages, one setId),
 * `items.ts` (lists read item by item).
 * This file adds the operations, the 401 retry, the read-back after an ambiguous POST, and health.
 */
import { Agent, type Dispatcher } from "undici";
import * as z from "zod";
import { type Clock, sleep as realSleep, type Sleep } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type {
  Confirmation,
  GroupQuery,
  PageOptions,
  TimeWindow,
  UserQuery,
  VboApi,
  VboHealth,
} from "./api.ts";
import { TokenManager } from "./auth.ts";
import { isVboError, VboError } from "./errors.ts";
import { ItemReader, type SkippedItems, type TolerantList } from "./items.ts";
import { clampPageSize, walkPages } from "./paging.ts";
import { findAuditItem, sameAuditItemId } from "./principals.ts";
import {
  type ApiVersion,
  AuditEmailSettings,
  type AuditItem,
  ChangeFeed,
  Group,
  GroupMember,
  Organization,
  type Page,
  PageFrame,
  type PrincipalRef,
  RestoreSession,
  RestoreSessionEvent,
  ServiceInstance,
  User,
} from "./schemas.ts";
import { AGENT_DEFAULTS } from "./tls.ts";
import { createTransport, decode, failure, isSuccess, type Reply, type Transport } from "./transport.ts";
import { createVersionResolver, type VersionResolver } from "./version.ts";

export interface VboClientOptions {
  /** Server root without the version, e.g. https://vbo.corp.local:4443 */
  baseUrl: string;
  username: string;
  password: string;
  apiVersion: ApiVersion | "auto";
  /** Connection pool (TLS trust lives here, see `createDispatcher`). Default: a private pool, closed by `close()`. */
  dispatcher?: Dispatcher;
  logger: Logger;
  clock: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** Per request; default 30000. */
  timeoutMs?: number;
  /** Extra attempts for a GET (or token grant) after a transient failure; default 4. */
  maxRetries?: number;
  /** Renew the token this long before it expires; default 60. */
  refreshMarginSeconds?: number;
}

export interface VboClient extends VboApi {
  /** Sends the audit e-mail test message (`SendTest` before v8, `SendTestEmail` on v8). */
  sendTestEmail(): Promise<void>;
  /** Cancels calls in flight and closes the connection pool if the client created it. */
  close(): Promise<void>;
}

export function createVboClient(options: VboClientOptions): VboClient {
  return new HttpVboClient(options);
}

/** Failures after which a POST may or may not have applied. */
const AMBIGUOUS_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);
const DEFAULT_SEARCH_LIMIT = 100;
/**
 * v6 defaults `extendedView` to true, which makes the server ask its backup proxies for each
 * organization's connection settings: slow, and useless to the bot. Later versions default to
 * false; sending it everywhere keeps one behaviour.
 */
const NOT_EXTENDED = { extendedView: "false" } as const;

/** A list answered as a plain JSON array (its items are checked one by one). */
const AnyList = z.array(z.unknown());

/** Each tolerant list's item schema. */
const ITEM = {
  organizations: Organization,
  users: User,
  groups: Group,
  members: GroupMember,
  restoreSessions: RestoreSession,
  restoreEvents: RestoreSessionEvent,
} as const satisfies Record<TolerantList, z.ZodType>;
type ItemOf<L extends TolerantList> = z.output<(typeof ITEM)[L]>;

type Query = Record<string, string | number | undefined>;

interface Call {
  operation: string;
  method: "GET" | "POST";
  /** The URL for a version, or a ready URL (a `_links.next`). */
  url: URL | ((version: ApiVersion) => URL);
  json?: unknown;
  timeoutMs?: number;
}

const enc = encodeURIComponent;

class HttpVboClient implements VboClient {
  readonly #base: URL;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #password: string;
  readonly #ownDispatcher: Agent | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #closing = new AbortController();
  readonly #transport: Transport;
  readonly #versions: VersionResolver;
  readonly #tokens: TokenManager;
  /** GETs on their way, by URL, so that identical concurrent reads share one request. */
  readonly #readsInFlight = new Map<string, Promise<Reply>>();
  readonly #items: ItemReader;
  #health: VboHealth = { lastCallOk: null };

  constructor(o: VboClientOptions) {
    this.#base = new URL(o.baseUrl.replace(/\/+$/, ""));
    this.#logger = o.logger.child({ component: "vbo" });
    this.#items = new ItemReader(this.#logger);
    this.#clock = o.clock;
    this.#password = o.password;
    this.#ownDispatcher = o.dispatcher ? undefined : new Agent({ ...AGENT_DEFAULTS });
    this.#dispatcher = o.dispatcher ?? (this.#ownDispatcher as Agent);
    this.#transport = createTransport({
      dispatcher: this.#dispatcher,
      logger: this.#logger,
      clock: o.clock,
      sleep: o.sleep ?? realSleep,
      random: o.random ?? Math.random,
      timeoutMs: o.timeoutMs ?? 30_000,
      retry: {
        maxRetries: Math.max(0, o.maxRetries ?? 4),
        baseDelayMs: 500,
        maxDelayMs: 20_000,
        maxRetryAfterMs: 60_000,
      },
      closed: this.#closing.signal,
      secrets: () => this.#secrets(),
    });
    const urlFor = (version: ApiVersion, path: string) => this.#url(version, path);
    this.#versions = createVersionResolver({
      configured: o.apiVersion,
      transport: this.#transport,
      urlFor,
      logger: this.#logger,
      confirm: (candidate) => this.#buildNumber(candidate),
    });
    this.#tokens = new TokenManager({
      transport: this.#transport,
      urlFor,
      username: o.username,
      password: o.password,
      clock: o.clock,
      logger: this.#logger,
      refreshMarginSeconds: o.refreshMarginSeconds ?? 60,
    });
  }

  // ---- plumbing ----

  #url(version: ApiVersion, path: string, query: Query = {}): URL {
    const url = new URL(`${this.#base.href.replace(/\/+$/, "")}/${version}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  #secrets(): string[] {
    return [this.#password, ...this.#tokens.secrets()];
  }

  /** Logs in at `version` and reads the server's build number (the login's error, if it fails). */
  async #buildNumber(version: ApiVersion): Promise<string | undefined> {
    const url = this.#url(version, "/ServiceInstance");
    const reply = await this.#sendWithToken({ operation: "detectVersion", method: "GET", url }, url, version);
    if (!isSuccess(reply.status)) return undefined;
    try {
      return decode(reply, ServiceInstance, "detectVersion").version ?? undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Sends a call. Identical GETs in flight at the same moment share one request: a burst of
   * commands that all read the same audit list asks VB365 once, instead of queueing behind the
   * connection pool until some of them time out.
   */
  async #send(call: Call): Promise<Reply> {
    const version = await this.#versions.get();
    const url = typeof call.url === "function" ? call.url(version) : call.url;
    if (call.method !== "GET") return this.#sendWithToken(call, url, version);
    const shared = this.#readsInFlight.get(url.href);
    if (shared !== undefined) return shared;
    const read = this.#sendWithToken(call, url, version).finally(() => this.#readsInFlight.delete(url.href));
    this.#readsInFlight.set(url.href, read);
    return read;
  }

  /** Sends a call with the bearer token; after a 401 renews the token and sends it once more. */
  async #sendWithToken(call: Call, url: URL, version: ApiVersion): Promise<Reply> {
    const attempt = (token: string) =>
      this.#transport.send({
        operation: call.operation,
        method: call.method,
        url,
        headers: {
          accept: "application/json",
          authorization: `Bearer ${token}`,
          ...(call.json === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) }),
        // Only reads are repeated blindly; a change that may have applied is checked by reading back.
        retryable: call.method === "GET",
        ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
      });
    const token = await this.#tokens.accessToken(version);
    const reply = await attempt(token);
    if (reply.status !== 401) return reply;
    this.#logger.info("vbo refused the access token; renewing it and trying once more", {
      operation: call.operation,
    });
    return attempt(await this.#tokens.renewAfterRejection(token, version));
  }

  async #json<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>> {
    const reply = await this.#send(call);
    if (!isSuccess(reply.status)) throw failure(reply, call.operation, this.#secrets());
    return decode(reply, schema, call.operation);
  }

  /** Runs one operation and records its outcome for `health()`. */
  async #track<T>(run: () => Promise<T>): Promise<T> {
    try {
      const value = await run();
      this.#recordSuccess();
      return value;
    } catch (err) {
      this.#recordFailure(err);
      throw err;
    }
  }

  #recordSuccess(): void {
    const version = this.#versions.known();
    this.#health = {
      lastCallOk: true,
      lastSuccessAt: this.#clock.now(),
      ...(version ? { version } : {}),
    };
  }

  #recordFailure(err: unknown): void {
    // A definite refusal such as 400 or 404 is the server answering: it is up, the question was wrong.
    if (isVboError(err) && err.kind === "http" && err.status !== undefined) {
      const s = err.status;
      if (s >= 400 && s < 500 && s !== 401 && s !== 403 && s !== 429) {
        this.#recordSuccess();
        return;
      }
    }
    const version = this.#versions.known();
    const { lastSuccessAt } = this.#health;
    this.#health = {
      lastCallOk: false,
      lastError: isVboError(err) ? err.describe() : "unexpected error in the VB365 client",
      ...(lastSuccessAt ? { lastSuccessAt } : {}),
      ...(version ? { version } : {}),
    };
  }

  /** One page of a tolerant list: the frame checked, then each item on its own. */
  async #page<L extends TolerantList>(list: L, operation: string, url: URL): Promise<Page<ItemOf<L>>> {
    const frame = await this.#json({ operation, method: "GET", url }, PageFrame);
    // TypeScript cannot follow a generic key through the table; the entry is the schema of L.
    const schema = ITEM[list] as unknown as z.ZodType<ItemOf<L>>;
    return { ...frame, results: this.#items.tolerant(list, operation, frame.results, schema) };
  }

  async *#pages<L extends TolerantList>(
    list: L,
    operation: string,
    path: string,
    query: Query,
    pageSize: number | undefined,
    reuseSetId: boolean,
  ): AsyncGenerator<Array<ItemOf<L>>, void, undefined> {
    const version = await this.#track(() => this.#versions.get());
    yield* walkPages<ItemOf<L>>({
      operation,
      first: this.#url(version, path, query),
      pageSize,
      reuseSetId,
      fetch: (url) => this.#track(() => this.#page(list, operation, url)),
    });
  }

  // ---- VboApi ----

  apiVersion(): Promise<ApiVersion> {
    return this.#track(() => this.#versions.get());
  }

  health(): VboHealth {
    return { ...this.#health };
  }

  skippedItems(): SkippedItems {
    return this.#items.skipped();
  }

  listOrganizations(): Promise<Organization[]> {
    return this.#track(async () => {
      const version = await this.#versions.get();
      const operation = "listOrganizations";
      if (version !== "v8") {
        const list = await this.#json(
          { operation, method: "GET", url: (v) => this.#url(v, "/Organizations", NOT_EXTENDED) },
          AnyList,
        );
        return this.#items.tolerant("organizations", operation, list, Organization);
      }
      // v8 pages the organizations.
      const all: Organization[] = [];
      for await (const page of walkPages<Organization>({
        operation,
        first: this.#url(version, "/Organizations", NOT_EXTENDED),
        reuseSetId: false,
        fetch: (url) => this.#page("organizations", operation, url),
      })) {
        all.push(...page);
      }
      return all;
    });
  }

  getOrganization(organizationId: string): Promise<Organization> {
    return this.#track(() =>
      this.#json(
        {
          operation: "getOrganization",
          method: "GET",
          url: (v) => this.#url(v, `/Organizations/${enc(organizationId)}`, NOT_EXTENDED),
        },
        Organization,
      ),
    );
  }

  searchUsers(organizationId: string, query: UserQuery): Promise<User[]> {
    return this.#track(async () => {
      const version = await this.#versions.get();
      const url = this.#url(version, `/Organizations/${enc(organizationId)}/Users`, {
        userName: query.userName,
        displayName: query.displayName,
        limit: clampPageSize(query.limit, DEFAULT_SEARCH_LIMIT),
      });
      return (await this.#page("users", "searchUsers", url)).results;
    });
  }

  searchGroups(organizationId: string, query: GroupQuery): Promise<Group[]> {
    return this.#track(async () => {
      const version = await this.#versions.get();
      const url = this.#url(version, `/Organizations/${enc(organizationId)}/Groups`, {
        displayName: query.displayName,
        groupName: query.groupName,
        limit: clampPageSize(query.limit, DEFAULT_SEARCH_LIMIT),
      });
      return (await this.#page("groups", "searchGroups", url)).results;
    });
  }

  userPages(organizationId: string, options?: PageOptions): AsyncIterable<User[]> {
    const path = `/Organizations/${enc(organizationId)}/Users`;
    return this.#pages("users", "userPages", path, {}, options?.pageSize, true);
  }

  groupPages(organizationId: string, options?: PageOptions): AsyncIterable<Group[]> {
    const path = `/Organizations/${enc(organizationId)}/Groups`;
    return this.#pages("groups", "groupPages", path, {}, options?.pageSize, true);
  }

  getUser(organizationId: string, userId: string): Promise<User> {
    return this.#track(() =>
      this.#json(
        {
          operation: "getUser",
          method: "GET",
          url: (v) => this.#url(v, `/Organizations/${enc(organizationId)}/Users/${enc(userId)}`),
        },
        User,
      ),
    );
  }

  getGroup(organizationId: string, groupId: string): Promise<Group> {
    return this.#track(() =>
      this.#json(
        {
          operation: "getGroup",
          method: "GET",
          url: (v) => this.#url(v, `/Organizations/${enc(organizationId)}/Groups/${enc(groupId)}`),
        },
        Group,
      ),
    );
  }

  groupMembers(organizationId: string, groupId: string): AsyncIterable<GroupMember[]> {
    const path = `/Organizations/${enc(organizationId)}/Groups/${enc(groupId)}/Members`;
    return this.#pages("members", "groupMembers", path, {}, undefined, true);
  }

  listAuditItems(organizationId: string): Promise<AuditItem[]> {
    return this.#track(() => this.#auditItems(organizationId, "listAuditItems"));
  }

  async #auditItems(organizationId: string, operation: string): Promise<AuditItem[]> {
    const list = await this.#json(
      {
        operation,
        method: "GET",
        url: (v) => this.#url(v, `/Organizations/${enc(organizationId)}/AuditItems`),
      },
      AnyList,
    );
    return this.#items.auditItems(list, operation);
  }

  addAuditItems(organizationId: string, principals: PrincipalRef[]): Promise<Confirmation> {
    if (principals.length === 0) return Promise.resolve("response");
    const body = principals.map((p) => {
      const who = { id: p.id, displayName: p.displayName, name: p.name };
      return p.type === "User" ? { type: "User", user: who } : { type: "Group", group: who };
    });
    return this.#track(() =>
      this.#change(organizationId, "addAuditItems", "/AuditItems", body, (items) =>
        principals.every((p) => findAuditItem(items, p) !== undefined),
      ),
    );
  }

  removeAuditItems(organizationId: string, itemIds: string[]): Promise<Confirmation> {
    if (itemIds.length === 0) return Promise.resolve("response");
    return this.#track(() =>
      this.#change(organizationId, "removeAuditItems", "/AuditItems/remove", { itemIds }, (items) =>
        itemIds.every((id) => !items.some((item) => sameAuditItemId(item.id, id))),
      ),
    );
  }

  /**
   * POSTs a change to the audit items. The server may have applied a POST whose answer was lost
   * (timeout, dropped connection, gateway error); sending it again could apply it twice, so the
   * list is read instead and decides: applied, or a definite `not_applied`.
   */
  async #change(
    organizationId: string,
    operation: string,
    path: string,
    json: unknown,
    applied: (items: AuditItem[]) => boolean,
  ): Promise<Confirmation> {
    let outcome: Reply | VboError;
    try {
      outcome = await this.#send({
        operation,
        method: "POST",
        url: (v) => this.#url(v, `/Organizations/${enc(organizationId)}${path}`),
        json,
      });
    } catch (err) {
      if (!isVboError(err) || (err.kind !== "network" && err.kind !== "timeout")) throw err;
      outcome = err;
    }
    if (!(outcome instanceof VboError)) {
      if (isSuccess(outcome.status)) return "response";
      if (!AMBIGUOUS_STATUS.has(outcome.status)) throw failure(outcome, operation, this.#secrets());
    }
    const cause = outcome instanceof VboError ? outcome : failure(outcome, operation, this.#secrets());
    this.#logger.warn("vbo change may or may not have applied; reading the audit items back", {
      operation,
      error: cause.kind,
      status: cause.status,
    });
    let items: AuditItem[];
    try {
      items = await this.#auditItems(organizationId, `${operation}.readback`);
    } catch (err) {
      this.#logger.warn("vbo read-back failed; the change's outcome is unknown", {
        operation,
        error: isVboError(err) ? err.kind : "unexpected",
      });
      throw cause;
    }
    if (applied(items)) {
      this.#logger.info("vbo change applied despite the failed answer", { operation });
      return "readback";
    }
    throw new VboError({
      kind: "not_applied",
      operation,
      status: cause.status,
      errorCode: cause.errorCode,
      message: `the change did not apply (${cause.kind === "http" ? `HTTP ${cause.status}` : cause.message})`,
    });
  }

  getAuditEmailSettings(): Promise<AuditEmailSettings> {
    return this.#track(() =>
      this.#json(
        {
          operation: "getAuditEmailSettings",
          method: "GET",
          url: (v) => this.#url(v, "/AuditEmailSettings"),
        },
        AuditEmailSettings,
      ),
    );
  }

  sendTestEmail(): Promise<void> {
    return this.#track(async () => {
      const reply = await this.#send({
        operation: "sendTestEmail",
        method: "POST",
        url: (v) =>
          this.#url(v, v === "v8" ? "/AuditEmailSettings/SendTestEmail" : "/AuditEmailSettings/SendTest"),
      });
      if (!isSuccess(reply.status)) throw failure(reply, "sendTestEmail", this.#secrets());
    });
  }

  restoreSessions(window: TimeWindow): AsyncIterable<RestoreSession[]> {
    const query = {
      startTimeFrom: window.from.toISOString(),
      startTimeTo: window.to?.toISOString(),
    };
    return this.#pages("restoreSessions", "restoreSessions", "/RestoreSessions", query, undefined, false);
  }

  getRestoreSession(sessionId: string): Promise<RestoreSession | undefined> {
    return this.#track(async () => {
      const operation = "getRestoreSession";
      const reply = await this.#send({
        operation,
        method: "GET",
        url: (v) => this.#url(v, `/RestoreSessions/${enc(sessionId)}`),
      });
      // Gone: VB365 forgets sessions after its retention.
      if (reply.status === 404) return undefined;
      if (!isSuccess(reply.status)) throw failure(reply, operation, this.#secrets());
      return decode(reply, RestoreSession, operation);
    });
  }

  restoreSessionEvents(sessionId: string): AsyncIterable<RestoreSessionEvent[]> {
    const path = `/RestoreSessions/${enc(sessionId)}/Events`;
    return this.#pages("restoreEvents", "restoreSessionEvents", path, {}, undefined, false);
  }

  changes(from: string, options: { limit?: number; timeoutSeconds?: number } = {}): Promise<ChangeFeed> {
    return this.#track(async () => {
      const version = await this.#versions.get();
      if (version !== "v8") {
        // What the server itself would answer: the route does not exist before v8.
        throw new VboError({
          kind: "http",
          operation: "changes",
          status: 404,
          message: `the change feed needs REST API v8; this server speaks ${version}`,
        });
      }
      const waitMs = (options.timeoutSeconds ?? 0) * 1000;
      return this.#json(
        {
          operation: "changes",
          method: "GET",
          url: this.#url(version, "/Events", {
            from,
            limit: options.limit === undefined ? undefined : clampPageSize(options.limit),
            timeoutSeconds: options.timeoutSeconds,
          }),
          // A long poll holds the answer back on purpose: allow for that beyond the usual timeout.
          ...(waitMs > 0 ? { timeoutMs: waitMs + 30_000 } : {}),
        },
        ChangeFeed,
      );
    });
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#ownDispatcher?.close();
  }
}
