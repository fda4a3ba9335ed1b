import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findAuditItem, samePrincipal } from "../../src/vbo/principals.ts";
import type { AuditItem } from "../../src/vbo/schemas.ts";

const ben = { type: "User" as const, id: "fafba54d-AQUAAAAA", name: "ben.young@vbridge.co.nz" };

describe("samePrincipal", () => {
  test("matches a UPN whatever its case, even when the ids differ", () => {
    assert.equal(
      samePrincipal(ben, { type: "User", id: "other-form-of-id", name: "BEN.Young@vbridge.co.nz" }),
      true,
    );
  });

  test("an msid on both sides decides, over the name", () => {
    const a = { ...ben, msid: "2E6D1C3A-0000-4000-8000-000000000001" };
    assert.equal(samePrincipal(a, { ...ben, msid: "2e6d1c3a-0000-4000-8000-000000000001" }), true);
    assert.equal(samePrincipal(a, { ...ben, msid: "2e6d1c3a-0000-4000-8000-000000000002" }), false);
  });

  test("the msid of one side alone falls back to the name", () => {
    assert.equal(samePrincipal({ ...ben, msid: "abc" }, { ...ben, msid: null }), true);
  });

  test("different names are different principals even with identical ids", () => {
    assert.equal(samePrincipal(ben, { ...ben, name: "simon.service@vbridge.co.nz" }), false);
  });

  test("a user is never a group", () => {
    assert.equal(samePrincipal(ben, { ...ben, type: "Group" }), false);
  });

  test("without names, only identical ids match", () => {
    assert.equal(samePrincipal({ type: "Group", id: "g1", name: null }, { type: "Group", id: "g1" }), true);
    assert.equal(samePrincipal({ type: "Group", id: "g1", name: null }, { type: "Group", id: "G1" }), false);
    assert.equal(samePrincipal({ type: "Group", name: "" }, { type: "Group", name: "" }), false);
  });
});

describe("findAuditItem", () => {
  const items: AuditItem[] = [
    {
      id: "item-1",
      type: "Group",
      group: { id: "g", name: "ben.young@vbridge.co.nz", displayName: "Ben's group" },
    },
    { id: "item-2", type: "User", user: { id: "AQUAAAAA-fafba54d", name: "ben.young@vbridge.co.nz" } },
    { id: "item-3", type: "User" },
  ];

  test("finds the item of the right type by UPN", () => {
    assert.equal(findAuditItem(items, ben)?.id, "item-2");
    assert.equal(findAuditItem(items, { ...ben, type: "Group" })?.id, "item-1");
  });

  test("answers undefined for someone not audited", () => {
    assert.equal(findAuditItem(items, { type: "User", id: "x", name: "nobody@vbridge.co.nz" }), undefined);
  });
});
