import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hashText } from "../../../src/core/directory/columns.ts";
import type { DirectoryEntry } from "../../../src/core/directory/entry.ts";
import { tokenize } from "../../../src/core/directory/normalize.ts";
import { compareMatches, TopMatches } from "../../../src/core/directory/rank.ts";
import { EntryList } from "../../../src/core/directory/rows.ts";
import { assign, DirectoryIndex } from "../../../src/core/directory/search-index.ts";

let next = 0;
const aUser = (displayName: string, name: string, over: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  type: "User",
  id: `user-${next++}`,
  name,
  displayName,
  subtype: "User",
  ...over,
});
const aGroup = (displayName: string, name: string, over: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  type: "Group",
  id: `group-${next++}`,
  name,
  displayName,
  subtype: "Office365",
  ...over,
});

const ben = aUser("Ben Young", "ben.young@vbridge.co.nz");
const amy = aUser("Amy Young", "amy.young@vbridge.co.nz");
const youngKim = aUser("Young Kim", "young.kim@vbridge.co.nz");
const benjamin = aUser("Benjamin Youngblood", "benjamin.youngblood@vbridge.co.nz");
const ken = aUser("Ken Young", "ken.young@vbridge.co.nz");
const siobhan = aUser("Siobhán O'Brien", "siobhan.obrien@vbridge.co.nz");
const simon = aUser("simon service", "simon.service@vbridge.co.nz", { subtype: "Shared" });
const outsider = aUser("Ben Young", "ben.young@other.example", { id: "other-ben" });
const finance = aGroup("Finance", "finance@vbridge.co.nz");
const executives = aGroup("Executive Team", "executive.team@vbridge.co.nz", { subtype: "Security" });
const plainGroup = aGroup("Night Shift", "");
const directory = [
  ben,
  amy,
  youngKim,
  benjamin,
  ken,
  siobhan,
  simon,
  outsider,
  finance,
  executives,
  plainGroup,
];

const ids = (matches: Array<{ entry: DirectoryEntry }>) => matches.map((m) => m.entry.id);

/** An index over entries in an array, and fresher entries added to both as the resolver adds them. */
function updatable(entries: DirectoryEntry[]) {
  const list = new EntryList();
  const index = new DirectoryIndex(list);
  const upsert = (more: DirectoryEntry[]) => index.add(more, list.append(more));
  upsert(entries);
  return { index, upsert };
}

describe("DirectoryIndex lookups", () => {
  const index = DirectoryIndex.from(directory);

  test("an address matches its UPN exactly, whatever the case", () => {
    const found = index.lookup("Ben.Young@VBRIDGE.co.nz");
    assert.deepEqual(ids(found), [ben.id]);
    assert.equal(found[0]?.kind, "upn");
  });

  test("an address that is not a UPN matches nothing, even when its local part would", () => {
    assert.deepEqual(index.lookup("ben.young@elsewhere.example"), []);
  });

  test("a local part matches every user with it, and only by local part", () => {
    const found = index.lookup("BEN.YOUNG");
    assert.deepEqual(new Set(ids(found)), new Set([ben.id, outsider.id]));
    assert.ok(found.every((m) => m.kind === "localPart"));
  });

  test("display-name words match in any order and case, with any separator", () => {
    for (const typed of ["Young Ben", "BEN YOUNG", "ben_young", "young-ben"]) {
      const found = index.lookup(typed);
      assert.deepEqual(new Set(ids(found)), new Set([ben.id, outsider.id]), typed);
      assert.ok(
        found.every((m) => m.kind === "name"),
        typed,
      );
    }
  });

  test("the exact word order ranks before a reordering of the same words", () => {
    const reordered = aUser("Kim Young", "kim.young@vbridge.co.nz");
    const found = DirectoryIndex.from([youngKim, reordered]).lookup("young kim");
    assert.deepEqual(ids(found), [youngKim.id, reordered.id]);
    assert.ok((found[0]?.score ?? 0) < (found[1]?.score ?? 0));
  });

  test("one word of many names: every name holding it, whole words only", () => {
    const found = index.lookup("young");
    assert.deepEqual(new Set(ids(found)), new Set([ben.id, amy.id, youngKim.id, ken.id, outsider.id]));
    assert.ok(found.every((m) => m.kind === "tokens"));
    assert.ok(!ids(found).includes(benjamin.id), "Youngblood is not the word Young");
  });

  test("word prefixes match when no whole word does, closest first", () => {
    const found = index.lookup("ben you");
    assert.ok(found.length > 0);
    assert.ok(found.every((m) => m.kind === "prefix"));
    assert.deepEqual(new Set(ids(found)), new Set([ben.id, outsider.id, benjamin.id]));
    assert.equal(found.at(-1)?.entry.id, benjamin.id, "Benjamin Youngblood needs the most letters added");
  });

  test("groups by display name and by name", () => {
    assert.deepEqual(ids(index.lookup("Finance")), [finance.id]);
    assert.deepEqual(ids(index.lookup("finance@vbridge.co.nz")), [finance.id]);
    assert.deepEqual(ids(index.lookup("Executive Team")), [executives.id]);
    assert.deepEqual(ids(index.lookup("team executive")), [executives.id]);
    assert.deepEqual(ids(index.lookup("executive")), [executives.id]);
    assert.deepEqual(ids(index.lookup("night shift")), [plainGroup.id]);
  });

  test("accents and apostrophes do not have to be typed", () => {
    assert.deepEqual(ids(index.lookup("siobhan obrien")), [siobhan.id]);
    assert.deepEqual(ids(index.lookup("Siobhán O'Brien")), [siobhan.id]);
  });

  test("nothing typed matches nothing", () => {
    assert.deepEqual(index.lookup("  "), []);
    assert.deepEqual(index.lookup("..."), []);
    assert.deepEqual(index.search("", 10), { matches: [], total: 0 });
  });

  test("an unknown name matches nothing", () => {
    assert.deepEqual(index.lookup("zebedee"), []);
  });
});

describe("DirectoryIndex suggestions", () => {
  const index = DirectoryIndex.from(directory);

  test("a transposed letter suggests the name, closest first", () => {
    const found = index.suggest("ben.yuong", 5);
    assert.ok(found.length > 0 && found.length <= 5);
    assert.ok(found.every((m) => m.kind === "fuzzy"));
    assert.ok([ben.id, outsider.id].includes(found[0]?.entry.id ?? ""));
    const kenAt = ids(found).indexOf(ken.id);
    assert.ok(kenAt === -1 || kenAt > ids(found).indexOf(ben.id), "two edits rank after one");
  });

  test("a missing separator is found by splitting the word", () => {
    const found = index.suggest("benyoung", 5);
    assert.equal(found[0]?.entry.displayName, "Ben Young");
    assert.equal(
      found.filter((m) => m.entry.displayName === "Ben Young").length,
      1,
      "one Ben Young of the two",
    );
  });

  test("a typo in a group name", () => {
    assert.deepEqual(ids(index.suggest("Finanse", 5)), [finance.id]);
  });

  test("at most the limit, and nothing for what is too far away", () => {
    assert.ok(index.suggest("young", 2).length <= 2);
    assert.deepEqual(index.suggest("qqqqqqqq", 5), []);
    assert.deepEqual(index.suggest("ben young", 0), []);
  });
});

describe("DirectoryIndex search and updates", () => {
  test("search ranks every kind of match, each entry once, and counts them all", () => {
    const index = DirectoryIndex.from(directory);
    const { matches, total } = index.search("young", 3);
    assert.equal(matches.length, 3);
    assert.equal(total, index.search("young", 100).matches.length);
    const all = index.search("young", 100).matches;
    assert.equal(new Set(ids(all)).size, all.length);
    assert.ok(ids(all).includes(benjamin.id), "prefix matches are listed too");
    assert.ok(ids(all).indexOf(benjamin.id) > ids(all).indexOf(amy.id), "after whole words");
  });

  test("search falls back to the closest names", () => {
    const { matches } = DirectoryIndex.from(directory).search("ben yuong", 5);
    assert.ok(matches.length > 0 && matches.every((m) => m.kind === "fuzzy"));
  });

  test("users rank before groups on an equal match", () => {
    const financeGroup = aGroup("Finance", "fin-team@vbridge.co.nz");
    const financeMailbox = aUser("Finance", "accounts@vbridge.co.nz", { subtype: "Shared" });
    const found = DirectoryIndex.from([financeGroup, financeMailbox]).lookup("finance");
    assert.deepEqual(ids(found), [financeMailbox.id, financeGroup.id]);
  });

  test("a local part outranks a display name", () => {
    const financeMailbox = aUser("Finance", "accounts@vbridge.co.nz", { subtype: "Shared" });
    const found = DirectoryIndex.from([finance, financeMailbox]).lookup("finance");
    assert.deepEqual(ids(found), [finance.id]);
    assert.equal(found[0]?.kind, "localPart");
  });

  test("upsert replaces an entry with the same id, and forgets its old names", () => {
    const { index, upsert } = updatable(directory);
    upsert([{ ...amy, displayName: "Amy Stone", name: "amy.stone@vbridge.co.nz" }]);
    assert.equal(index.size, directory.length);
    assert.deepEqual(index.lookup("amy.young"), []);
    assert.deepEqual(ids(index.lookup("amy stone")), [amy.id]);
    assert.ok(!ids(index.lookup("young")).includes(amy.id));
  });

  test("a user re-created under a new id replaces the old one with the same UPN", () => {
    const { index, upsert } = updatable(directory);
    upsert([{ ...ken, id: "ken-again" }]);
    assert.equal(index.size, directory.length);
    assert.deepEqual(ids(index.lookup("ken.young@vbridge.co.nz")), ["ken-again"]);
  });

  test("new words are found by prefix and typo after an upsert", () => {
    const { index, upsert } = updatable(directory);
    assert.deepEqual(index.lookup("zebed"), []);
    const zeb = aUser("Zebedee Quartermain", "zebedee.q@vbridge.co.nz");
    upsert([zeb]);
    assert.deepEqual(ids(index.lookup("zebed")), [zeb.id]);
    assert.deepEqual(ids(index.suggest("zebedea quartermain", 5)), [zeb.id]);
  });

  test("an upsert returns the rows of the entries it replaced, for the store to drop", () => {
    const list = new EntryList();
    const index = new DirectoryIndex(list);
    const rows = list.append([ben, amy, finance]);
    assert.deepEqual(index.add([ben, amy, finance], rows), []);
    const fresher = [
      { ...amy, displayName: "Amy Stone" },
      { ...ben, id: "ben-again" },
    ];
    assert.deepEqual(index.add(fresher, list.append(fresher)), [rows[1], rows[0]]);
    assert.equal(index.size, 3);
  });

  test("entries whose ids, UPNs or local parts share a hash stay apart", () => {
    // Each pair has the same 32-bit hash (found by search): only the stored entry tells them apart.
    const user = hashText("User");
    assert.equal(hashText("id-412998", user), hashText("id-1166960", user));
    assert.equal(hashText("u31992@x.example"), hashText("u605430@x.example"));
    assert.equal(hashText("l49"), hashText("l320752"));
    const { index, upsert } = updatable([
      aUser("Key One", "key.one@x.example", { id: "id-412998" }),
      aUser("Key Two", "key.two@x.example", { id: "id-1166960" }),
      aUser("Upn One", "u31992@x.example"),
      aUser("Upn Two", "u605430@x.example"),
      aUser("Local One", "l49@x.example"),
      aUser("Local Two", "l320752@y.example"),
    ]);
    assert.equal(index.size, 6);
    assert.deepEqual(upsert([aUser("Key One Renamed", "key.one@x.example", { id: "id-412998" })]).length, 1);
    assert.deepEqual(
      index.lookup("key").map((m) => m.entry.displayName),
      ["Key One Renamed", "Key Two"],
    );
    assert.deepEqual(
      index.exact("u31992@x.example").map((m) => m.entry.displayName),
      ["Upn One"],
    );
    assert.deepEqual(
      index.byLocalPart("l320752").map((m) => m.entry.displayName),
      ["Local Two"],
    );
    assert.deepEqual(
      index.lookup("l49").map((m) => m.entry.displayName),
      ["Local One"],
    );
  });

  test("an index trimmed once built still answers, and takes new entries", () => {
    const { index, upsert } = updatable(directory);
    index.trim();
    assert.deepEqual(ids(index.lookup("ben.young@vbridge.co.nz")), [ben.id]);
    const zeb = aUser("Zebedee Quartermain", "zebedee.q@vbridge.co.nz");
    upsert([zeb]);
    index.trim();
    assert.deepEqual(ids(index.lookup("zebedee quartermain")), [zeb.id]);
    assert.equal(index.size, directory.length + 1);
  });

  test("the most common UPN domains of users come first", () => {
    assert.deepEqual(DirectoryIndex.from(directory).domains(2), ["vbridge.co.nz", "other.example"]);
  });

  test("entries lists what is indexed", () => {
    assert.deepEqual(
      new Set(
        ids(
          DirectoryIndex.from(directory)
            .entries()
            .map((entry) => ({ entry })),
        ),
      ),
      new Set(ids(directory.map((entry) => ({ entry })))),
    );
  });
});

describe("assign", () => {
  test("finds a pairing that a greedy choice would miss", () => {
    const prefix = (q: string, t: string) => (t.startsWith(q) ? t.length - q.length : -1);
    assert.equal(assign(["a", "ab"], ["ab", "ac"], prefix), 1);
    assert.equal(assign(["a", "ab"], ["ab"], prefix), -1);
  });
});

/**
 * The index against a plain scan of every entry that follows the same rules: the tiers must hold
 * exactly the same entries, for queries taken from a generated directory.
 */
describe("DirectoryIndex agrees with a full scan", () => {
  const first = ["Ben", "Amy", "Kim", "Young", "Ana", "Bea", "Benji", "Ken"];
  const last = ["Young", "Younger", "Smith", "Kim", "Stone", "Ng", "Benson"];
  const generated: DirectoryEntry[] = [];
  const upns = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const f = first[i % first.length]!;
    const l = last[Math.floor(i / first.length) % last.length]!;
    // The first of each name gets the plain address, like a real tenant; the rest a number.
    let upn = `${f}.${l}@corp.example`.toLowerCase();
    if (upns.has(upn)) upn = `${f}.${l}${i}@corp.example`.toLowerCase();
    upns.add(upn);
    generated.push(aUser(`${f} ${l}`, upn));
  }
  const index = DirectoryIndex.from(generated);

  const namesOf = (entry: DirectoryEntry) => [
    tokenize(entry.displayName),
    tokenize(entry.name.split("@")[0]!),
  ];
  const everyWordIn = (query: string[], name: string[], fits: (q: string, t: string) => boolean) => {
    const free = [...name];
    return [...query]
      .sort((a, b) => b.length - a.length)
      .every((q) => {
        const at = free.findIndex((t) => fits(q, t));
        if (at < 0) return false;
        free.splice(at, 1);
        return true;
      });
  };
  const scan = (text: string): Set<string> => {
    const lower = text.toLowerCase();
    const words = tokenize(text);
    const tiers: Array<(e: DirectoryEntry) => boolean> = [
      (e) => e.name === lower,
      (e) => e.name.split("@")[0] === lower,
      (e) => namesOf(e).some((n) => n.length === words.length && everyWordIn(words, n, (q, t) => q === t)),
      (e) => namesOf(e).some((n) => everyWordIn(words, n, (q, t) => q === t)),
      (e) => namesOf(e).some((n) => everyWordIn(words, n, (q, t) => t.startsWith(q))),
    ];
    for (const tier of tiers) {
      const hits = generated.filter(tier);
      if (hits.length > 0) return new Set(hits.map((e) => e.id));
    }
    return new Set();
  };

  const queries = new Set<string>();
  for (const entry of generated.filter((_, i) => i % 7 === 0)) {
    const [f, l] = entry.displayName.split(" ") as [string, string];
    const local = entry.name.split("@")[0]!;
    for (const q of [
      entry.name,
      local,
      `${l} ${f}`,
      l,
      f.slice(0, 2),
      `${f.slice(0, 3)} ${l.slice(0, 2)}`,
      local.slice(0, 5),
    ]) {
      queries.add(q);
    }
  }

  test(`the same entries for ${queries.size} queries`, () => {
    let found = 0;
    for (const q of queries) {
      const expected = scan(q);
      assert.deepEqual(new Set(ids(index.lookup(q))), expected, q);
      if (expected.size > 0) found++;
    }
    assert.equal(found, queries.size, "every query was taken from an entry, so each finds one");
  });
});

describe("lookupTop and TopMatches", () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    aUser(`Person${(i * 37) % 60} Young`, `p${i}.young@corp.example`),
  );
  const index = DirectoryIndex.from(many);

  test("the best few of many are the first few of the full ranking, and all are counted", () => {
    const full = index.lookup("young");
    for (const limit of [1, 5, 25, 100]) {
      const top = index.lookupTop("young", limit);
      assert.equal(top.total, full.length);
      assert.deepEqual(ids(top.matches), ids(full.slice(0, limit)), `limit ${limit}`);
    }
  });

  test("TopMatches keeps order whatever order matches arrive in", () => {
    const matches = index.lookup("young");
    const reversed = new TopMatches(7, compareMatches);
    for (const m of [...matches].reverse()) reversed.add(m);
    assert.deepEqual(ids(reversed.matches()), ids(matches.slice(0, 7)));
    assert.equal(reversed.total, matches.length);
    const unbounded = new TopMatches(Number.POSITIVE_INFINITY, compareMatches);
    for (const m of [...matches].reverse()) unbounded.add(m);
    assert.deepEqual(ids(unbounded.matches()), ids(matches));
    assert.ok(
      matches.every((m, i) => i === 0 || compareMatches(matches[i - 1]!, m) <= 0),
      "lookup is sorted",
    );
  });

  test("suggestions name different people, not the same name five times", () => {
    const twins = [aUser("Ben Young", "ben.young@a.example"), aUser("Ben Young", "ben.young@b.example")];
    const other = aUser("Bev Young", "bev.young@a.example");
    const found = DirectoryIndex.from([...twins, other]).suggest("ben yuong", 5);
    assert.deepEqual(
      found.map((m) => m.entry.displayName),
      ["Ben Young", "Bev Young"],
    );
  });
});
