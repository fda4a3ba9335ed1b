/**
 * The resolver: what a person typed as `<who>` → principals of one organization. It answers from
 * a local directory cache (SQLite, with an in-memory index per organization), asks VB365 directly
 * when the cache is empty, stale or misses, and keeps the cache filled (a full sync, run by a job,
 * and whatever a direct search returns). A VB365 failure is reported as such, never as "no match",
 * unless the cache could answer by itself.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { readAhead } from "../../async.ts";
import type { Clock } from "../../clock.ts";
import type { Logger } from "../../logger.ts";
import type { VboApi } from "../../vbo/api.ts";
import { isVboError, type VboError } from "../../vbo/errors.ts";
import type { Lookup } from "../vocabulary.ts";
import {
  type AnswerLimits,
  answerFrom,
  type Candidate,
  isAddress,
  type LocalAnswer,
  suggestionsFrom,
  toCandidate,
} from "./answer.ts";
import { type DirectoryEntry, entryFromGroup, entryFromUser } from "./entry.ts";
import type { DirectoryCache, DirectorySync } from "./ports.ts";
import { DirectoryIndex } from "./search-index.ts";

export type { Candidate } from "./answer.ts";
export type { MatchKind } from "./rank.ts";

export type Resolution =
  | ({ kind: "one" } & Candidate)
  /** Ranked best first; at most `maxCandidates` of `total`. */
  | { kind: "many"; candidates: Candidate[]; total: number }
  | { kind: "none"; suggestions: Candidate[] }
  /** VB365 had to be asked and failed; `suggestions` are what the cache knows that is close. */
  | { kind: "unavailable"; error: VboError; suggestions: Candidate[] };

export type SearchResult =
  | { kind: "found"; matches: Candidate[]; total: number }
  | { kind: "unavailable"; error: VboError };

export interface SyncResult {
  organizationId: string;
  users: number;
  groups: number;
  syncedAt: Date;
  durationMs: number;
}

export interface ResolverOptions {
  /** VB365, or each organization's own server's (core/servers.ts). */
  vbo: VboApi | ((organizationId: string) => VboApi);
  directory: DirectoryCache;
  logger: Logger;
  clock: Clock;
  /** A cache older than this is stale: VB365 is asked first. Default 24 hours. */
  maxAgeMs?: number;
  /** Default 25. */
  maxCandidates?: number;
  /** Default 5. */
  maxSuggestions?: number;
  /** Users or groups per page in a sync; default 2000. */
  syncPageSize?: number;
  /** Users or groups asked for in one direct search; default 500. */
  searchLimit?: number;
  /** After a background sync failed, lookups wait this long before starting another. Default 5 minutes. */
  syncRetryMs?: number;
}

export interface Resolver {
  resolve(organizationId: string, who: Lookup): Promise<Resolution>;
  /** Ranked matches of any kind for `find`; the closest names when nothing matches. */
  search(organizationId: string, query: string, limit?: number): Promise<SearchResult>;
  /** Reads every user and group from VB365 and replaces the organization's cache with them. */
  syncDirectory(organizationId: string): Promise<SyncResult>;
  /** When the organization's cache was last synced in full; undefined: never. */
  lastSync(organizationId: string): DirectorySync | undefined;
  /** Settles once every sync started in the background by a lookup has finished. */
  idle(): Promise<void>;
}

const HOUR = 3_600_000;
/** How many UPN domains a bare local part is tried in (`ben.young` → `ben.young@vbridge.co.nz`). */
const GUESSED_DOMAINS = 2;
/** What may be a local part to try as `value@domain`: no spaces, no wildcards. */
const LOCAL_PART = /^[\p{L}\p{N}._'-]+$/u;
/** Entries stored and indexed per turn of the event loop, so 100,000 do not stall Slack acks. */
const BUILD_CHUNK = 2_000;
/** Rows of a replaced directory copy dropped per turn of the event loop. */
const PURGE_CHUNK = 10_000;

export function createResolver(options: ResolverOptions): Resolver {
  return new DirectoryResolver(options);
}

type Freshness = "empty" | "stale" | "fresh";

class DirectoryResolver implements Resolver {
  readonly #vbo: (organizationId: string) => VboApi;
  readonly #directory: DirectoryCache;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  readonly #limits: AnswerLimits;
  readonly #maxSuggestions: number;
  readonly #syncPageSize: number;
  readonly #searchLimit: number;
  readonly #syncRetryMs: number;
  readonly #indexes = new Map<string, DirectoryIndex>();
  readonly #loading = new Map<string, Promise<DirectoryIndex>>();
  readonly #syncing = new Map<string, Promise<SyncResult>>();
  readonly #background = new Set<Promise<void>>();
  readonly #lastFailedSync = new Map<string, number>();

  constructor(options: ResolverOptions) {
    const { vbo } = options;
    this.#vbo = typeof vbo === "function" ? vbo : () => vbo;
    this.#directory = options.directory;
    this.#logger = options.logger.child({ component: "resolver" });
    this.#clock = options.clock;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * HOUR;
    this.#limits = { maxCandidates: options.maxCandidates ?? 25 };
    this.#maxSuggestions = options.maxSuggestions ?? 5;
    // Not VB365's maximum (10,000): a page of 2,000 is parsed, stored and dropped while the next is
    // on its way, with a fifth of the memory in flight; with the first page's setId, later pages
    // come from the server's cached result set, so more pages cost little more. Measured: the same
    // sync time, 50 MiB less at peak with 100,000 users.
    this.#syncPageSize = options.syncPageSize ?? 2_000;
    this.#searchLimit = options.searchLimit ?? 500;
    this.#syncRetryMs = options.syncRetryMs ?? 5 * 60_000;
  }

  async resolve(organizationId: string, who: Lookup): Promise<Resolution> {
    if (who.value.trim() === "") return { kind: "none", suggestions: [] };
    const freshness = this.#freshness(organizationId);
    let index = await this.#index(organizationId);
    if (freshness === "fresh") {
      const local = answerFrom(index, who, this.#limits);
      if (local.kind !== "miss") return local;
    } else {
      this.#syncInBackground(organizationId);
    }

    try {
      await this.#askVbo(organizationId, who);
    } catch (err) {
      if (!isVboError(err)) throw err;
      this.#logger.warn("VB365 search failed while resolving", { organizationId, freshness, error: err });
      // A stale or partial cache may still know the answer; a miss there proves nothing.
      index = await this.#index(organizationId);
      const local = answerFrom(index, who, this.#limits);
      if (local.kind !== "miss") return local;
      return { kind: "unavailable", error: err, suggestions: this.#suggestions(index, who) };
    }

    // A sync may have swapped the index while VB365 answered.
    index = await this.#index(organizationId);
    const answer: LocalAnswer = answerFrom(index, who, this.#limits);
    if (answer.kind !== "miss") return answer;
    return { kind: "none", suggestions: this.#suggestions(index, who) };
  }

  async search(
    organizationId: string,
    query: string,
    limit = this.#limits.maxCandidates,
  ): Promise<SearchResult> {
    if (query.trim() === "") return { kind: "found", matches: [], total: 0 };
    const freshness = this.#freshness(organizationId);
    const local = (await this.#index(organizationId)).search(query, limit);
    // Only close names (edits) mean nothing really matched.
    const hit = local.matches.some((m) => m.kind !== "fuzzy");
    if (freshness !== "fresh") this.#syncInBackground(organizationId);
    if (freshness === "fresh" && hit) return found(local);
    try {
      await this.#askVbo(organizationId, { kind: "text", value: query });
    } catch (err) {
      if (!isVboError(err)) throw err;
      this.#logger.warn("VB365 search failed while searching", { organizationId, freshness, error: err });
      if (hit) return found(local);
      return { kind: "unavailable", error: err };
    }
    return found((await this.#index(organizationId)).search(query, limit));
  }

  syncDirectory(organizationId: string): Promise<SyncResult> {
    const running = this.#syncing.get(organizationId);
    if (running !== undefined) return running;
    const sync = this.#sync(organizationId).finally(() => this.#syncing.delete(organizationId));
    this.#syncing.set(organizationId, sync);
    return sync;
  }

  lastSync(organizationId: string): DirectorySync | undefined {
    return this.#directory.lastSync(organizationId);
  }

  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  /**
   * Pages through the users, then the groups, storing each page in a new copy of the directory and
   * indexing it as it comes; the next page is already on its way meanwhile. The old copy answers
   * lookups until the new one is complete.
   */
  async #sync(organizationId: string): Promise<SyncResult> {
    const started = this.#clock.now();
    const startedMs = performance.now();
    const writer = this.#directory.beginSync(organizationId);
    const index = new DirectoryIndex(this.#directory);
    const take = async <T>(page: readonly T[], toEntry: (item: T) => DirectoryEntry) => {
      for (let i = 0; i < page.length; i += BUILD_CHUNK) {
        // Also lets the request for the next page go out before this one is worked through.
        await yieldToEventLoop();
        const entries = page.slice(i, i + BUILD_CHUNK).map(toEntry);
        writer.remove(index.add(entries, writer.append(entries, started)));
      }
    };
    let users = 0;
    let groups = 0;
    let durationMs: number;
    try {
      const pageSize = this.#syncPageSize;
      for await (const page of readAhead(this.#vbo(organizationId).userPages(organizationId, { pageSize }))) {
        users += page.length;
        await take(page, entryFromUser);
      }
      for await (const page of readAhead(
        this.#vbo(organizationId).groupPages(organizationId, { pageSize }),
      )) {
        groups += page.length;
        await take(page, entryFromGroup);
      }
      index.trim();
      durationMs = performance.now() - startedMs;
      // The data is at least as fresh as the moment the sync began.
      writer.commit({ syncedAt: started, durationMs, users, groups });
    } catch (err) {
      writer.abort();
      this.#purgeInBackground();
      throw err;
    }
    this.#indexes.set(organizationId, index);
    this.#lastFailedSync.delete(organizationId);
    this.#purgeInBackground();
    const result = { organizationId, users, groups, syncedAt: started, durationMs };
    this.#logger.info("directory synced", { ...result, durationMs: Math.round(durationMs) });
    return result;
  }

  /** Drops the rows of replaced directory copies, a range per turn of the event loop. */
  #purgeInBackground(): void {
    const task = (async () => {
      while (this.#directory.purge(PURGE_CHUNK)) await yieldToEventLoop();
    })().catch((err: unknown) => {
      this.#logger.warn("dropping an old copy of the directory failed; the next sync tries again", {
        error: err,
      });
    });
    this.#background.add(task);
    void task.finally(() => this.#background.delete(task));
  }

  #syncInBackground(organizationId: string): void {
    if (this.#syncing.has(organizationId)) return;
    const failedAt = this.#lastFailedSync.get(organizationId);
    const now = this.#clock.now().getTime();
    if (failedAt !== undefined && now - failedAt < this.#syncRetryMs) return;
    const task = this.syncDirectory(organizationId).then(
      () => undefined,
      (err: unknown) => {
        this.#lastFailedSync.set(organizationId, this.#clock.now().getTime());
        this.#logger.warn("background directory sync failed", { organizationId, error: err });
      },
    );
    this.#background.add(task);
    void task.finally(() => this.#background.delete(task));
  }

  #freshness(organizationId: string): Freshness {
    const sync = this.#directory.lastSync(organizationId);
    if (!sync) return "empty";
    const age = this.#clock.now().getTime() - sync.syncedAt.getTime();
    return age > this.#maxAgeMs ? "stale" : "fresh";
  }

  /** The organization's index: in memory, or loaded from SQLite on first use after a start. */
  #index(organizationId: string): Promise<DirectoryIndex> {
    const ready = this.#indexes.get(organizationId);
    if (ready !== undefined) return Promise.resolve(ready);
    const loading = this.#loading.get(organizationId);
    if (loading !== undefined) return loading;
    const load = this.#load(organizationId)
      .then((index) => {
        // A sync that finished meanwhile has the newer index.
        const current = this.#indexes.get(organizationId) ?? index;
        this.#indexes.set(organizationId, current);
        return current;
      })
      .finally(() => this.#loading.delete(organizationId));
    this.#loading.set(organizationId, load);
    return load;
  }

  /** An index of what the store holds for the organization, built a chunk per turn of the event loop. */
  async #load(organizationId: string): Promise<DirectoryIndex> {
    const index = new DirectoryIndex(this.#directory);
    for (let after: number | undefined; ; ) {
      const { rows, entries } = this.#directory.chunk(organizationId, after, BUILD_CHUNK);
      if (rows.length === 0) break;
      this.#directory.remove(index.add(entries, rows));
      after = rows.at(-1);
      await yieldToEventLoop();
    }
    index.trim();
    return index;
  }

  /**
   * Asks VB365 for what `who` may name and adds every answer to the cache. An address is asked as
   * a UPN (and a group name); a name by its longest word as a display-name wildcard, which finds
   * every name holding all the words in any order; a bare local part also as a UPN in the
   * organization's most common domains. Throws the first VB365 failure.
   */
  async #askVbo(organizationId: string, who: Lookup): Promise<void> {
    const value = who.value.trim();
    const limit = this.#searchLimit;
    const calls: Array<Promise<DirectoryEntry[]>> = [];
    const users = (query: Parameters<VboApi["searchUsers"]>[1]) =>
      this.#vbo(organizationId)
        .searchUsers(organizationId, query)
        .then((found) => found.map(entryFromUser));
    const groups = (query: Parameters<VboApi["searchGroups"]>[1]) =>
      this.#vbo(organizationId)
        .searchGroups(organizationId, query)
        .then((found) => found.map(entryFromGroup));

    if (isAddress(who)) {
      calls.push(users({ userName: value, limit }), groups({ groupName: value, limit }));
    } else {
      const word = longestWord(value);
      if (word === undefined) return;
      calls.push(users({ displayName: `*${word}*`, limit }), groups({ displayName: `*${word}*`, limit }));
      if (who.kind === "text" && LOCAL_PART.test(value)) {
        const index = await this.#index(organizationId);
        for (const domain of index.domains(GUESSED_DOMAINS))
          calls.push(users({ userName: `${value}@${domain}` }));
      }
    }
    const found = (await Promise.all(calls)).flat();
    if (found.length === 0) return;
    const index = await this.#index(organizationId);
    this.#directory.remove(
      index.add(found, this.#directory.insert(organizationId, found, this.#clock.now())),
    );
    this.#logger.debug("cached VB365 search results", { organizationId, count: found.length });
  }

  #suggestions(index: DirectoryIndex, who: Lookup): Candidate[] {
    return suggestionsFrom(index, who, this.#maxSuggestions);
  }
}

function found(result: { matches: Parameters<typeof toCandidate>[0][]; total: number }): SearchResult {
  return { kind: "found", matches: result.matches.map(toCandidate), total: result.total };
}

/**
 * The longest word as typed (accents kept: VB365 compares them), for a `*word*` wildcard. Any `*`
 * or `?` the person typed is a separator here, never a wildcard of theirs.
 */
function longestWord(text: string): string | undefined {
  let best: string | undefined;
  for (const word of text.split(/[^\p{L}\p{N}]+/u))
    if (word && (!best || word.length > best.length)) best = word;
  return best;
}
