import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hashText, ints, PositionTable, TextColumn, WordTable } from "../../../src/core/directory/columns.ts";

describe("PositionTable", () => {
  test("finds, under each hash, exactly the positions added and not removed, through many collisions", () => {
    // Seven hashes for 2,000 positions: long probe runs, wrapping around the table, and removals
    // from the middle of runs, checked against a plain map after every step.
    const hashes = new Map<number, number>();
    const table = new PositionTable((p) => hashes.get(p) as number);
    const expected = new Map<number, Set<number>>();
    let seed = 1;
    const random = () => {
      seed = (Math.imul(seed, 48271) >>> 0) % 2147483647;
      return seed / 2147483647;
    };
    const live: number[] = [];
    for (let step = 0; step < 6_000; step++) {
      if (live.length > 0 && random() < 0.4) {
        const p = live.splice(Math.floor(random() * live.length), 1)[0] as number;
        table.remove(p);
        expected.get(hashes.get(p) as number)?.delete(p);
      } else {
        const p = hashes.size;
        const hash = Math.floor(random() * 7) * 0x10001 - 3;
        hashes.set(p, hash);
        table.add(p);
        live.push(p);
        if (!expected.has(hash)) expected.set(hash, new Set());
        expected.get(hash)?.add(p);
      }
      if (step % 97 === 0) {
        for (const [hash, positions] of expected) {
          assert.deepEqual(new Set(table.find(hash)), positions, `hash ${hash} at step ${step}`);
        }
      }
    }
    assert.equal(table.size, live.length);
    assert.deepEqual(table.find(12345), []);
  });

  test("removing a position that is not there changes nothing", () => {
    const table = new PositionTable(() => 1);
    table.add(0);
    table.remove(5);
    assert.deepEqual(table.find(1), [0]);
    assert.equal(table.size, 1);
  });
});

describe("columns and hashes", () => {
  test("a column keeps every value it was given as it grows", () => {
    const column = ints();
    for (let i = 0; i < 1_000; i++) column.push(i * 3);
    assert.equal(column.length, 1_000);
    assert.equal(column.at(999), 2_997);
    column.set(5, -1);
    assert.equal(column.data[5], -1);
  });

  test("the hash of a type and an id is the hash of the two in a row", () => {
    assert.equal(hashText("abc", hashText("User")), hashText("Userabc"));
    assert.notEqual(hashText("abc"), hashText("abd"));
  });
});

describe("TextColumn", () => {
  const texts: Array<[string, string]> = [
    ["ben young", "ben.young@vbridge.co.nz"],
    ["ben young", "ben.young@other.example"],
    ["ben", "ben@x"],
    ["benjamin youngblood", "benjamin.youngblood@vbridge.co.nz"],
    ["siobhán o'brien", "siobhan.obrien@vbridge.co.nz"],
    ["søren kierkegaard", "soren@x"],
    ["山田 太郎", "yamada@x"],
    ["", ""],
    ["night shift", ""],
  ];
  const column = new TextColumn();
  for (const [first, second] of texts) column.push(first, second);

  test("gives back each text as written, its two parts joined by NUL", () => {
    for (const [i, [first, second]] of texts.entries())
      assert.equal(column.text(i), `${first}\u0000${second}`);
  });

  test("compares texts in the order of the strings, without decoding them", () => {
    const sign = (n: number) => Math.sign(n);
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < texts.length; j++) {
        const a = column.text(i);
        const b = column.text(j);
        assert.equal(sign(column.compare(i, j)), sign(a < b ? -1 : a > b ? 1 : 0), `${a} / ${b}`);
      }
    }
  });

  test("keeps its texts when trimmed and grown again", () => {
    const grown = new TextColumn();
    for (let i = 0; i < 500; i++) grown.push(`name ${i}`, `user${i}@x`);
    grown.trim();
    grown.push("last", "last@x");
    assert.equal(grown.text(499), "name 499\u0000user499@x");
    assert.equal(grown.text(500), "last\u0000last@x");
  });
});

describe("WordTable", () => {
  test("finds a word from any stretch of text in any case, and only that word", () => {
    const words = new WordTable();
    const young = words.add("Ben YOUNG", 4, 9);
    assert.equal(words.word(young), "young");
    assert.equal(words.find("young"), young);
    assert.equal(words.find("mr.Young."), -1);
    assert.equal(words.find("mr.Young.", 3, 8), young);
    assert.equal(words.find("youngs"), -1);
    assert.equal(words.add("young"), young, "the same word keeps its number");
    for (let i = 0; i < 1_000; i++) words.add(`w${i}`);
    assert.equal(words.size, 1_001);
    assert.equal(words.find("w999"), 1_000);
    assert.equal(words.find("young"), young);
  });
});
