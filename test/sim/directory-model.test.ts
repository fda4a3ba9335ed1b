import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Directory, GeneratedUsers } from "../../src/sim/directory.ts";
import {
  canonicalId,
  deterministicUuid,
  equivalentId,
  parseSidBase64,
  sidEncoder,
  sidString,
  ZERO_GUID,
} from "../../src/sim/ids.ts";
import { nameMatcher } from "../../src/sim/match.ts";
import { SEED } from "../../src/sim/types.ts";

const VBRIDGE = [618314618, 3237736183, 2430691227] as const;

describe("ids", () => {
  test("Ben Young's id is his msid, a zero GUID and the SID of VBRIDGE\\ben.young", () => {
    const id = SEED.benYoung.id;
    assert.equal(id.slice(36, 72), ZERO_GUID);
    const sid = parseSidBase64(id.slice(72));
    assert.ok(sid);
    assert.equal(sidString(sid.domain, sid.rid), "S-1-5-21-618314618-3237736183-2430691227-2190");
    assert.equal(sidEncoder(VBRIDGE)(2190), id.slice(72));
  });

  test("the SID encoder agrees with a plain binary encoding for any RID", () => {
    const encode = sidEncoder([1, 4_000_000_000, 77]);
    for (const rid of [0, 1, 255, 256, 65_535, 65_536, 16_777_216, 2_147_483_648, 4_294_967_295]) {
      const b = Buffer.alloc(28);
      b.set([1, 5, 0, 0, 0, 0, 0, 5]);
      [21, 1, 4_000_000_000, 77, rid].forEach((v, k) => {
        b.writeUInt32LE(v, 8 + 4 * k);
      });
      assert.equal(encode(rid), b.toString("base64url"), `rid ${rid}`);
      assert.equal(parseSidBase64(encode(rid))?.rid, rid);
    }
  });

  test("canonical ids ignore the case of GUIDs but not of the base64 SID", () => {
    const upper = equivalentId(SEED.benYoung.id);
    assert.notEqual(upper, SEED.benYoung.id);
    assert.equal(upper.slice(36), SEED.benYoung.id.slice(36));
    assert.equal(canonicalId(upper), SEED.benYoung.id);
    const sidCase = SEED.benYoung.id.slice(0, 72) + SEED.benYoung.id.slice(72).toLowerCase();
    assert.notEqual(canonicalId(sidCase), SEED.benYoung.id);
  });

  test("deterministic UUIDs are stable, distinct and shaped like version 4", () => {
    const seen = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      const uuid = deterministicUuid(7, n);
      assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(uuid);
    }
    assert.equal(seen.size, 20_000);
    assert.equal(deterministicUuid(7, 123), deterministicUuid(7, 123));
    assert.notEqual(deterministicUuid(7, 123), deterministicUuid(8, 123));
  });
});

describe("generated users", () => {
  const spec = { count: 60_000, seed: 42, domain: "vbridge.co.nz", sid: VBRIDGE, ridBase: 10_000 };
  const gen = new GeneratedUsers(spec);

  test("every user is found again by UPN and by id, without a table", () => {
    for (let i = 0; i < spec.count; i += 997) {
      const user = gen.at(i);
      assert.equal(gen.indexOfName(user.name), i, user.name);
      assert.equal(gen.indexOfId(user.id), i, user.id);
      assert.equal(user.msid, user.id.slice(0, 36));
    }
  });

  test("near misses are not users", () => {
    const user = gen.at(30_000);
    assert.match(user.name, /2@vbridge\.co\.nz$/, "the second round of names is numbered");
    for (const upn of [
      user.name.replace("2@", "02@"),
      user.name.replace("2@", "1@"),
      user.name.replace("2@", "9@"),
      user.name.replace("@vbridge.co.nz", "@contoso.com"),
      "ben.young@vbridge.co.nz",
      "nobody",
      ".@vbridge.co.nz",
    ]) {
      assert.equal(gen.indexOfName(upn), undefined, upn);
    }
    assert.equal(gen.indexOfId(gen.at(5).id.replace(/.$/, "B")), undefined);
    assert.equal(
      new GeneratedUsers({ ...spec, count: 10 }).indexOfId(gen.at(20).id),
      undefined,
      "beyond count",
    );
    assert.equal(
      new GeneratedUsers({ ...spec, sid: [1, 2, 3] }).indexOfId(gen.at(5).id),
      undefined,
      "another domain",
    );
  });

  test("no generated user is Ben Young, but Young is a common surname", () => {
    const young: string[] = [];
    for (let i = 0; i < spec.count; i++) {
      const name = gen.displayNameAt(i);
      assert.notEqual(name, "Ben Young");
      assert.ok(!gen.upnAt(i).startsWith("ben.young"));
      if (name.endsWith(" Young")) young.push(name);
    }
    assert.ok(new Set(young).size > 100);
  });

  test("a directory lists added users first, then generated ones, and finds both", () => {
    const dir = new Directory({ ...spec, count: 100 });
    dir.addUser({
      id: SEED.benYoung.id,
      name: SEED.benYoung.name,
      displayName: SEED.benYoung.displayName,
      type: "User",
      locationType: "Hybrid",
      msid: SEED.benYoung.id.slice(0, 36),
    });
    const all = dir.queryUsers({});
    assert.equal(all.length, 101);
    assert.equal(dir.userAt(all[0] ?? -1).name, SEED.benYoung.name);
    assert.equal(dir.userById(equivalentId(SEED.benYoung.id))?.name, SEED.benYoung.name);
    assert.equal(dir.ordinalByName("BEN.YOUNG@vbridge.co.nz"), all[0]);
    assert.throws(() => dir.addUser({ ...dir.userAt(0) }), /already exists/);
    assert.deepEqual(
      [...dir.queryUsers({ displayName: "ben young", location: "Cloud" })],
      [],
      "Ben is Hybrid",
    );
  });
});

describe("name filters", () => {
  test("wildcards, case, and characters that mean something in a regular expression", () => {
    assert.ok(nameMatcher("ben*")("Ben Young"));
    assert.ok(nameMatcher("*YOUNG")("Ben Young"));
    assert.ok(nameMatcher("B?n Young")("Ben Young"));
    assert.ok(!nameMatcher("B?n")("Bean"));
    assert.ok(nameMatcher("ben young")("BEN YOUNG"));
    assert.ok(!nameMatcher("ben")("Ben Young"), "no wildcard: equality");
    assert.ok(nameMatcher("O'Brien (IT)*")("o'brien (it) admin"));
    assert.ok(!nameMatcher("a.c")("abc"));
    assert.ok(nameMatcher("*")(""));
  });
});
