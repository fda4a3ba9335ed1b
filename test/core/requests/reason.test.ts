import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { reasonWithoutRestOfName } from "../../../src/core/requests/reason.ts";

describe("reasonWithoutRestOfName", () => {
  test("the words that finish the display name leave the reason", () => {
    assert.equal(reasonWithoutRestOfName("Executive Team", "Executive", "Team case closed"), "case closed");
    assert.equal(
      reasonWithoutRestOfName("Executive Leadership Team", "Executive", "Leadership Team legal hold #4411"),
      "legal hold #4411",
    );
    assert.equal(reasonWithoutRestOfName("Ben Young", "Ben", "Young"), undefined, "nothing left");
  });

  test("word by word, ignoring case and accents; the reason's own text is kept as typed", () => {
    assert.equal(
      reasonWithoutRestOfName("Executive Team", "executive", "TEAM  Case  Closed "),
      "Case  Closed",
    );
    assert.equal(reasonWithoutRestOfName("José Núñez", "jose", "Nunez on leave"), "on leave");
    assert.equal(reasonWithoutRestOfName("Ben Young", "Ben", "\tYoung\nlegal hold"), "legal hold");
  });

  test("a typed prefix of the first word, or several typed words, still start the name", () => {
    assert.equal(reasonWithoutRestOfName("Executive Team", "Exec", "Team case closed"), "case closed");
    assert.equal(reasonWithoutRestOfName("Mary Anne Smith", "Mary Anne", "Smith moved"), "moved");
    assert.equal(reasonWithoutRestOfName("Mary Anne Smith", "Mary An", "Smith moved"), "moved");
  });

  test("only the whole rest of the name counts, never part of it", () => {
    assert.equal(
      reasonWithoutRestOfName("Executive Leadership Team", "Executive", "Leadership review"),
      "Leadership review",
    );
    assert.equal(
      reasonWithoutRestOfName("Executive Team", "Executive", "Teams migration"),
      "Teams migration",
    );
    assert.equal(reasonWithoutRestOfName("Executive Team", "Executive", "case closed"), "case closed");
  });

  test("a typed name that is not the start of the display name changes nothing", () => {
    assert.equal(
      reasonWithoutRestOfName("Executive Team", "executive.team", "Team case closed"),
      "Team case closed",
    );
    assert.equal(reasonWithoutRestOfName("Executive Team", "Team", "Team case closed"), "Team case closed");
    assert.equal(reasonWithoutRestOfName("Mary Anne Smith", "Anne", "Smith moved"), "Smith moved");
    assert.equal(reasonWithoutRestOfName("Ben Young", "Ben Young", "Young legal"), "Young legal");
    assert.equal(reasonWithoutRestOfName("Executive Team", "", "Team"), "Team");
  });

  test("no reason stays no reason", () => {
    assert.equal(reasonWithoutRestOfName("Executive Team", "Executive", undefined), undefined);
    assert.equal(reasonWithoutRestOfName("Executive Team", "Executive", ""), "");
  });
});
