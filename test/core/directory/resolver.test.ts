/**
 * The resolver against the VB365 simulator with 100,000 generated users, through the real client
 * and a real SQLite file: what a person types → the principal they meant.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { tokenize } from "../../../src/core/directory/normalize.ts";
import { createResolver, type Resolution, type Resolver } from "../../../src/core/directory/resolver.ts";
import type { Lookup } from "../../../src/core/vocabulary.ts";
import { silentLogger } from "../../../src/logger.ts";
import { createSimulator } from "../../../src/sim/server.ts";
import { SEED, type SimulatorOptions, type VboSimulator } from "../../../src/sim/types.ts";
import { type Database, openDatabase } from "../../../src/store/db.ts";
import { DirectoryRepository } from "../../../src/store/directory.ts";
import type { PageOptions, VboApi } from "../../../src/vbo/api.ts";
import type { VboClient } from "../../../src/vbo/client.ts";
import { isVboError } from "../../../src/vbo/errors.ts";
import { HOUR, ManualClock } from "../../support/clock.ts";
import { simulatorClient } from "../../support/simulator.ts";

const ORG = SEED.organization.id;

interface World {
  sim: VboSimulator;
  client: VboClient;
  db: Database;
  dbPath: string;
  clock: ManualClock;
  resolver: Resolver;
  /** A second resolver over the same database, as after a restart. */
  restart(): Resolver;
  /** VB365 requests made while `fn` ran. */
  callsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number }>;
  close(): Promise<void>;
}

async function world(
  simOptions: SimulatorOptions = {},
  resolverOptions: { syncPageSize?: number; wrap?: (client: VboClient) => VboApi } = {},
): Promise<World> {
  const sim = await createSimulator({ tokenRateLimit: false, ...simOptions });
  const clock = new ManualClock("2025-03-03T09:00:00Z");
  // Retries after a failure happen at once: the outage tests must not wait out a backoff.
  const client = simulatorClient(sim);
  const dir = mkdtempSync(join(tmpdir(), "vbo-audit-resolver-"));
  const dbPath = join(dir, "vbo-audit.sqlite");
  const dbs: Database[] = [];
  const open = () => {
    const db = openDatabase(dbPath, { logger: silentLogger });
    dbs.push(db);
    return db;
  };
  const { wrap = (c: VboClient) => c, ...pages } = resolverOptions;
  const vbo = wrap(client);
  const make = (db: Database) =>
    createResolver({
      vbo,
      directory: new DirectoryRepository(db),
      logger: silentLogger,
      clock,
      ...pages,
    });
  const db = open();
  const resolvers: Resolver[] = [];
  const resolver = make(db);
  resolvers.push(resolver);
  return {
    sim,
    client,
    db,
    dbPath,
    clock,
    resolver,
    restart: () => {
      const again = make(open());
      resolvers.push(again);
      return again;
    },
    callsDuring: async (fn) => {
      const before = sim.stats.total();
      const result = await fn();
      return { result, calls: sim.stats.total() - before };
    },
    close: async () => {
      for (const r of resolvers) await r.idle();
      await client.close();
      await sim.close();
      for (const d of dbs) d.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The client with some of its operations replaced. */
function overriding(client: VboClient, methods: Partial<VboApi>): VboApi {
  return new Proxy(client, {
    get: (target, name) => {
      if (name in methods) return methods[name as keyof VboApi];
      // The client's methods use its private fields: they are called on the client itself.
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function one(resolution: Resolution) {
  if (resolution.kind !== "one")
    assert.fail(`expected one match, got ${JSON.stringify(resolution).slice(0, 400)}`);
  return resolution;
}

const text = (value: string): Lookup => ({ kind: "text", value });

describe("resolver on a 100,000-user directory", () => {
  let w: World;
  /** Every user's display name as VB365 lists it, read independently of the resolver. */
  const displayNames: string[] = [];

  before(async () => {
    w = await world({ users: 100_000 });
    const sync = await w.resolver.syncDirectory(ORG);
    assert.ok(sync.users > 100_000, `synced ${sync.users} users`);
    for await (const page of w.client.userPages(ORG, { pageSize: 10_000 })) {
      for (const user of page) displayNames.push(user.displayName ?? "");
    }
  });
  after(() => w.close());

  test("the sync is recorded with what it found", () => {
    const sync = w.resolver.lastSync(ORG);
    assert.ok(sync);
    assert.equal(sync.users, displayNames.length);
    assert.ok(sync.groups >= 3);
    assert.deepEqual(sync.syncedAt, w.clock.now());
  });

  test("a local part is Ben Young, answered from the cache without asking VB365", async () => {
    const { result, calls } = await w.callsDuring(() => w.resolver.resolve(ORG, text("ben.young")));
    const ben = one(result);
    assert.equal(ben.principal.id, SEED.benYoung.id);
    assert.equal(ben.principal.name, SEED.benYoung.name);
    assert.equal(ben.principal.displayName, SEED.benYoung.displayName);
    assert.equal(ben.principal.type, "User");
    assert.equal(ben.match, "localPart");
    assert.equal(calls, 0);
  });

  test("the local part in capitals", async () => {
    assert.equal(one(await w.resolver.resolve(ORG, text("BEN.YOUNG"))).principal.id, SEED.benYoung.id);
  });

  test("the quoted display name", async () => {
    const ben = one(await w.resolver.resolve(ORG, { kind: "quoted", value: "Ben Young" }));
    assert.equal(ben.principal.id, SEED.benYoung.id);
    assert.equal(ben.match, "name");
  });

  test("the display name's words in another order and case", async () => {
    for (const typed of ["Young Ben", "ben_young", "BEN YOUNG"]) {
      assert.equal(one(await w.resolver.resolve(ORG, text(typed))).principal.id, SEED.benYoung.id, typed);
    }
  });

  test("the e-mail address", async () => {
    const ben = one(await w.resolver.resolve(ORG, { kind: "email", value: "ben.young@vbridge.co.nz" }));
    assert.equal(ben.principal.id, SEED.benYoung.id);
    assert.equal(ben.match, "upn");
  });

  test("a Slack member's profile e-mail", async () => {
    const ben = one(await w.resolver.resolve(ORG, { kind: "memberEmail", value: "Ben.Young@vbridge.co.nz" }));
    assert.equal(ben.principal.id, SEED.benYoung.id);
  });

  test("a Slack e-mail on another domain matches nothing but suggests the same local part", async () => {
    const result = await w.resolver.resolve(ORG, { kind: "memberEmail", value: "ben.young@vbridge.example" });
    assert.equal(result.kind, "none");
    assert.equal(result.kind === "none" && result.suggestions[0]?.principal.id, SEED.benYoung.id);
  });

  test("a typo matches nothing and suggests Ben Young", async () => {
    const result = await w.resolver.resolve(ORG, text("ben.yuong"));
    assert.equal(result.kind, "none");
    if (result.kind !== "none") return;
    assert.ok(result.suggestions.length > 0 && result.suggestions.length <= 5);
    assert.ok(
      result.suggestions.some((s) => s.principal.id === SEED.benYoung.id),
      JSON.stringify(result.suggestions.map((s) => s.principal.displayName)),
    );
  });

  test("a surname alone is ambiguous: every Young, ranked, capped, and counted", async () => {
    const result = await w.resolver.resolve(ORG, text("young"));
    assert.equal(result.kind, "many");
    if (result.kind !== "many") return;
    const youngs = displayNames.filter((name) => tokenize(name).includes("young"));
    assert.equal(result.total, youngs.length);
    assert.equal(result.candidates.length, Math.min(25, youngs.length));
    for (const c of result.candidates) {
      assert.ok(tokenize(c.principal.displayName).includes("young"), c.principal.displayName);
      assert.ok(c.principal.name.includes("@"), "each candidate shows its UPN");
      assert.equal(c.principal.type, "User");
    }
    assert.ok(
      !result.candidates.some((c) => /deyoung/i.test(c.principal.displayName)),
      "DeYoung is another name",
    );
  });

  test("a group by its name", async () => {
    const finance = one(await w.resolver.resolve(ORG, text("Finance")));
    assert.equal(finance.principal.type, "Group");
    assert.equal(finance.principal.id, SEED.groups.finance.id);
  });

  test("a group by its quoted display name", async () => {
    const team = one(await w.resolver.resolve(ORG, { kind: "quoted", value: "Executive Team" }));
    assert.equal(team.principal.type, "Group");
    assert.equal(team.principal.id, SEED.groups.executiveTeam.id);
  });

  test("find lists ranked matches of every kind", async () => {
    const result = await w.resolver.search(ORG, "young", 10);
    assert.equal(result.kind, "found");
    if (result.kind !== "found") return;
    assert.equal(result.matches.length, 10);
    const wholeWord = displayNames.filter((name) => tokenize(name).includes("young")).length;
    assert.ok(result.total >= wholeWord, "whole words, and also names beginning with young");
    assert.equal(result.matches[0]?.match, "tokens");
  });

  test("a user added in VB365 after the sync is found through VB365, then cached", async () => {
    const id = w.sim.control.addUser(ORG, { name: "zara.quill@vbridge.co.nz", displayName: "Zara Quill" });
    const first = await w.callsDuring(() => w.resolver.resolve(ORG, text("zara.quill")));
    assert.equal(one(first.result).principal.id, id);
    assert.ok(first.calls > 0, "VB365 was asked");
    const again = await w.callsDuring(() => w.resolver.resolve(ORG, { kind: "quoted", value: "Zara Quill" }));
    assert.equal(one(again.result).principal.id, id);
    assert.equal(again.calls, 0, "the second time the cache knows her");
  });

  test("the cache survives a restart: a new resolver on the same database answers without VB365", async () => {
    const restarted = w.restart();
    const { result, calls } = await w.callsDuring(async () => [
      await restarted.resolve(ORG, text("ben.young")),
      await restarted.resolve(ORG, text("zara.quill")),
    ]);
    assert.equal(one(result[0] as Resolution).principal.id, SEED.benYoung.id);
    assert.equal(one(result[1] as Resolution).principal.name, "zara.quill@vbridge.co.nz");
    assert.equal(calls, 0);
  });

  test("with VB365 down, a warm cache still answers, and a miss says VB365 failed", async (t) => {
    w.sim.faults.failNext(1_000, 503);
    t.after(() => w.sim.faults.reset());
    assert.equal(one(await w.resolver.resolve(ORG, text("ben.young"))).principal.id, SEED.benYoung.id);
    const miss = await w.resolver.resolve(ORG, text("nobody.anywhere"));
    assert.equal(miss.kind, "unavailable");
    assert.ok(miss.kind === "unavailable" && isVboError(miss.error) && miss.error.status === 503);
    const find = await w.resolver.search(ORG, "nobody anywhere");
    assert.equal(find.kind, "unavailable");
  });
});

describe("resolver with an empty or stale cache", () => {
  test("an empty cache asks VB365 directly, then syncs in the background", async (t) => {
    const w = await world();
    t.after(() => w.close());
    assert.equal(w.resolver.lastSync(ORG), undefined);
    const { result, calls } = await w.callsDuring(() => w.resolver.resolve(ORG, text("ben.young")));
    assert.equal(one(result).principal.id, SEED.benYoung.id);
    assert.ok(calls > 0);
    await w.resolver.idle();
    assert.ok(w.resolver.lastSync(ORG), "the background sync recorded itself");
    const cached = await w.callsDuring(() => w.resolver.resolve(ORG, text("sarah.young")));
    assert.equal(one(cached.result).principal.id, SEED.sarahYoung.id);
    assert.equal(cached.calls, 0);
  });

  test("an empty cache with VB365 down is unavailable, not 'no match'", async (t) => {
    const w = await world();
    t.after(() => w.close());
    w.sim.faults.failNext(1_000, 503);
    const result = await w.resolver.resolve(ORG, text("ben.young"));
    assert.equal(result.kind, "unavailable");
    assert.ok(result.kind === "unavailable" && result.error.describe().includes("503"));
    await w.resolver.idle();
    assert.equal(w.resolver.lastSync(ORG), undefined, "the background sync failed too");
  });

  test("a stale cache asks VB365 first, and answers from the cache when VB365 is down", async (t) => {
    const w = await world();
    t.after(() => w.close());
    await w.resolver.syncDirectory(ORG);
    w.clock.advance(25 * HOUR);
    const stale = await w.callsDuring(() => w.resolver.resolve(ORG, text("ben.young")));
    assert.equal(one(stale.result).principal.id, SEED.benYoung.id);
    assert.ok(stale.calls > 0, "VB365 was asked because the cache is a day old");
    await w.resolver.idle();
    assert.deepEqual(w.resolver.lastSync(ORG)?.syncedAt, w.clock.now(), "and the cache was refreshed");

    w.clock.advance(25 * HOUR);
    w.sim.faults.failNext(1_000, 503);
    t.after(() => w.sim.faults.reset());
    assert.equal(one(await w.resolver.resolve(ORG, text("ben.young"))).principal.id, SEED.benYoung.id);
  });

  test("a sync that fails half way leaves the last directory answering, and drops what it wrote", async (t) => {
    let failing = false;
    // Asking for the second page of users fails at once, while the first is still being stored:
    // the sync asks for the next page before working through the one in hand.
    const userPages = async function* (this: VboClient, organizationId: string, options?: PageOptions) {
      for await (const page of this.userPages(organizationId, options)) {
        yield page;
        if (failing) throw new Error("connection reset");
      }
    };
    const w = await world(
      {},
      {
        syncPageSize: 5,
        wrap: (client) =>
          overriding(client, {
            userPages: (organizationId, options) => userPages.call(client, organizationId, options),
          }),
      },
    );
    t.after(() => w.close());
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    t.after(() => process.off("unhandledRejection", onUnhandled));

    const first = await w.resolver.syncDirectory(ORG);
    const rows = new DirectoryRepository(w.db);
    const cached = rows.count(ORG);
    assert.equal(cached, first.users + first.groups);
    w.clock.advance(HOUR);
    failing = true;
    await assert.rejects(w.resolver.syncDirectory(ORG), /connection reset/);
    await w.resolver.idle();
    assert.deepEqual(w.resolver.lastSync(ORG)?.syncedAt, first.syncedAt);
    assert.equal(rows.count(ORG), cached);
    const { result, calls } = await w.callsDuring(() => w.resolver.resolve(ORG, text("ben.young")));
    assert.equal(one(result).principal.id, SEED.benYoung.id);
    assert.equal(calls, 0);
    assert.equal(rows.purge(10), false, "the half-written copy is gone");
    assert.deepEqual(unhandled, []);
  });

  test("a re-sync replaces the directory, and a restart reads the new one", async (t) => {
    const w = await world({}, { syncPageSize: 5 });
    t.after(() => w.close());
    await w.resolver.syncDirectory(ORG);
    const id = w.sim.control.addUser(ORG, { name: "zara.quill@vbridge.co.nz", displayName: "Zara Quill" });
    w.clock.advance(HOUR);
    const again = await w.resolver.syncDirectory(ORG);
    await w.resolver.idle();
    const rows = new DirectoryRepository(w.db);
    assert.equal(rows.count(ORG), again.users + again.groups);
    assert.equal(rows.purge(10), false, "the old copy is gone");
    for (const resolver of [w.resolver, w.restart()]) {
      const { result, calls } = await w.callsDuring(() => resolver.resolve(ORG, text("zara quill")));
      assert.equal(one(result).principal.id, id);
      assert.equal(calls, 0);
    }
  });

  test("two syncs at once read the directory once", async (t) => {
    const w = await world();
    t.after(() => w.close());
    const before = w.sim.stats.count("GET", /\/Users$/i);
    const [a, b] = await Promise.all([w.resolver.syncDirectory(ORG), w.resolver.syncDirectory(ORG)]);
    assert.equal(a, b);
    assert.equal(w.sim.stats.count("GET", /\/Users$/i) - before, 1);
  });
});
