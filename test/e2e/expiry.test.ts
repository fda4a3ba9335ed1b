/**
 * A pending request found past its time-to-live by a click or by a new `/vbo-audit add` is expired
 * on the spot; its approval message must then say so (no buttons left) and the requester be told,
 * once, as when the expiry job finds it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import { HOUR, ShiftedClock } from "../support/clock.ts";
import {
  BOSS,
  clickApprove,
  findButton,
  RITA,
  requestIdOfLatest,
  startWorld,
  textOf,
  type World,
} from "./harness.ts";

async function expiredWorld(t: Parameters<typeof startWorld>[0]) {
  const clock = new ShiftedClock();
  const world = await startWorld(t, { bot: { clock } });
  const answer = await world.ask(RITA, "add ben.young legal hold");
  assert.match(textOf(answer), /posted for approval/);
  const id = requestIdOfLatest(world);
  // Past REQUEST_TTL_HOURS, before the expiry job has run.
  clock.offsetMs = (world.config.approvals.requestTtlHours + 1) * HOUR;
  return { world, id };
}

async function showsExpired(world: World, id: number): Promise<void> {
  const message = await world.waitForApprovalMessage(
    id,
    (text, blocks) => findButton(blocks, ACTION.approve) === undefined && /Expired/.test(text),
  );
  assert.equal(findButton(message.blocks, ACTION.deny), undefined, "no Deny button either");
  assert.ok(textOf(message).includes("*Expired*"));
  assert.equal(world.bot.store.requests.get(id)?.state, "expired");
  const dm = await world.fake.waitFor(() => world.dms(RITA)[0], 5_000, "the requester's DM");
  assert.match(dm.text, /expired/);
}

describe("a pending request expired on the spot", () => {
  test("an approver's click on it: the message shows it expired without buttons; the requester is told once", async (t) => {
    const { world, id } = await expiredWorld(t);
    await clickApprove(world, BOSS, id);
    await showsExpired(world, id);
    await world.bot.idle();
    // The expiry job has nothing left to do for it, so nothing else would ever re-render it.
    assert.deepEqual(world.bot.core.requests.expireStale(), []);
    assert.equal(world.dms(RITA).length, 1, "one DM about the expiry");
    assert.equal(world.auditPosts(), 0, "VB365 was not changed");
  });

  test("a new add for the same person: a new request is posted and the old one's message shows it expired", async (t) => {
    const { world, id } = await expiredWorld(t);
    const answer = await world.ask(RITA, "add ben.young legal hold, again");
    assert.match(textOf(answer), /posted for approval/);
    const newer = requestIdOfLatest(world);
    assert.notEqual(newer, id);
    assert.equal(world.bot.store.requests.get(newer)?.state, "pending");

    await showsExpired(world, id);
    await world.bot.idle();
    assert.equal(world.dms(RITA).length, 1, "one DM about the expiry");
    assert.ok(
      findButton(world.approvalMessage(newer)?.blocks, ACTION.approve),
      "the new request has buttons",
    );
  });
});
