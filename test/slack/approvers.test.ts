import assert from "node:assert/strict";
import { describe, type TestContext, test } from "node:test";
import { createApprovers, createViewers } from "../../src/slack/approvers.ts";
import { BOSS, DEPUTY, REQUESTER, STRANGER } from "../support/actors.ts";
import { ManualClock, MINUTE } from "../support/clock.ts";
import { recordingLogger } from "../support/logger.ts";
import { startFakeSlack, webClientFor } from "../support/slack.ts";

const GROUP = "S0APPROVERS";

async function world(t: TestContext) {
  const fake = await startFakeSlack(t, { usergroups: { [GROUP]: [DEPUTY] } });
  const clock = new ManualClock();
  const logs = recordingLogger();
  const approvers = createApprovers({
    web: webClientFor(fake),
    config: { approverUserIds: [BOSS], approverUsergroupId: GROUP },
    clock,
    logger: logs,
    cacheMs: 5 * MINUTE,
    retryMs: 30_000,
  });
  return { fake, clock, logs, approvers };
}

describe("approvers", () => {
  test("the configured ids and the user group's members may approve; nobody else", async (t) => {
    const { approvers } = await world(t);
    assert.equal(await approvers.isApprover(BOSS), true);
    assert.equal(await approvers.isApprover(DEPUTY), true);
    assert.equal(await approvers.isApprover(STRANGER), false);
    assert.deepEqual((await approvers.members()).sort(), [BOSS, DEPUTY].sort());
  });

  test("the group is read once for many checks, and again after the cache time", async (t) => {
    const { fake, clock, approvers } = await world(t);
    await Promise.all([approvers.isApprover(DEPUTY), approvers.isApprover(STRANGER), approvers.members()]);
    assert.equal(fake.callsTo("usergroups.users.list").length, 1);
    fake.setUsergroup(GROUP, [DEPUTY, REQUESTER]);
    assert.equal(await approvers.isApprover(REQUESTER), false, "still cached");
    clock.advance(6 * MINUTE);
    assert.equal(await approvers.isApprover(REQUESTER), true);
    assert.equal(fake.callsTo("usergroups.users.list").length, 2);
  });

  test("Slack failing: the group's members are not approvers until it answers again (logged); configured ids still are", async (t) => {
    const { fake, clock, approvers, logs } = await world(t);
    fake.failNext("usergroups.users.list", "ratelimited", { retryAfter: 1 });
    assert.equal(await approvers.isApprover(DEPUTY), false);
    assert.equal(await approvers.isApprover(BOSS), true);
    assert.ok(logs.lines.some((l) => l.level === "error" && /approver user group/.test(l.msg)));
    clock.advance(31_000);
    assert.equal(await approvers.isApprover(DEPUTY), true);
  });

  test("without a user group, Slack is never asked", async (t) => {
    const fake = await startFakeSlack(t);
    const approvers = createApprovers({
      web: webClientFor(fake),
      config: { approverUserIds: [BOSS] },
      clock: new ManualClock(),
      logger: recordingLogger(),
    });
    assert.equal(await approvers.isApprover(STRANGER), false);
    assert.deepEqual(await approvers.members(), [BOSS]);
    assert.equal(fake.callsTo("usergroups.users.list").length, 0);
  });
});

describe("viewers", () => {
  test("the configured ids and the viewer group's members; nobody extra while Slack cannot be asked", async (t) => {
    const fake = await startFakeSlack(t, { usergroups: { S0VIEWERS: [DEPUTY] } });
    const clock = new ManualClock();
    const logs = recordingLogger();
    const viewers = createViewers({
      web: webClientFor(fake),
      config: { viewerUserIds: [REQUESTER], viewerUsergroupId: "S0VIEWERS" },
      clock,
      logger: logs,
    });
    assert.equal(await viewers.isViewer(REQUESTER), true);
    assert.equal(await viewers.isViewer(DEPUTY), true);
    assert.equal(await viewers.isViewer(STRANGER), false);
    assert.equal(await viewers.isViewer(BOSS), false, "approving is the core's rule, not this set's");

    fake.setUsergroup("S0VIEWERS", [DEPUTY, STRANGER]);
    clock.advance(6 * MINUTE);
    fake.failNext("usergroups.users.list", "ratelimited", { retryAfter: 1 });
    assert.equal(await viewers.isViewer(DEPUTY), false, "Slack failing: the group counts as empty");
    assert.equal(await viewers.isViewer(REQUESTER), true, "configured ids still count");
    assert.ok(logs.lines.some((l) => l.level === "error" && /viewer user group/.test(l.msg)));
    clock.advance(31_000);
    assert.equal(await viewers.isViewer(STRANGER), true, "read again once Slack answers");
  });
});
