/** The access watcher's memory on real SQLite: sessions seen, sessions to revisit, alerts posted. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tempStore } from "../support/store.ts";

const t0 = new Date("2025-03-11T10:00:00.000Z");
const later = (ms: number) => new Date(t0.getTime() + ms);
const session = (id: string, state = "Stopped") => ({
  sessionId: id,
  organization: "vBridge",
  creationTime: new Date("2025-03-11T09:42:00Z"),
  state,
});

describe("access watch repository", () => {
  test("sessions are keyed case-insensitively and remember what was seen", (t) => {
    const repo = tempStore(t).access;
    repo.saveSession({ ...session("ABC-1"), fingerprint: "fp1", eventCount: 5 }, t0);
    const seen = repo.session("abc-1");
    assert.equal(seen?.fingerprint, "fp1");
    assert.equal(seen?.eventCount, 5);
    assert.equal(seen?.failures, 0);
  });

  test("Working and failed sessions are revisited; stopped ones and long-unseen ones are not", (t) => {
    const repo = tempStore(t).access;
    repo.saveSession({ ...session("working", "Working"), fingerprint: "w", eventCount: 1 }, t0);
    repo.saveSession({ ...session("stopped"), fingerprint: "s", eventCount: 1 }, t0);
    const failed = repo.markFailed(session("failed"), t0);
    assert.equal(failed.failures, 1);
    assert.equal(repo.markFailed(session("failed"), later(60_000)).failures, 2);
    assert.deepEqual(
      repo
        .toRevisit(later(-1))
        .map((s) => s.sessionId)
        .sort(),
      ["failed", "working"],
    );
    assert.deepEqual(
      repo.toRevisit(later(30_000)).map((s) => s.sessionId),
      ["failed"],
    );
    // A successful examination clears the failures.
    repo.saveSession({ ...session("failed"), fingerprint: "f", eventCount: 2 }, later(120_000));
    assert.equal(repo.session("failed")?.failures, 0);
    assert.deepEqual(
      repo.toRevisit(later(-1)).map((s) => s.sessionId),
      ["working"],
    );
  });

  test("an alert is recorded once per session and its updates are kept", (t) => {
    const repo = tempStore(t).access;
    const alert = {
      sessionId: "S1",
      organizationId: "org",
      organizationName: "vBridge",
      channel: "C0ALERTS",
      ts: "1.000",
      contentHash: "h1",
      itemCount: 5,
      postedAt: t0,
    };
    repo.recordAlert(alert);
    assert.throws(() => repo.recordAlert(alert), /UNIQUE|PRIMARY/);
    repo.recordAlertUpdate("s1", "h2", 6, later(1000));
    assert.deepEqual(repo.alert("s1"), {
      ...alert,
      sessionId: "s1",
      contentHash: "h2",
      itemCount: 6,
      updatedAt: later(1000),
    });
  });

  test("pruning forgets old sessions that were never alerted", (t) => {
    const repo = tempStore(t).access;
    repo.saveSession({ ...session("quiet"), fingerprint: "q", eventCount: 1 }, t0);
    repo.saveSession({ ...session("alerted"), fingerprint: "a", eventCount: 1 }, t0);
    repo.recordAlert({
      sessionId: "alerted",
      organizationId: null,
      organizationName: null,
      channel: "C",
      ts: "1",
      contentHash: "h",
      itemCount: 1,
      postedAt: t0,
    });
    assert.equal(repo.prune(later(1000)), 1);
    assert.equal(repo.session("quiet"), undefined);
    assert.ok(repo.session("alerted"));
  });

  test("an account is named from the directory cache only when exactly one user fits", (t) => {
    const store = tempStore(t);
    const repo = store.access;
    const entry = (id: string, name: string, displayName: string) => ({
      type: "User" as const,
      id,
      name,
      displayName,
    });
    store.directory.insert(
      "org",
      [
        entry("1", "simon.service@vbridge.co.nz", "simon service"),
        entry("2", "tom.baker@vbridge.co.nz", "Tom Baker"),
        entry("3", "tom.baker@contractors.vbridge.co.nz", "Tom Baker (contractor)"),
        entry("4", "a_b@vbridge.co.nz", "Underscore"),
        entry("5", "axb@vbridge.co.nz", "Not underscore"),
      ],
      t0,
    );
    assert.equal(repo.displayNameOf("org", "Simon.Service"), "simon service");
    assert.equal(repo.displayNameOf("org", "tom.baker"), undefined);
    assert.equal(repo.displayNameOf("org", "a_b"), "Underscore");
    assert.equal(repo.displayNameOf("other-org", "simon.service"), undefined);
    // A sync writing its own copy of the same users does not make anyone ambiguous.
    store.directory.beginSync("org").append([entry("1", "simon.service@vbridge.co.nz", "simon service")], t0);
    assert.equal(repo.displayNameOf("org", "simon.service"), "simon service");
  });
});
