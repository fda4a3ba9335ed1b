/**
 * `/vbo-audit cancel <n>` end to end: the request posted, cancelled, its message updated without
 * buttons saying who, a late click refused, the requester told when someone else cancelled it, and
 * nothing written to VB365. Also: an approver cannot approve a change to their own account.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { interactionBody } from "../../src/devslack/signing.ts";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import {
  APPROVALS,
  BEN_SLACK,
  BOSS,
  clickOnRequest,
  findButton,
  RITA,
  requestIdOfLatest,
  STRANGER,
  startWorld,
  textOf,
  type World,
} from "./harness.ts";

async function askToAddBen(world: World): Promise<number> {
  const answer = await world.ask(RITA, "add ben.young legal hold #4411");
  assert.match(answer.text ?? "", /posted for approval/, textOf(answer));
  return requestIdOfLatest(world);
}

describe("cancel", () => {
  test("the requester cancels by the #n in the message: updated without buttons, a late click refused, no VB365 write", async (t) => {
    const world = await startWorld(t);
    const id = await askToAddBen(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    assert.match(textOf(posted), new RegExp(`#${id} `), "the message shows the number cancel takes");
    // An approver whose Slack still shows the buttons clicks them after the cancel.
    const stale = world.fake.blockAction({
      userId: BOSS,
      actionId: ACTION.approve,
      value: String(id),
      on: { message: { channel: APPROVALS, ts: posted.ts } },
    });

    const answer = await world.ask(RITA, `cancel #${id}`);
    assert.equal(answer.responseType, "ephemeral");
    assert.match(
      answer.text ?? "",
      new RegExp(`Request #${id} to start auditing Ben Young .* is cancelled.*Nothing was changed in VB365`),
    );
    const updated = await world.waitForApprovalMessage(
      id,
      (_, blocks) => findButton(blocks, ACTION.approve) === undefined,
    );
    assert.match(textOf(updated), new RegExp(`\\*Cancelled\\* by <@${RITA}>`));
    assert.equal(world.bot.store.requests.get(id)?.state, "cancelled");

    assert.equal((await world.post(interactionBody(stale))).status, 200);
    const late = await world.answer(stale.response_url as string);
    assert.match(late.text ?? "", new RegExp(`Request #${id} is already cancelled: nothing changed`));
    await world.bot.idle();
    assert.equal(world.auditPosts(), 0, "nothing reached VB365");
    assert.deepEqual(world.dms(RITA), [], "who cancelled their own request is not told again");
  });

  test("an approver cancels an approved request not yet applied; the requester is told who did", async (t) => {
    const world = await startWorld(t);
    const id = await askToAddBen(world);
    // Approved, and waiting to be applied (VB365 refused the first attempt with an outage).
    world.sim.faults.failNext(10, 503, { path: /AuditItems$/i });
    await clickOnRequest(world, BOSS, ACTION.approve, id);
    await world.waitForApprovalMessage(id, (text) => /applying to VB365 failed/.test(text));
    world.sim.faults.reset();

    const answer = await world.ask(BOSS, `cancel ${id}`);
    assert.match(
      answer.text ?? "",
      new RegExp(`Request #${id} .* is cancelled.*<@${RITA}> is told by direct message`),
    );
    await world.waitForApprovalMessage(id, (text) => text.includes(`*Cancelled* by <@${BOSS}>`));
    const dm = await world.fake.waitFor(
      () => world.dms(RITA).find((m) => /was cancelled/.test(m.text)),
      5_000,
      "the requester's DM",
    );
    assert.match(textOf(dm), new RegExp(`cancelled by <@${BOSS}>; nothing was changed in VB365`));
    // The retry job, an hour on: nothing is due.
    assert.deepEqual(await world.bot.core.applier.retryDue(new Date(Date.now() + 3_600_000)), []);
    assert.equal(world.auditPosts(), 0, "the cancelled approval is never applied");
  });

  test("anyone else is refused, and the message keeps its buttons; an unknown number is said so", async (t) => {
    const world = await startWorld(t);
    const id = await askToAddBen(world);
    const refused = await world.ask(STRANGER, `cancel ${id}`);
    assert.match(refused.text ?? "", new RegExp(`Only <@${RITA}> or an approver can cancel request #${id}`));
    await world.bot.idle();
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    assert.equal(posted.versions.length, 1, "the approval message is untouched");
    assert.equal(findButton(posted.blocks, ACTION.approve), String(id));
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");

    const unknown = await world.ask(RITA, "cancel 999");
    assert.match(unknown.text ?? "", /There is no request #999/);
  });
});

describe("an approver and their own account", () => {
  test("Ben, an approver, cannot approve a request to audit Ben, whoever filed it", async (t) => {
    const world = await startWorld(t, { env: { APPROVER_USER_IDS: `${BOSS},${BEN_SLACK}` } });
    const id = await askToAddBen(world);
    const refusal = await world.answer(await clickOnRequest(world, BEN_SLACK, ACTION.approve, id));
    assert.match(
      refusal.text ?? "",
      /about your own Microsoft 365 account: another approver has to approve it/,
    );
    await world.bot.idle();
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");
    assert.equal(world.auditPosts(), 0);
  });
});
