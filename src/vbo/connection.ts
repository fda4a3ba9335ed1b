/**
 * The layer every VB365 operation goes through: one connection to one server. It builds URLs for
 * the version in use, adds the bearer token (renewing it once after a 401), lets identical reads in
 * flight share one request, decodes answers, reads tolerant lists page by page, and records each
 * operation's outcome for `health()`.
 *
 * The layers below, each in its own file: `transport.ts` (one exchange: timeout, retries, error
 * mapping), `version.ts` (which `/vN/`), `auth.ts` (the shared token), `paging.ts` (large pages,
 * one setId), `items.ts` (lists read item by item). The operations, per resource family, are in
 * `organizations.ts`, `directory.ts`, `audit-items.ts`, `restore-sessions.ts` and `settings.ts`.
 */
import { Agent, type Dispatcher } from "undici";
import * as z from "zod";
import { untilAborted } from "../async.ts";
import { type Clock, sleep as realSleep, type Sleep } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { VboHealth, WorstCase } from "./api.ts";
import { TokenManager } from "./auth.ts";
import { isVboError } from "./errors.ts";
import { ItemReader, type TolerantList } from "./items.ts";
import { walkPages } from "./paging.ts";
import {
  type ApiVersion,
  Group,
  GroupMember,
  Organization,
  type Page,
  PageFrame,
  RestoreSession,
  RestoreSessionEvent,
  ServiceInstance,
  User,
} from "./schemas.ts";
import { AGENT_DEFAULTS, APPLY_AGENT_DEFAULTS } from "./tls.ts";
import {
  createTransport,
  decode,
  failure,
  isSuccess,
  type Lane,
  outOfTime,
  type Reply,
  type RetryPolicy,
  type Transport,
  worstExchangeMs,
} from "./transport.ts";
import { createVersionResolver, type VersionResolver } from "./version.ts";

export interface VboClientOptions {
  /** Server root without the version, e.g. https://vbo.corp.local:4443 */
  baseUrl: string;
  username: string;
  password: string;
  apiVersion: ApiVersion | "auto";
  /** Connection pool (TLS trust lives here, see `createDispatchers`). Default: a private pool, closed by `close()`. */
  dispatcher?: Dispatcher;
  /** The pool of applies and token grants, kept apart from reads. Default: a private pool, closed by `close()`. */
  applyDispatcher?: Dispatcher;
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

/** Each tolerant list's item schema. */
const ITEM = {
  organizations: Organization,
  users: User,
  groups: Group,
  members: GroupMember,
  restoreSessions: RestoreSession,
  restoreEvents: RestoreSessionEvent,
} as const satisfies Record<TolerantList, z.ZodType>;
export type ItemOf<L extends TolerantList> = z.output<(typeof ITEM)[L]>;

export type Query = Record<string, string | number | undefined>;

export interface Call {
  operation: string;
  method: "GET" | "POST";
  /** The URL for a version, or a ready URL (a `_links.next`). */
  url: URL | ((version: ApiVersion) => URL);
  json?: unknown;
  timeoutMs?: number;
  /** The caller's deadline (see `CallOptions`). */
  signal?: AbortSignal | undefined;
  /** Which connections carry it (transport.ts); default `reads`. */
  lane?: Lane;
}

/** A list answered as a plain JSON array (its items are checked one by one). */
export const AnyList = z.array(z.unknown());

/** A path segment made of an id. */
export const enc = encodeURIComponent;

export class VboConnection {
  readonly logger: Logger;
  readonly #base: URL;
  readonly #clock: Clock;
  readonly #password: string;
  /** The pools this connection made itself (none given), closed by `close()`. */
  readonly #ownDispatchers: Agent[] = [];
  readonly #closing = new AbortController();
  readonly #transport: Transport;
  readonly #versions: VersionResolver;
  readonly #tokens: TokenManager;
  /** GETs on their way, by URL, so that identical concurrent reads share one request. */
  readonly #readsInFlight = new Map<string, Promise<Reply>>();
  /** Reads lists item by item (see items.ts); counts what display lists skipped. */
  readonly items: ItemReader;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  #health: VboHealth = { lastCallOk: null };

  constructor(o: VboClientOptions) {
    this.#base = new URL(o.baseUrl.replace(/\/+$/, ""));
    this.logger = o.logger.child({ component: "vbo" });
    this.items = new ItemReader(this.logger);
    this.#clock = o.clock;
    this.#password = o.password;
    this.#timeoutMs = o.timeoutMs ?? 30_000;
    this.#retry = {
      maxRetries: Math.max(0, o.maxRetries ?? 4),
      baseDelayMs: 500,
      maxDelayMs: 20_000,
      maxRetryAfterMs: 60_000,
    };
    const own = (options: object) => {
      const agent = new Agent(options);
      this.#ownDispatchers.push(agent);
      return agent;
    };
    this.#transport = createTransport({
      dispatcher: o.dispatcher ?? own(AGENT_DEFAULTS),
      applyDispatcher: o.applyDispatcher ?? own(APPLY_AGENT_DEFAULTS),
      logger: this.logger,
      clock: o.clock,
      sleep: o.sleep ?? realSleep,
      random: o.random ?? Math.random,
      timeoutMs: this.#timeoutMs,
      retry: this.#retry,
      closed: this.#closing.signal,
      secrets: () => this.secrets(),
    });
    const urlFor = (version: ApiVersion, path: string) => this.url(version, path);
    this.#versions = createVersionResolver({
      configured: o.apiVersion,
      transport: this.#transport,
      urlFor,
      logger: this.logger,
      confirm: (candidate) => this.#buildNumber(candidate),
    });
    this.#tokens = new TokenManager({
      transport: this.#transport,
      urlFor,
      username: o.username,
      password: o.password,
      clock: o.clock,
      logger: this.logger,
      refreshMarginSeconds: o.refreshMarginSeconds ?? 60,
    });
  }

  url(version: ApiVersion, path: string, query: Query = {}): URL {
    const url = new URL(`${this.#base.href.replace(/\/+$/, "")}/${version}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Values that must never appear in an error message: the password and the current tokens. */
  secrets(): string[] {
    return [this.#password, ...this.#tokens.secrets()];
  }

  /** The longest a read and a write can take, every retry, wait and token renewal included. */
  worstCase(): WorstCase {
    const get = worstExchangeMs(this.#timeoutMs, this.#retry, true);
    const post = worstExchangeMs(this.#timeoutMs, this.#retry, false);
    // A token: a refresh the server refuses, then a login; each a grant sent with retries.
    const token = 2 * get;
    // A 401 renews the token and sends the call once more.
    const readMs = 2 * (token + get);
    return { readMs, writeMs: 2 * (token + post) + readMs, settleMs: this.#timeoutMs };
  }

  /** The API version in use (probed once when configured as "auto"). */
  version(): Promise<ApiVersion> {
    return this.#versions.get();
  }

  /** The version configured or already detected; undefined while a probe is still needed. */
  knownVersion(): ApiVersion | undefined {
    return this.#versions.known();
  }

  /** Logs in at `version` and reads the server's build number (the login's error, if it fails). */
  async #buildNumber(version: ApiVersion): Promise<string | undefined> {
    const url = this.url(version, "/ServiceInstance");
    const reply = await this.#sendWithToken({ operation: "detectVersion", method: "GET", url }, url, version);
    if (!isSuccess(reply.status)) return undefined;
    try {
      return decode(reply, ServiceInstance, "detectVersion").version ?? undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Sends a call. Identical GETs in flight at the same moment on the same lane share one request: a
   * burst of commands that all read the same audit list asks VB365 once, instead of queueing behind
   * the connection pool until some of them time out. An apply never waits on a display read.
   */
  async send(call: Call): Promise<Reply> {
    const version = await this.#shared(this.#versions.get(), call);
    const url = typeof call.url === "function" ? call.url(version) : call.url;
    if (call.method !== "GET") return this.#sendWithToken(call, url, version);
    const key = `${call.lane ?? "reads"} ${url.href}`;
    const shared = this.#readsInFlight.get(key);
    if (shared !== undefined) return this.#shared(shared, call);
    // A read with a deadline of its own is not shared: its abort must not end another caller's read.
    if (call.signal !== undefined) return this.#sendWithToken(call, url, version);
    const read = this.#sendWithToken(call, url, version).finally(() => this.#readsInFlight.delete(key));
    this.#readsInFlight.set(key, read);
    return read;
  }

  /** Waits for work shared with other callers, giving up (without cancelling it) at the call's deadline. */
  #shared<T>(work: Promise<T>, call: Call): Promise<T> {
    return untilAborted(work, call.signal, () => outOfTime(call.operation));
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
        signal: call.signal,
        ...(call.lane === undefined ? {} : { lane: call.lane }),
      });
    const token = await this.#shared(this.#tokens.accessToken(version), call);
    const reply = await attempt(token);
    if (reply.status !== 401) return reply;
    this.logger.info("vbo refused the access token; renewing it and trying once more", {
      operation: call.operation,
    });
    return attempt(await this.#shared(this.#tokens.renewAfterRejection(token, version), call));
  }

  /** Sends a call and decodes a successful answer; any other answer is a `VboError`. */
  async json<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>> {
    const reply = await this.send(call);
    if (!isSuccess(reply.status)) throw failure(reply, call.operation, this.secrets());
    return decode(reply, schema, call.operation);
  }

  /** Runs one operation and records its outcome for `health()`. */
  async track<T>(run: () => Promise<T>): Promise<T> {
    try {
      const value = await run();
      this.#recordSuccess();
      return value;
    } catch (err) {
      this.#recordFailure(err);
      throw err;
    }
  }

  health(): VboHealth {
    return { ...this.#health };
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
  async page<L extends TolerantList>(list: L, operation: string, url: URL): Promise<Page<ItemOf<L>>> {
    const frame = await this.json({ operation, method: "GET", url }, PageFrame);
    // TypeScript cannot follow a generic key through the table; the entry is the schema of L.
    const schema = ITEM[list] as unknown as z.ZodType<ItemOf<L>>;
    return { ...frame, results: this.items.tolerant(list, operation, frame.results, schema) };
  }

  /** Every page of a tolerant list, each page's outcome recorded for `health()`. */
  async *pages<L extends TolerantList>(
    list: L,
    operation: string,
    path: string,
    query: Query,
    pageSize: number | undefined,
    reuseSetId: boolean,
  ): AsyncGenerator<Array<ItemOf<L>>, void, undefined> {
    const version = await this.track(() => this.#versions.get());
    yield* walkPages<ItemOf<L>>({
      operation,
      first: this.url(version, path, query),
      pageSize,
      reuseSetId,
      fetch: (url) => this.track(() => this.page(list, operation, url)),
    });
  }

  /** Cancels calls in flight and closes the connection pools the connection created. */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.all(this.#ownDispatchers.map((d) => d.close()));
  }
}
