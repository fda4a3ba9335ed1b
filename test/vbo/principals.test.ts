import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { embeddedPrincipalId, findAuditItem, principalKey, samePrincipal } from "../../src/vbo/principals.ts";
import type { AuditItem } from "../../src/vbo/schemas.ts";

const ben = { type: "User" as const, id: "fafba54d-AQUAAAAA", name: "ben.young@vbridge.co.nz" };
/** A v6/v7 group without mail: VB365 sends `name: null`, so only its id tells it. */
const LEGAL_ID =
  "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d00000000-0000-0000-0000-000000000000AQUAAAAAAAUVAAAAervaJPfu";
const legal = { type: "Group" as const, id: LEGAL_ID, name: null };

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

  test("the msid of one side alone falls back to the ids and the name", () => {
    assert.equal(samePrincipal({ ...ben, msid: "abc" }, { ...ben, msid: null }), true);
    const msid = "fafba54d-7ec0-4066-b96d-13be036200f8";
    assert.equal(
      samePrincipal({ type: "User", msid, name: null }, { type: "User", id: `${msid}${"0".repeat(8)}` }),
      true,
      "the msid is the Entra object id a composite id starts with",
    );
  });

  test("the same id is the same principal, also after a rename; other ids and names are others", () => {
    assert.equal(samePrincipal(ben, { ...ben, name: "ben.young-renamed@vbridge.co.nz" }), true);
    assert.equal(
      samePrincipal(ben, { type: "User", id: "9e7d6c5b-other", name: "simon.service@vbridge.co.nz" }),
      false,
    );
  });

  test("a user is never a group", () => {
    assert.equal(samePrincipal(ben, { ...ben, type: "Group" }), false);
  });

  test("a group without mail: its ids decide, whatever the case of their GUIDs", () => {
    assert.equal(samePrincipal(legal, { type: "Group", id: LEGAL_ID.toUpperCase() }), true);
    // The bot names a mail-less group by its display name; that name is not an identity.
    assert.equal(
      samePrincipal({ type: "Group", id: "0b0b0b0b-other", name: "Legal" }, { ...legal, name: "Legal" }),
      false,
    );
    assert.equal(samePrincipal({ type: "Group", name: "" }, { type: "Group", name: "" }), false);
  });
});

describe("audit item ids", () => {
  test("embed the principal's id after the item's own GUID", () => {
    assert.equal(embeddedPrincipalId(`8c7b6a59-4837-4261-9f0e-d1c2b3a4f5e6${LEGAL_ID}`), LEGAL_ID);
    assert.equal(embeddedPrincipalId("8c7b6a59-4837-4261-9f0e-d1c2b3a4f5e6"), undefined);
    assert.equal(embeddedPrincipalId("item-1"), undefined);
  });
});

describe("principalKey", () => {
  test("an address, else the id: the same for every form of a mail-less group's id", () => {
    assert.equal(principalKey({ name: "Ben.Young@vbridge.co.nz", id: "x" }), "ben.young@vbridge.co.nz");
    assert.equal(principalKey({ name: "Legal", id: LEGAL_ID }), principalKey({ name: null, id: LEGAL_ID }));
    assert.equal(principalKey({ name: null, id: LEGAL_ID.toUpperCase() }), `id:${LEGAL_ID.toLowerCase()}`);
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
    // As VB365 lists it: the GUIDs upper-cased, the item id ending in the group's id.
    {
      id: `8C7B6A59-4837-4261-9F0E-D1C2B3A4F5E6${LEGAL_ID}`,
      type: "Group",
      group: { id: LEGAL_ID.toUpperCase(), name: null, displayName: "Legal" },
    },
  ];

  test("finds the item of the right type by UPN", () => {
    assert.equal(findAuditItem(items, ben)?.id, "item-2");
    assert.equal(findAuditItem(items, { ...ben, type: "Group" })?.id, "item-1");
  });

  test("finds a group without mail by its id, as /Groups spells it", () => {
    assert.equal(
      findAuditItem(items, { type: "Group", id: LEGAL_ID, name: "Legal" })?.group?.displayName,
      "Legal",
    );
  });

  test("finds it by the id embedded in the item id when the item's group carries another form", () => {
    const embeddedOnly: AuditItem[] = [
      {
        id: `8c7b6a59-4837-4261-9f0e-d1c2b3a4f5e6${LEGAL_ID}`,
        type: "Group",
        group: { id: "opaque-other-form" },
      },
    ];
    assert.ok(findAuditItem(embeddedOnly, { type: "Group", id: LEGAL_ID, name: "Legal" }));
  });

  test("answers undefined for someone not audited", () => {
    assert.equal(findAuditItem(items, { type: "User", id: "x", name: "nobody@vbridge.co.nz" }), undefined);
    assert.equal(findAuditItem(items, { type: "Group", id: "0b0b0b0b-x", name: "Legal" }), undefined);
  });
});
