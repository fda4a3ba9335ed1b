import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import type { DirectoryEntry } from "../../src/core/directory/entry.ts";
import { silentLogger } from "../../src/logger.ts";
import { defaultMigrationsDir, listMigrations, openDatabase } from "../../src/store/db.ts";
import { DirectoryRepository } from "../../src/store/directory.ts";
import { tempDir } from "../support/store.ts";

const ORG = "6f144e6f-7f59-475f-8e1d-1bfa0b6bb020";
const OTHER_ORG = "11111111-2222-3333-4444-555555555555";

const aUser = (n: number, over: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  type: "User",
  id: `user-${n}-AQUAAAAAAAUVAAAAervaJPfu`,
  name: `person.${n}@vbridge.co.nz`,
  displayName: `Person ${n}`,
  subtype: "User",
  ...over,
});
const aGroup = (n: number, over: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  type: "Group",
  id: `group-${n}`,
  name: `group.${n}@vbridge.co.nz`,
  displayName: `Group ${n}`,
  subtype: "Security",
  ...over,
});

function open(t: TestContext, path = join(tempDir(t, "vbo-audit-directory-"), "directory.sqlite")) {
  const db = openDatabase(path, { logger: silentLogger });
  t.after(() => db.close());
  return { db, path, repo: new DirectoryRepository(db) };
}

const byKey = (entries: DirectoryEntry[]) =>
  [...entries].sort((a, b) => `${a.type}${a.id}`.localeCompare(`${b.type}${b.id}`));

/** A whole sync through the writer, as the resolver runs one (without an index: nothing replaced). */
function sync(
  repo: DirectoryRepository,
  org: string,
  entries: DirectoryEntry[],
  syncedAt: Date,
  durationMs = 5,
) {
  const writer = repo.beginSync(org);
  writer.append(entries, syncedAt);
  const users = entries.filter((e) => e.type === "User").length;
  writer.commit({ syncedAt, durationMs, users, groups: entries.length - users });
}

/** Drops every retired copy, as the resolver does a step at a time after a sync. */
function purgeAll(repo: DirectoryRepository): number {
  let steps = 0;
  while (repo.purge(2)) steps++;
  return steps;
}

describe("DirectoryRepository", () => {
  test("a new database has no directory and no sync", (t) => {
    const { repo } = open(t);
    assert.deepEqual(repo.load(ORG), []);
    assert.equal(repo.count(ORG), 0);
    assert.equal(repo.lastSync(ORG), undefined);
    assert.deepEqual(repo.syncs(), []);
    assert.equal(repo.purge(10), false);
  });

  test("a sync's entries come back as written, by organization and by row, with the sync recorded", (t) => {
    const { repo } = open(t);
    const entries = [
      aUser(1, { msid: "9b0f5e8e-0000-4000-8000-000000000001" }),
      aUser(2, { subtype: "Shared" }),
      aUser(3, { subtype: undefined }),
      aGroup(1),
      aGroup(2, { name: "" }),
    ];
    const syncedAt = new Date("2025-03-04T05:06:07.000Z");
    const writer = repo.beginSync(ORG);
    const rows = [
      ...writer.append(entries.slice(0, 2), syncedAt),
      ...writer.append(entries.slice(2), syncedAt),
    ];
    writer.commit({ syncedAt, durationMs: 1234.4, users: 3, groups: 2 });
    const written = entries.map(({ subtype, ...rest }) => (subtype ? { ...rest, subtype } : rest));
    assert.deepEqual(byKey(repo.load(ORG)), byKey(written));
    assert.deepEqual(repo.read(rows), written);
    assert.deepEqual(repo.lastSync(ORG), {
      organizationId: ORG,
      syncedAt,
      users: 3,
      groups: 2,
      durationMs: 1234,
    });
  });

  test("until it commits, a sync's rows are not the organization's; after, the old rows are dropped", (t) => {
    const { repo } = open(t);
    const first = new Date("2025-03-04T00:00:00Z");
    sync(repo, ORG, [aUser(1), aUser(2)], first);
    const oldRows = repo.chunk(ORG, undefined, 10).rows;
    sync(repo, OTHER_ORG, [aUser(9)], first);

    const later = new Date("2025-03-05T00:00:00Z");
    const writer = repo.beginSync(ORG);
    const newRows = writer.append([aUser(2, { displayName: "Person Two" }), aUser(3)], later);
    assert.deepEqual(
      byKey(repo.load(ORG)).map((e) => e.displayName),
      ["Person 1", "Person 2"],
    );
    assert.equal(repo.count(ORG), 2);
    writer.commit({ syncedAt: later, durationMs: 7, users: 2, groups: 0 });

    assert.deepEqual(
      byKey(repo.load(ORG)).map((e) => e.displayName),
      ["Person Two", "Person 3"],
    );
    assert.deepEqual(repo.lastSync(ORG)?.syncedAt, later);
    assert.ok(
      repo.read(oldRows).every((e) => e !== undefined),
      "the old rows wait for the purge",
    );
    assert.ok(purgeAll(repo) >= 1);
    assert.deepEqual(repo.read(oldRows), [undefined, undefined]);
    assert.equal(repo.read(newRows).length, 2);
    assert.equal(repo.count(OTHER_ORG), 1, "other organizations are left alone");
    assert.deepEqual(
      repo.syncs().map((s) => s.organizationId),
      [ORG, OTHER_ORG].sort(),
    );
  });

  test("a sync that fails half way changes nothing, and its rows go with the purge", (t) => {
    const { repo } = open(t);
    const first = new Date("2025-03-04T00:00:00Z");
    sync(repo, ORG, [aUser(1), aUser(2)], first);
    const writer = repo.beginSync(ORG);
    const written = writer.append([aUser(3), aUser(4)], new Date("2025-03-05T00:00:00Z"));
    // The type CHECK refuses the third row, after two rows of the same page were written.
    const broken = { ...aUser(5), type: "Team" } as unknown as DirectoryEntry;
    assert.throws(() => writer.append([aUser(6), aUser(7), broken], new Date("2025-03-05T00:00:00Z")));
    writer.abort();
    assert.deepEqual(
      byKey(repo.load(ORG)).map((e) => e.id),
      [aUser(1).id, aUser(2).id],
    );
    assert.deepEqual(repo.lastSync(ORG)?.syncedAt, first);
    purgeAll(repo);
    assert.deepEqual(repo.read(written), [undefined, undefined]);
    assert.equal(repo.count(ORG), 2);
  });

  test("a copy a crashed process left half-written is retired by the next sync", (t) => {
    const first = open(t);
    const leftover = first.repo.beginSync(ORG).append([aUser(1)], new Date());
    first.db.close();
    const again = open(t, first.path);
    sync(again.repo, ORG, [aUser(2)], new Date());
    purgeAll(again.repo);
    assert.deepEqual(again.repo.read(leftover), [undefined]);
    assert.deepEqual(
      again.repo.load(ORG).map((e) => e.id),
      [aUser(2).id],
    );
  });

  test("insert adds rows to the current copy without counting as a sync, and remove drops rows", (t) => {
    const { repo } = open(t);
    const syncedAt = new Date("2025-03-04T00:00:00Z");
    sync(repo, ORG, [aUser(1), aGroup(1)], syncedAt);
    const [renamed, added] = repo.insert(ORG, [aUser(1, { displayName: "Renamed" }), aUser(2)], new Date());
    assert.deepEqual(
      repo.read([renamed as number, added as number]).map((e) => e?.displayName),
      ["Renamed", "Person 2"],
    );
    const stale = repo.chunk(ORG, undefined, 10).rows.filter((row) => row < (renamed as number));
    repo.remove(stale.slice(0, 1));
    assert.deepEqual(
      byKey(repo.load(ORG)).map((e) => [e.id, e.displayName]),
      [
        [aGroup(1).id, "Group 1"],
        [aUser(1).id, "Renamed"],
        [aUser(2).id, "Person 2"],
      ],
    );
    assert.deepEqual(repo.lastSync(ORG)?.syncedAt, syncedAt);
  });

  test("insert into an organization never synced starts its copy", (t) => {
    const { repo } = open(t);
    repo.insert(ORG, [aUser(1)], new Date());
    assert.equal(repo.count(ORG), 1);
    assert.equal(repo.lastSync(ORG), undefined);
  });

  test("chunk reads the organization's rows a chunk at a time, in row order", (t) => {
    const { repo } = open(t);
    const entries = Array.from({ length: 7 }, (_, i) => aUser(i));
    sync(repo, ORG, entries, new Date());
    sync(repo, OTHER_ORG, [aUser(9)], new Date());
    const chunks: Array<{ rows: number[]; entries: DirectoryEntry[] }> = [];
    for (let after: number | undefined; ; ) {
      const chunk = repo.chunk(ORG, after, 3);
      if (chunk.rows.length === 0) break;
      chunks.push(chunk);
      after = chunk.rows.at(-1);
    }
    assert.deepEqual(
      chunks.map((c) => c.entries.length),
      [3, 3, 1],
    );
    const rows = chunks.flatMap((c) => c.rows);
    assert.deepEqual(
      rows,
      [...rows].sort((a, b) => a - b),
    );
    assert.deepEqual(
      chunks.flatMap((c) => c.entries.map((e) => e.id)),
      entries.map((e) => e.id),
    );
    assert.deepEqual(repo.chunk("never-synced", undefined, 3), { rows: [], entries: [] });
  });

  test("the cache survives reopening the database file", (t) => {
    const first = open(t);
    sync(first.repo, ORG, [aUser(1), aGroup(1)], new Date("2025-03-04T00:00:00Z"));
    first.db.close();
    const again = open(t, first.path);
    assert.equal(again.repo.count(ORG), 2);
    assert.equal(again.repo.lastSync(ORG)?.users, 1);
  });

  test("inside a caller's transaction, a rollback undoes the insert", (t) => {
    const { db, repo } = open(t);
    assert.throws(() =>
      db.transaction(() => {
        repo.insert(ORG, [aUser(1)], new Date());
        throw new Error("caller failed");
      })(),
    );
    assert.equal(repo.count(ORG), 0);
  });

  test("the rows cached before scopes existed are kept, each organization's as its current copy", (t) => {
    const dir = tempDir(t, "vbo-audit-directory-");
    const before = join(dir, "migrations");
    mkdirSync(before);
    for (const m of listMigrations(defaultMigrationsDir()).filter((m) => m.name !== "directory_scopes"))
      copyFileSync(m.path, join(before, basename(m.path)));
    const path = join(dir, "old.sqlite");
    const old = openDatabase(path, { logger: silentLogger, migrationsDir: before });
    const insert = old.prepare(
      `INSERT INTO directory_entries (organization_id, type, id, name, display_name, msid, subtype, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, '2025-03-04T00:00:00.000Z')`,
    );
    insert.run(ORG, "User", "u-1", "person.1@vbridge.co.nz", "Person 1", "m-1", "User");
    insert.run(ORG, "Group", "g-1", "", "Group 1", null, null);
    insert.run(OTHER_ORG, "User", "u-9", "person.9@vbridge.co.nz", "Person 9", null, "Shared");
    old.close();

    const { repo } = open(t, path);
    assert.deepEqual(byKey(repo.load(ORG)), [
      { type: "Group", id: "g-1", name: "", displayName: "Group 1" },
      {
        type: "User",
        id: "u-1",
        name: "person.1@vbridge.co.nz",
        displayName: "Person 1",
        msid: "m-1",
        subtype: "User",
      },
    ]);
    assert.deepEqual(
      repo.load(OTHER_ORG).map((e) => e.id),
      ["u-9"],
    );
    repo.insert(ORG, [aUser(2)], new Date());
    assert.equal(repo.count(ORG), 3);
  });
});
