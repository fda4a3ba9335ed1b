import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import type { DirectoryEntry } from "../../src/core/directory/entry.ts";
import { silentLogger } from "../../src/logger.ts";
import { openDatabase } from "../../src/store/db.ts";
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

describe("DirectoryRepository", () => {
  test("a new database has no directory and no sync", (t) => {
    const { repo } = open(t);
    assert.deepEqual(repo.load(ORG), []);
    assert.equal(repo.count(ORG), 0);
    assert.equal(repo.lastSync(ORG), undefined);
    assert.deepEqual(repo.syncs(), []);
  });

  test("a sync's entries come back as written, with the sync recorded", (t) => {
    const { repo } = open(t);
    const entries = [
      aUser(1, { msid: "9b0f5e8e-0000-4000-8000-000000000001" }),
      aUser(2, { subtype: "Shared" }),
      aUser(3, { subtype: undefined }),
      aGroup(1),
      aGroup(2, { name: "" }),
    ];
    const syncedAt = new Date("2025-03-04T05:06:07.000Z");
    repo.replace(ORG, entries, { syncedAt, durationMs: 1234.4 });
    assert.deepEqual(
      byKey(repo.load(ORG)),
      byKey(entries.map(({ subtype, ...rest }) => (subtype ? { ...rest, subtype } : rest))),
    );
    assert.deepEqual(repo.lastSync(ORG), {
      organizationId: ORG,
      syncedAt,
      users: 3,
      groups: 2,
      durationMs: 1234,
    });
  });

  test("a second sync replaces the organization's rows and leaves other organizations alone", (t) => {
    const { repo } = open(t);
    repo.replace(ORG, [aUser(1), aUser(2)], { syncedAt: new Date("2025-03-04T00:00:00Z"), durationMs: 5 });
    repo.replace(OTHER_ORG, [aUser(9)], { syncedAt: new Date("2025-03-04T00:00:00Z"), durationMs: 5 });
    const later = new Date("2025-03-05T00:00:00Z");
    repo.replace(ORG, [aUser(2, { displayName: "Person Two" }), aUser(3)], {
      syncedAt: later,
      durationMs: 7,
    });
    assert.deepEqual(
      byKey(repo.load(ORG)).map((e) => e.displayName),
      ["Person Two", "Person 3"],
    );
    assert.equal(repo.count(OTHER_ORG), 1);
    assert.deepEqual(repo.lastSync(ORG)?.syncedAt, later);
    assert.deepEqual(
      repo.syncs().map((s) => s.organizationId),
      [ORG, OTHER_ORG].sort(),
    );
  });

  test("a sync that fails half way changes nothing", (t) => {
    const { repo } = open(t);
    const first = new Date("2025-03-04T00:00:00Z");
    repo.replace(ORG, [aUser(1), aUser(2)], { syncedAt: first, durationMs: 5 });
    // The type CHECK refuses the third row, after two rows of the new sync were written.
    const broken = { ...aUser(5), type: "Team" } as unknown as DirectoryEntry;
    assert.throws(() =>
      repo.replace(ORG, [aUser(3), aUser(4), broken], {
        syncedAt: new Date("2025-03-05T00:00:00Z"),
        durationMs: 5,
      }),
    );
    assert.deepEqual(
      byKey(repo.load(ORG)).map((e) => e.id),
      [aUser(1).id, aUser(2).id],
    );
    assert.deepEqual(repo.lastSync(ORG)?.syncedAt, first);
  });

  test("upsert adds and updates by id without counting as a sync", (t) => {
    const { repo } = open(t);
    const syncedAt = new Date("2025-03-04T00:00:00Z");
    repo.replace(ORG, [aUser(1), aGroup(1)], { syncedAt, durationMs: 5 });
    repo.upsert(ORG, [aUser(1, { displayName: "Renamed" }), aUser(2)], new Date("2025-03-04T10:00:00Z"));
    const loaded = byKey(repo.load(ORG));
    assert.deepEqual(
      loaded.map((e) => [e.id, e.displayName]),
      [
        [aGroup(1).id, "Group 1"],
        [aUser(1).id, "Renamed"],
        [aUser(2).id, "Person 2"],
      ],
    );
    assert.deepEqual(repo.lastSync(ORG)?.syncedAt, syncedAt);
  });

  test("upsert of a user re-created under a new id drops the old row with its UPN", (t) => {
    const { repo } = open(t);
    repo.upsert(ORG, [aUser(1), aGroup(1, { name: "person.1@vbridge.co.nz" })], new Date());
    repo.upsert(ORG, [aUser(1, { id: "new-id", name: "Person.1@VBRIDGE.co.nz" })], new Date());
    assert.deepEqual(
      byKey(repo.load(ORG)).map((e) => e.id),
      [aGroup(1).id, "new-id"],
      "the group sharing the address is another principal and stays",
    );
  });

  test("the cache survives reopening the database file", (t) => {
    const first = open(t);
    first.repo.replace(ORG, [aUser(1), aGroup(1)], {
      syncedAt: new Date("2025-03-04T00:00:00Z"),
      durationMs: 5,
    });
    first.db.close();
    const again = open(t, first.path);
    assert.equal(again.repo.count(ORG), 2);
    assert.equal(again.repo.lastSync(ORG)?.users, 1);
  });

  test("inside a caller's transaction, a rollback undoes the upsert", (t) => {
    const { db, repo } = open(t);
    assert.throws(() =>
      db.transaction(() => {
        repo.upsert(ORG, [aUser(1)], new Date());
        throw new Error("caller failed");
      })(),
    );
    assert.equal(repo.count(ORG), 0);
  });
});
