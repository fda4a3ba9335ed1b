/** Pure matching of restore-session events to audited principals, and the alert summary. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  accountDisplayName,
  accountLocalPart,
  buildAccessSummary,
  createAuditedIndex,
  describeAccess,
  idForms,
  touchedBy,
} from "../../../src/core/access/match.ts";
import { ZonedTime } from "../../../src/core/digest/time.ts";
import { SEED } from "../../../src/sim/types.ts";
import type { AuditItem, RestoreSession, RestoreSessionEvent } from "../../../src/vbo/schemas.ts";

const org = SEED.organization;
const ben = SEED.benYoung;
const BEN_MSID = ben.id.slice(0, 36);
/** VB365 may give an audit item's user an id whose GUID part is upper-cased. */
const benInAuditList = `${ben.id.slice(0, 36).toUpperCase()}${ben.id.slice(36)}`;

const benItem: AuditItem = {
  id: "item-ben",
  type: "User",
  user: { id: benInAuditList, name: ben.name, displayName: ben.displayName },
};
const financeItem: AuditItem = {
  id: "item-finance",
  type: "Group",
  group: { id: SEED.groups.finance.id, name: SEED.groups.finance.name, displayName: "Finance" },
};

const session = (over: Partial<RestoreSession> = {}): RestoreSession => ({
  id: "7D1C3A2E-5B4F-4E8A-9C0D-1E2F3A4B5C6D",
  name: `Exchange restore session: ${ben.displayName}`,
  organization: "vBridge",
  type: "Vex",
  creationTime: "2025-03-11T09:42:00Z",
  endTime: "2025-03-11T09:44:12Z",
  state: "Stopped",
  result: "Success",
  initiatedBy: "VBRIDGE\\simon.service",
  clientHost: "VBO-PROXY01",
  reason: "Legal hold request LH-2025-014",
  scopeName: ben.name,
  ...over,
});

let order = 0;
const event = (over: Partial<RestoreSessionEvent> = {}): RestoreSessionEvent => ({
  id: `e${++order}`,
  type: "Export",
  status: "Success",
  itemName: "FW: Board pack March 2025",
  source: "Ben Young\\Inbox",
  target: "C:\\export",
  startTime: "2025-03-11T09:42:05Z",
  endTime: "2025-03-11T09:42:21Z",
  message: "Exported",
  order,
  ...over,
});

describe("id forms", () => {
  test("an id is compared whole and by the Entra object id it starts with, never by the nil GUID", () => {
    assert.deepEqual(idForms(` ${benInAuditList} `), [ben.id.toLowerCase(), BEN_MSID]);
    assert.deepEqual(idForms(SEED.groups.executiveTeam.id.slice(0, 36)), [
      SEED.groups.executiveTeam.id.slice(0, 36),
    ]);
    assert.deepEqual(idForms(`00000000-0000-0000-0000-000000000000${"x".repeat(10)}`), [
      `00000000-0000-0000-0000-000000000000${"x".repeat(10)}`,
    ]);
    assert.deepEqual(idForms(undefined), []);
  });
});

describe("matching events (v8: ids)", () => {
  const index = createAuditedIndex(org, [benItem]);

  test("an event's user id matches the audit item despite another case and form", () => {
    assert.deepEqual(
      touchedBy(session(), event({ userId: ben.id }), index).map((t) => t.displayName),
      ["Ben Young"],
    );
    assert.deepEqual(
      touchedBy(session(), event({ userId: BEN_MSID.toUpperCase() }), index).map((t) => t.displayName),
      ["Ben Young"],
    );
  });

  test("with ids present, names are not used: someone else's data that mentions Ben does not match", () => {
    const e = event({
      userId: SEED.sarahYoung.id,
      itemName: "Ben Young's payslip",
      source: "Sarah Young\\Inbox",
    });
    assert.deepEqual(touchedBy(session({ name: "x", scopeName: "y" }), e, index), []);
  });

  test("members of an audited group match by the id in their link, named with the group", () => {
    const members = new Map([
      ["item-finance", [{ id: SEED.sarahYoung.id, login: SEED.sarahYoung.name, displayName: "Sarah Young" }]],
    ]);
    const withGroup = createAuditedIndex(org, [financeItem], members);
    assert.deepEqual(touchedBy(session(), event({ userId: SEED.sarahYoung.id.toUpperCase() }), withGroup), [
      { type: "User", name: SEED.sarahYoung.name, displayName: "Sarah Young", via: "Finance" },
    ]);
    assert.deepEqual(touchedBy(session(), event({ groupId: SEED.groups.finance.id }), withGroup), [
      { type: "Group", name: SEED.groups.finance.name, displayName: "Finance" },
    ]);
  });
});

describe("matching events (before v8: names)", () => {
  const index = createAuditedIndex(org, [benItem]);
  const anon = { name: "Restore session", scopeName: "" };

  test("the UPN or display name in the session or the event, any case, on word boundaries", () => {
    assert.equal(touchedBy(session(), event(), index).length, 1);
    assert.equal(touchedBy(anon, event({ source: "BEN YOUNG\\Inbox" }), index).length, 1);
    assert.equal(
      touchedBy({ name: "x", scopeName: "BEN.YOUNG@vbridge.co.nz" }, event({ source: "" }), index).length,
      1,
    );
    assert.equal(touchedBy(anon, event({ source: "x", itemName: "Notes for Ben Young." }), index).length, 1);
    assert.equal(touchedBy(anon, event({ source: "Ben Youngblood\\Inbox", itemName: "x" }), index).length, 0);
    assert.equal(
      touchedBy(anon, event({ source: "xben.young@vbridge.co.nz", itemName: "x" }), index).length,
      0,
    );
  });

  test("a group's display name counts only where an owner is named, not in folder or item names", () => {
    const groups = createAuditedIndex(org, [financeItem]);
    const priya = { name: "OneDrive restore session: Priya Patel", scopeName: "priya.patel@vbridge.co.nz" };
    assert.deepEqual(
      touchedBy(
        priya,
        event({ source: "Priya Patel\\OneDrive\\Documents\\Finance", itemName: "Finance plan" }),
        groups,
      ),
      [],
    );
    assert.equal(
      touchedBy({ name: "Exchange restore session: Finance", scopeName: "" }, event({ source: "" }), groups)
        .length,
      1,
    );
    assert.equal(touchedBy(anon, event({ source: "Finance\\Inbox", itemName: "x" }), groups).length, 1);
    assert.equal(
      touchedBy(anon, event({ source: "x", itemName: "mail for finance@vbridge.co.nz" }), groups).length,
      1,
    );
  });

  test("someone audited in their own right is not listed again as a group member", () => {
    const members = new Map([["item-finance", [{ login: ben.name, displayName: ben.displayName }]]]);
    const both = createAuditedIndex(org, [benItem, financeItem], members);
    assert.deepEqual(
      touchedBy(session(), event(), both).map((t) => [t.displayName, t.via]),
      [["Ben Young", undefined]],
    );
    const onlyGroup = createAuditedIndex(org, [financeItem], members);
    assert.deepEqual(
      touchedBy(session(), event(), onlyGroup).map((t) => [t.displayName, t.via]),
      [["Ben Young", "Finance"]],
    );
  });
});

describe("the alert summary", () => {
  const index = createAuditedIndex(org, [benItem]);
  const exported = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      event({
        itemName: `Item ${i + 1}`,
        startTime: `2025-03-11T09:4${2 + Math.floor(i / 3)}:0${i % 10}Z`,
        endTime: `2025-03-11T09:4${2 + Math.floor(i / 3)}:3${i % 10}Z`,
        userId: ben.id,
      }),
    );

  test("one summary per session: initiator, actions, count, items, targets, times, host, principal", () => {
    const events = [...exported(5), event({ type: "None", itemName: "noise", userId: ben.id })];
    const summary = buildAccessSummary({ session: session(), events, indexes: [index] });
    assert.ok(summary);
    assert.equal(summary.sessionId, "7d1c3a2e-5b4f-4e8a-9c0d-1e2f3a4b5c6d");
    assert.equal(summary.initiator.displayName, "simon service");
    assert.deepEqual(summary.actions, ["Export"]);
    assert.equal(summary.itemCount, 5);
    assert.deepEqual(summary.items, ["Item 1", "Item 2", "Item 3", "Item 4", "Item 5"]);
    assert.deepEqual(summary.targets, ["C:\\export"]);
    assert.equal(summary.matchedBy, "ids");
    assert.equal(
      describeAccess(summary, new ZonedTime("UTC")),
      "simon service exported 5 items from Ben Young's mailbox to C:\\export, 11 Mar 2025 09:42–09:43 UTC, from VBO-PROXY01",
    );
  });

  test("several actions and principals read naturally; a directory name wins over the account", () => {
    const sarahItem: AuditItem = {
      id: "item-sarah",
      type: "User",
      user: { id: SEED.sarahYoung.id, name: SEED.sarahYoung.name, displayName: "Sarah Young" },
    };
    const both = createAuditedIndex(org, [benItem, sarahItem]);
    const summary = buildAccessSummary({
      session: session({ initiatedBy: "VBRIDGE\\tom.baker", clientHost: "" }),
      events: [
        event({ type: "View", userId: SEED.sarahYoung.id, target: "" }),
        event({ type: "Restore", userId: ben.id, target: "ben.young@vbridge.co.nz\\Inbox" }),
        event({ type: "Restore", userId: ben.id, target: "C:\\other" }),
      ],
      indexes: [both],
      initiatorName: "Tom Baker",
    });
    assert.ok(summary);
    assert.equal(
      describeAccess(summary, new ZonedTime("UTC")).split(",")[0],
      "Tom Baker viewed and restored 3 items from the mailbox of Sarah Young and Ben Young to ben.young@vbridge.co.nz\\Inbox and 1 other target",
    );
    assert.equal(summary.clientHost, null);
  });

  test("no summary for a session that touches nobody audited", () => {
    const events = [event({ source: "Sarah Young\\Deleted Items", userId: SEED.sarahYoung.id })];
    assert.equal(
      buildAccessSummary({
        session: session({ name: "Exchange restore session: Sarah Young", scopeName: SEED.sarahYoung.name }),
        events,
        indexes: [index],
      }),
      null,
    );
  });

  test("item names are kept bounded", () => {
    const summary = buildAccessSummary({ session: session(), events: exported(40), indexes: [index] });
    assert.equal(summary?.itemCount, 40);
    assert.equal(summary?.items.length, 20);
  });
});

describe("accounts", () => {
  test("a domain account or UPN reads as a name", () => {
    assert.equal(accountLocalPart("VBRIDGE\\simon.service"), "simon.service");
    assert.equal(accountLocalPart("simon.service@vbridge.co.nz"), "simon.service");
    assert.equal(accountDisplayName("VBRIDGE\\simon.service"), "simon service");
    assert.equal(accountDisplayName(""), "someone");
  });
});
