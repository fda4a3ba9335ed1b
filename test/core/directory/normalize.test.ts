import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  domainOf,
  fold,
  localPart,
  looksLikeAddress,
  tokenize,
} from "../../../src/core/directory/normalize.ts";

describe("normalize", () => {
  test("dots, underscores, hyphens, spaces and case all give the same words", () => {
    for (const typed of ["ben.young", "Ben Young", "BEN YOUNG", "ben_young", "ben-young", "  ben . young "]) {
      assert.deepEqual(tokenize(typed), ["ben", "young"], typed);
    }
  });

  test("word order is kept; the index decides whether it matters", () => {
    assert.deepEqual(tokenize("Young, Ben"), ["young", "ben"]);
  });

  test("accents fold away and apostrophes join", () => {
    assert.equal(fold("José Ñúñez"), "jose nunez");
    assert.deepEqual(tokenize("Siobhán O'Brien"), ["siobhan", "obrien"]);
    assert.deepEqual(tokenize("Zoë O’Neil"), ["zoe", "oneil"]);
  });

  test("letters and digits are separate words", () => {
    assert.deepEqual(tokenize("ben.young2"), ["ben", "young", "2"]);
    assert.deepEqual(tokenize("Room 101B"), ["room", "101", "b"]);
  });

  test("nothing but punctuation has no words", () => {
    assert.deepEqual(tokenize(" .-_ "), []);
  });

  test("local part and domain of an address", () => {
    assert.equal(localPart("Ben.Young@VBridge.co.nz"), "ben.young");
    assert.equal(localPart("ben.young"), undefined);
    assert.equal(localPart("@vbridge.co.nz"), undefined);
    assert.equal(domainOf("Ben.Young@VBridge.co.nz"), "vbridge.co.nz");
    assert.equal(domainOf("ben.young@"), undefined);
  });

  test("an address has one @ and no spaces", () => {
    assert.equal(looksLikeAddress("ben.young@vbridge.co.nz"), true);
    assert.equal(looksLikeAddress(" ben.young@vbridge.co.nz "), true);
    assert.equal(looksLikeAddress("ben.young"), false);
    assert.equal(looksLikeAddress("ben young@vbridge.co.nz"), false);
    assert.equal(looksLikeAddress("a@b@c"), false);
  });
});

describe("tokenize on plain ASCII and on the rest", () => {
  // ASCII names take a faster path than other text: both must split the same way.
  const cases: Array<[string, string[]]> = [
    ["O'Brien-Smith_3rd", ["obrien", "smith", "3", "rd"]],
    ["`quoted`", ["quoted"]],
    ["a1b2", ["a", "1", "b", "2"]],
    ["  007 James  Bond ", ["007", "james", "bond"]],
    ["x", ["x"]],
    ["'", []],
    ["Young,Ben;Jr.", ["young", "ben", "jr"]],
  ];

  test("ASCII text", () => {
    for (const [text, words] of cases) assert.deepEqual(tokenize(text), words, text);
  });

  test("the same text with one accented letter splits alike", () => {
    for (const [text, words] of cases) {
      assert.deepEqual(tokenize(`${text} é`), [...words, "e"], text);
    }
  });
});
