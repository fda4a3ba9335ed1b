/** Digests and per-organization audit snapshots on real SQLite with the real migrations. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AuditEntry } from "../../src/core/digest/build.ts";
import { tempStore } from "../support/store.ts";

const org = { id: "6f144e6f-7f59-475f-8e1d-1bfa0b6bb020", name: "vBridge" };
const t0 = new Date("2026-11-25T09:00:00.000Z");
const entry = (name: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
  key: `User:${name}`,
  type: "User",
  id: `id-${name}`,
  name,
  displayName: name.split("@")[0] ?? name,
  auditItemId: `item-${name}`,
  ...over,
});

describe("digest records and snapshots", () => {
  test("the latest digest is the one gathered last", (t) => {
    const digests = tempStore(t).digests;
    assert.equal(digests.latest(), undefined);
    const base = {
      trigger: "scheduled" as const,
      requestedBy: null,
      channel: "C0DIGEST",
      messageTs: ["1.0"],
    };
    digests.record({
      ...base,
      period: "2026-11-24T09:00",
      gatheredAt: new Date("2026-11-24T09:00:00Z"),
      postedAt: t0,
    });
    const manual = digests.record({
      ...base,
      period: "manual:x",
      trigger: "manual",
      requestedBy: "U1",
      gatheredAt: new Date("2026-11-24T15:00:00Z"),
      postedAt: t0,
      messageTs: ["2.0", "3.0"],
    });
    assert.deepEqual(digests.latest(), manual);
    assert.deepEqual(
      digests.list().map((d) => d.period),
      ["manual:x", "2026-11-24T09:00"],
    );
  });

  test("a snapshot is replaced as a whole, duplicates collapse, and organizations are remembered", (t) => {
    const digests = tempStore(t).digests;
    assert.equal(digests.snapshot(org.id), undefined);
    digests.replaceSnapshot(org, t0, [entry("a@x"), entry("b@x", { msid: "m-b" }), entry("a@x")], null);
    const first = digests.snapshot(org.id);
    assert.deepEqual(
      first?.entries.map((e) => [e.key, e.msid ?? null]),
      [
        ["User:a@x", null],
        ["User:b@x", "m-b"],
      ],
    );
    const later = new Date(t0.getTime() + 86_400_000);
    digests.replaceSnapshot({ ...org, name: "vBridge Ltd" }, later, [entry("c@x")], null);
    const second = digests.snapshot(org.id);
    assert.deepEqual(
      second?.entries.map((e) => e.key),
      ["User:c@x"],
    );
    assert.deepEqual(second?.takenAt, later);
    assert.deepEqual(digests.snapshotOrganizations(), [{ id: org.id, name: "vBridge Ltd", takenAt: later }]);
  });
});
