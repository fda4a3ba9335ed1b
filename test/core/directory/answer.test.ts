import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { answerFrom, suggestionsFrom, toCandidate } from "../../../src/core/directory/answer.ts";
import type { DirectoryEntry } from "../../../src/core/directory/entry.ts";
import { DirectoryIndex } from "../../../src/core/directory/search-index.ts";

const user = (
  id: string,
  displayName: string,
  name: string,
  over: Partial<DirectoryEntry> = {},
): DirectoryEntry => ({
  type: "User",
  id,
  name,
  displayName,
  ...over,
});

const ben = user("ben", "Ben Young", "ben.young@vbridge.co.nz", {
  msid: "0b1c2d3e-0000-4000-8000-00000000b001",
  subtype: "User",
});
const youngs = Array.from({ length: 30 }, (_, i) =>
  user(`young-${i}`, `Person${i} Young`, `p${i}.young@vbridge.co.nz`),
);
const finance: DirectoryEntry = {
  type: "Group",
  id: "fin",
  name: "",
  displayName: "Finance",
  subtype: "Security",
};
const index = DirectoryIndex.from([ben, ...youngs, finance]);
const limits = { maxCandidates: 25 };

describe("answerFrom", () => {
  test("one match is the principal, with how it matched", () => {
    const answer = answerFrom(index, { kind: "text", value: "ben.young" }, limits);
    assert.equal(answer.kind, "one");
    assert.deepEqual(answer.kind === "one" && answer.principal, {
      type: "User",
      id: "ben",
      name: "ben.young@vbridge.co.nz",
      displayName: "Ben Young",
      msid: "0b1c2d3e-0000-4000-8000-00000000b001",
    });
    assert.equal(answer.kind === "one" && answer.match, "localPart");
    assert.equal(answer.kind === "one" && answer.subtype, "User");
  });

  test("many matches are capped but counted, best first", () => {
    const answer = answerFrom(index, { kind: "quoted", value: "young" }, limits);
    assert.equal(answer.kind, "many");
    if (answer.kind !== "many") return;
    assert.equal(answer.total, 31);
    assert.equal(answer.candidates.length, 25);
    assert.equal(new Set(answer.candidates.map((c) => c.principal.id)).size, 25);
    assert.deepEqual(
      answer.candidates.map((c) => c.principal.displayName),
      index
        .lookup("young")
        .slice(0, 25)
        .map((m) => m.entry.displayName),
    );
  });

  test("an address only matches a UPN, whichever kind carries it", () => {
    for (const kind of ["email", "memberEmail", "text"] as const) {
      assert.equal(answerFrom(index, { kind, value: "BEN.YOUNG@vbridge.co.nz" }, limits).kind, "one", kind);
      assert.equal(answerFrom(index, { kind, value: "ben.young@gmail.example" }, limits).kind, "miss", kind);
    }
  });

  test("nothing typed, or nothing known, is a miss", () => {
    assert.equal(answerFrom(index, { kind: "text", value: "   " }, limits).kind, "miss");
    assert.equal(answerFrom(index, { kind: "text", value: "nobody.here" }, limits).kind, "miss");
    assert.equal(
      answerFrom(DirectoryIndex.from([]), { kind: "text", value: "ben.young" }, limits).kind,
      "miss",
    );
  });

  test("a group without a mail is named by its display name", () => {
    const answer = answerFrom(index, { kind: "text", value: "Finance" }, limits);
    assert.equal(answer.kind, "one");
    assert.deepEqual(answer.kind === "one" && answer.principal, {
      type: "Group",
      id: "fin",
      name: "Finance",
      displayName: "Finance",
    });
  });
});

describe("suggestionsFrom", () => {
  test("an address on another domain suggests the same local part first", () => {
    const suggestions = suggestionsFrom(index, { kind: "memberEmail", value: "ben.young@vbridge.com" }, 5);
    assert.equal(suggestions[0]?.principal.id, "ben");
    assert.equal(suggestions[0]?.match, "localPart");
    assert.equal(new Set(suggestions.map((s) => s.principal.id)).size, suggestions.length, "each once");
  });

  test("a typo suggests the closest names, at most the limit", () => {
    const suggestions = suggestionsFrom(index, { kind: "text", value: "ben.yuong" }, 3);
    assert.equal(suggestions[0]?.principal.id, "ben");
    assert.ok(suggestions.length <= 3);
    assert.ok(suggestions.every((s) => s.match === "fuzzy"));
  });

  test("no limit or nothing typed suggests nothing", () => {
    assert.deepEqual(suggestionsFrom(index, { kind: "text", value: "ben.yuong" }, 0), []);
    assert.deepEqual(suggestionsFrom(index, { kind: "text", value: " " }, 5), []);
  });

  test("toCandidate leaves out what the entry does not have", () => {
    const candidate = toCandidate({ entry: user("x", "X", "x@y.z"), kind: "upn" });
    assert.deepEqual(candidate, {
      principal: { type: "User", id: "x", name: "x@y.z", displayName: "X" },
      match: "upn",
    });
  });
});
