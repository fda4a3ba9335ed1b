import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSimulator } from "../../src/sim/server.ts";
import { SEED, type SimRestoreSessionInit } from "../../src/sim/types.ts";
import type { ChangeFeed, Page, RestoreSession, RestoreSessionEvent } from "../../src/vbo/schemas.ts";
import { startSimulator } from "../support/simulator.ts";
import { session } from "./helpers.ts";

const org = SEED.organization.id;
const exportId = SEED.restoreSessions.benExport;

const aSession = (overrides: Partial<SimRestoreSessionInit> = {}): SimRestoreSessionInit => ({
  organizationId: org,
  initiatedBy: "VBRIDGE\\tom.baker",
  creationTime: "2030-01-02T10:00:00Z",
  endTime: "2030-01-02T10:05:00Z",
  events: [
    { type: "View", itemName: "Minutes", startTime: "2030-01-02T10:01:00Z", userId: SEED.benYoung.id },
  ],
  ...overrides,
});

describe("restore sessions", () => {
  test("the seeded export: simon service exports 5 items of Ben Young's mailbox to C:\\export", async (t) => {
    const sim = await startSimulator(t);
    const v6 = await session(sim, "v6");
    const s = (await v6.get(`RestoreSessions/${exportId}`)).json<RestoreSession>();
    assert.equal(s.initiatedBy, "VBRIDGE\\simon.service");
    assert.equal(s.type, "Vex");
    assert.equal(s.clientHost, "VBO-PROXY01");
    assert.equal(s.organization, "vBridge");
    assert.equal(s.creationTime, "2025-03-11T09:42:00.000Z");
    assert.match(s.endTime ?? "", /^2025-03-11T09:44:/);
    assert.equal(s.scopeName, SEED.benYoung.name);
    const events = (await v6.get(`RestoreSessions/${exportId}/Events`)).json<Page<RestoreSessionEvent>>()
      .results;
    assert.equal(events.length, 5);
    for (const e of events) {
      assert.equal(e.type, "Export");
      assert.equal(e.target, "C:\\export");
      assert.match(e.source ?? "", /^Ben Young\\/);
      assert.equal("userId" in e, false, "before v8 only names tell whose data it was");
    }
    assert.deepEqual(
      events.map((e) => e.order),
      [1, 2, 3, 4, 5],
    );
  });

  test("v8 events name the organization and the user whose data they touched", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const events = (await v8.get(`RestoreSessions/${exportId}/Events`)).json<Page<RestoreSessionEvent>>()
      .results;
    assert.ok(events.every((e) => e.userId === SEED.benYoung.id && e.organizationId === org));
    const sarah = (await v8.get(`RestoreSessions/${SEED.restoreSessions.sarahView}/Events`)).json<
      Page<RestoreSessionEvent>
    >().results;
    assert.deepEqual(
      sarah.map((e) => [e.type, e.userId]),
      [
        ["View", SEED.sarahYoung.id],
        ["Restore", SEED.sarahYoung.id],
      ],
    );
    assert.equal((await v8.get(`RestoreSessions/${exportId}`)).json<RestoreSession>().eTag, 1);
  });

  test("startTimeFrom/startTimeTo filter on creation time, newest first; a bad date is a 400", async (t) => {
    const sim = await startSimulator(t);
    const v7 = await session(sim, "v7");
    const ids = async (q: string) =>
      (await v7.get(`RestoreSessions${q}`)).json<Page<RestoreSession>>().results.map((s) => s.id);
    assert.deepEqual(await ids(""), [
      SEED.restoreSessions.priyaOneDrive,
      SEED.restoreSessions.sarahView,
      SEED.restoreSessions.benExport,
    ]);
    assert.deepEqual(await ids("?startTimeFrom=2025-03-11T00:00:00Z&startTimeTo=2025-03-11T12:00:00Z"), [
      exportId,
    ]);
    assert.deepEqual(await ids("?startTimeFrom=2025-03-11T09:42:00Z&startTimeTo=2025-03-11T09:42:00Z"), [
      exportId,
    ]);
    assert.deepEqual(await ids("?startTimeFrom=2025-03-13T00:00:00Z"), []);
    assert.equal((await v7.get("RestoreSessions?startTimeFrom=soon")).status, 400);
    const page = (await v7.get("RestoreSessions?limit=2&startTimeFrom=2025-01-01T00:00:00Z")).json<
      Page<RestoreSession>
    >();
    assert.match(page._links?.next?.href ?? "", /offset=2&limit=2&startTimeFrom=2025-01-01/);
  });

  test("v8 also filters on end time and sorts either way", async (t) => {
    const sim = await startSimulator(t);
    sim.control.addRestoreSession(aSession({ id: "0a0a0a0a-0000-4000-8000-000000000001", endTime: null }));
    const v8 = await session(sim, "v8");
    const ids = async (q: string) =>
      (await v8.get(`RestoreSessions${q}`)).json<Page<RestoreSession>>().results.map((s) => s.id);
    assert.deepEqual(await ids("?orderAsc=true"), [
      SEED.restoreSessions.benExport,
      SEED.restoreSessions.sarahView,
      SEED.restoreSessions.priyaOneDrive,
      "0a0a0a0a-0000-4000-8000-000000000001",
    ]);
    assert.deepEqual(await ids("?endTimeFrom=2025-03-11T13:00:00Z&endTimeTo=2025-03-12T00:00:00Z"), [
      SEED.restoreSessions.sarahView,
    ]);
    assert.equal(
      (await ids("?endTimeFrom=2025-01-01T00:00:00Z")).length,
      3,
      "a running session has no end yet",
    );
    assert.equal((await v8.get("RestoreSessions?orderBy=Name")).status, 400);
  });

  test("events are paged; new events raise the session's eTag", async (t) => {
    const sim = await startSimulator(t);
    const id = sim.control.addRestoreSession(aSession());
    sim.control.addRestoreEvents(id, [
      { type: "Export", itemName: "A", startTime: "2030-01-02T10:02:00Z" },
      { type: "Save", itemName: "B", startTime: "2030-01-02T10:03:00Z", status: "Failed" },
    ]);
    const v8 = await session(sim, "v8");
    assert.equal((await v8.get(`RestoreSessions/${id}`)).json<RestoreSession>().eTag, 2);
    const page = (await v8.get(`RestoreSessions/${id}/Events?limit=2&offset=1`)).json<
      Page<RestoreSessionEvent>
    >();
    assert.deepEqual(
      page.results.map((e) => [e.itemName, e.type, e.status, e.order]),
      [
        ["A", "Export", "Success", 2],
        ["B", "Save", "Failed", 3],
      ],
    );
    assert.equal((await v8.get("RestoreSessions/0b0b0b0b-1c1c-4d4d-8e8e-9f9f9f9f9f9f")).status, 404);
    assert.equal((await v8.get("RestoreSessions/not-a-session")).status, 400);
  });
});

describe("the v8 change feed", () => {
  test("from=latest gives the current token and nothing else; a token then reads what came after", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const latest = (await v8.get("Events?from=latest")).json<ChangeFeed>();
    assert.deepEqual(latest.results, []);
    const id = sim.control.addRestoreSession(aSession());
    sim.control.addRestoreEvents(id, [{ type: "Export", itemName: "A", startTime: "2030-01-02T10:02:00Z" }]);
    const feed = (await v8.get(`Events?from=${latest.nextChangeToken}`)).json<ChangeFeed>();
    assert.deepEqual(feed.results, [
      { eventType: "RestoreSessionUpdate", id, eTag: 1 },
      { eventType: "RestoreSessionUpdate", id, eTag: 2 },
    ]);
    const limited = (await v8.get(`Events?from=${latest.nextChangeToken}&limit=1`)).json<ChangeFeed>();
    assert.equal(limited.results.length, 1);
    const rest = (await v8.get(`Events?from=${limited.nextChangeToken}`)).json<ChangeFeed>();
    assert.deepEqual(
      rest.results.map((c) => c.eTag),
      [2],
    );
    const quiet = (await v8.get(`Events?from=${feed.nextChangeToken}`)).json<ChangeFeed>();
    assert.deepEqual(quiet.results, []);
    assert.equal(quiet.nextChangeToken, feed.nextChangeToken);
  });

  test("a long poll answers as soon as a session changes", async (t) => {
    const sim = await startSimulator(t);
    const v8 = await session(sim, "v8");
    const { nextChangeToken } = (await v8.get("Events?from=latest")).json<ChangeFeed>();
    const waiting = v8.get(`Events?from=${nextChangeToken}&timeoutSeconds=30`);
    // Once the server has counted the poll it is parked (nothing in between yields): what changes
    // now is what it returns, long before its timeout.
    while (sim.stats.count("GET", /\/v8\/Events$/) < 2)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const id = sim.control.addRestoreSession(aSession());
    const feed = (await waiting).json<ChangeFeed>();
    assert.deepEqual(
      feed.results.map((c) => c.id),
      [id],
    );
  });

  test("a token of another server run is outdated; garbage is refused; v7 has no feed", async (t) => {
    const sim = await startSimulator(t);
    const other = await createSimulator({ tokenRateLimit: false });
    t.after(() => other.close());
    const foreign = (await (await session(other, "v8")).get("Events?from=latest")).json<ChangeFeed>();
    const v8 = await session(sim, "v8");
    const outdated = await v8.get(`Events?from=${foreign.nextChangeToken}`);
    assert.equal(outdated.status, 400);
    assert.equal(outdated.json<{ errorCode: string }>().errorCode, "OutdatedChangeToken");
    assert.equal((await v8.get("Events?from=%%%")).status, 400);
    assert.equal((await v8.get("Events")).status, 400);
    assert.equal((await (await session(sim, "v7")).get("Events?from=latest")).status, 404);
  });
});
