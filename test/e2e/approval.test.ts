/**
 * The approval stories of the contract, end to end: `/vbo-audit add`, the approval message, clicks
 * by approvers and others, the deny modal, quorum, and exactly one change in VB365.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { interactionBody } from "../../src/devslack/signing.ts";
import { ACTION, DENY_REASON } from "../../src/slack/blocks/ids.ts";
import {
  APPROVALS,
  BEN,
  BOSS,
  clickApprove,
  clickOnRequest,
  DEPUTY,
  findButton,
  ORG,
  openDenyModal,
  RITA,
  requestIdOfLatest,
  STRANGER,
  startWorld,
  submitDenyReason,
  textOf,
  type World,
} from "./harness.ts";

async function askToAddBen(world: World, reason = "legal hold #4411"): Promise<number> {
  const answer = await world.ask(RITA, `add ben.young ${reason}`);
  assert.match(answer.text ?? "", /posted for approval/, textOf(answer));
  assert.equal(answer.responseType, "ephemeral");
  return requestIdOfLatest(world);
}

function benIsAudited(world: World): boolean {
  return world.sim.control.auditItems(ORG.id).some((i) => i.principal.name.toLowerCase() === BEN.name);
}

describe("approving a request", () => {
  test("add → approval message → approve → VB365 audits Ben → message updated without buttons → requester DM'd", async (t) => {
    const world = await startWorld(t);
    assert.equal(benIsAudited(world), false);
    const id = await askToAddBen(world);

    const posted = world.approvalMessage(id);
    assert.ok(posted);
    const shown = textOf(posted);
    for (const part of [`<@${RITA}>`, "Ben Young", BEN.name, "User", ORG.name, "legal hold #4411"]) {
      assert.ok(shown.includes(part), `the approval message shows ${part}`);
    }
    assert.equal(findButton(posted.blocks, ACTION.approve), String(id));
    assert.equal(findButton(posted.blocks, ACTION.deny), String(id));
    assert.ok(posted.text.length > 0, "a text fallback");

    await clickApprove(world, BOSS, id);

    const updated = await world.waitForApprovalMessage(
      id,
      (_, blocks) => findButton(blocks, ACTION.approve) === undefined,
    );
    assert.ok(benIsAudited(world), "VB365 has Ben Young's audit item");
    assert.equal(world.auditPosts(), 1);
    assert.ok(textOf(updated).includes(`*Approved* by <@${BOSS}>`));
    assert.ok(textOf(updated).includes("Audit item added in VB365"));
    assert.ok(updated.versions.some((v) => v.via === "chat.update"));

    const dm = await world.fake.waitFor(() => world.dms(RITA)[0], 5_000, "the requester's DM");
    assert.match(dm.text, /approved and applied to VB365/);
    assert.equal(world.bot.store.requests.get(id)?.state, "applied");
  });

  test("a non-approver's click is refused ephemerally, and nothing changes", async (t) => {
    const world = await startWorld(t);
    const id = await askToAddBen(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    const responseUrl = await clickOnRequest(world, STRANGER, ACTION.approve, id);

    const refusal = await world.answer(responseUrl);
    assert.equal(refusal.responseType, "ephemeral");
    assert.equal(refusal.replaceOriginal, false);
    assert.match(refusal.text ?? "", /Only approvers can approve/);
    await world.bot.idle();
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");
    assert.equal(world.bot.store.votes.list(id).length, 0);
    assert.equal(posted.versions.length, 1, "the approval message is untouched");
    assert.equal(world.auditPosts(), 0);
  });

  test("self-approval is refused by default", async (t) => {
    const world = await startWorld(t, { env: { APPROVER_USER_IDS: `${BOSS},${DEPUTY},${RITA}` } });
    const id = await askToAddBen(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    const refusal = await world.answer(await clickOnRequest(world, RITA, ACTION.approve, id));
    assert.match(refusal.text ?? "", /another approver has to approve it/);
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");
    assert.equal(benIsAudited(world), false);
  });

  test("self-approval is allowed with ALLOW_SELF_APPROVAL=true", async (t) => {
    const world = await startWorld(t, {
      env: { APPROVER_USER_IDS: `${BOSS},${RITA}`, ALLOW_SELF_APPROVAL: "true" },
    });
    const id = await askToAddBen(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    await clickOnRequest(world, RITA, ACTION.approve, id);
    await world.waitForApprovalMessage(id, (text) => text.includes("applied to VB365"));
    assert.ok(benIsAudited(world));
  });

  test("two approvers clicking at once with a quorum of one make ONE change in VB365", async (t) => {
    const world = await startWorld(t);
    const id = await askToAddBen(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    const on = { message: { channel: APPROVALS, ts: posted.ts } };
    const clicks = [BOSS, DEPUTY, BOSS, DEPUTY].map((userId) =>
      world.fake.blockAction({ userId, actionId: ACTION.approve, value: String(id), on }),
    );
    const answers = await Promise.all(clicks.map((p) => world.post(interactionBody(p))));
    assert.ok(answers.every((a) => a.status === 200));

    await world.waitForApprovalMessage(id, (text) => text.includes("applied to VB365"));
    await world.bot.idle();
    assert.equal(world.auditPosts(), 1, "one POST /AuditItems");
    assert.equal(
      world.sim.control.auditItems(ORG.id).filter((i) => i.principal.name.toLowerCase() === BEN.name).length,
      1,
    );
    const refused = await world.fake.waitFor(
      () =>
        world.fake.responses.filter((r) => /already (approved|applied)/.test(r.text ?? "")).length >= 3
          ? true
          : undefined,
      5_000,
      "the later clicks told the request is decided",
    );
    assert.ok(refused);
    assert.equal(world.dms(RITA).length, 1, "the requester is told once");
  });

  test("a quorum of two shows progress, then applies after the second approver", async (t) => {
    const world = await startWorld(t, { env: { REQUIRED_APPROVALS: "2" } });
    const id = await askToAddBen(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    const on = { message: { channel: APPROVALS, ts: posted.ts } };
    assert.ok(textOf(posted).includes("0 of 2 approvals"));

    await world.click({ userId: BOSS, actionId: ACTION.approve, value: String(id), on });
    const progress = await world.waitForApprovalMessage(id, (text) =>
      text.includes(`1 of 2 approvals: <@${BOSS}>`),
    );
    assert.ok(findButton(progress.blocks, ACTION.approve), "still open for the second approver");
    assert.equal(benIsAudited(world), false);

    await world.click({ userId: DEPUTY, actionId: ACTION.approve, value: String(id), on });
    const done = await world.waitForApprovalMessage(id, (text) => text.includes("Audit item added in VB365"));
    assert.ok(textOf(done).includes(`<@${BOSS}> and <@${DEPUTY}>`));
    assert.ok(benIsAudited(world));
  });

  test("deny opens a modal; an empty reason is a field error; a reason denies, shows and DMs it", async (t) => {
    const world = await startWorld(t);
    const id = await askToAddBen(world);
    const modal = await openDenyModal(world, BOSS, id);
    assert.equal(modal.userId, BOSS);
    assert.equal(modal.view.private_metadata, String(id));

    const empty = await submitDenyReason(world, BOSS, modal.id, "   ");
    assert.equal(empty.status, 200);
    const errors = (await empty.json()) as { response_action: string; errors: Record<string, string> };
    assert.equal(errors.response_action, "errors");
    assert.ok(errors.errors[DENY_REASON.blockId]);
    assert.equal(world.bot.store.requests.get(id)?.state, "pending");

    const submitted = await submitDenyReason(world, BOSS, modal.id, "no case number <@U0RITA>");
    assert.equal(submitted.status, 200);
    assert.equal(await submitted.text(), "", "the modal closes");
    const denied = await world.waitForApprovalMessage(id, (text) => text.includes("*Denied*"));
    assert.ok(textOf(denied).includes("no case number &lt;@U0RITA&gt;"), "the reason is shown, escaped");
    assert.equal(findButton(denied.blocks, ACTION.approve), undefined);
    const dm = await world.fake.waitFor(() => world.dms(RITA)[0], 5_000, "the requester's DM");
    assert.match(dm.text, /was denied: “no case number/);
    assert.equal(benIsAudited(world), false);
    assert.equal(world.auditPosts(), 0);
  });

  test("a non-approver clicking Deny gets no modal, only the reason", async (t) => {
    const world = await startWorld(t);
    const id = await askToAddBen(world);
    const posted = world.approvalMessage(id);
    assert.ok(posted);
    const refusal = await world.answer(await clickOnRequest(world, STRANGER, ACTION.deny, id));
    assert.match(refusal.text ?? "", /Only approvers/);
    assert.equal(world.fake.views.modals.length, 0);
  });
});
