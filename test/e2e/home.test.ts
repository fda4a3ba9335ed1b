/**
 * The App Home tab, end to end: approvers see pending requests with their buttons (and can decide
 * from there); everyone sees their own requests and who is audited per organization.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SEED } from "../../src/sim/types.ts";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import {
  BOSS,
  findButton,
  RITA,
  requestIdOfLatest,
  STRANGER,
  startWorld,
  textOf,
  type World,
} from "./harness.ts";

async function openHome(world: World, userId: string) {
  const before = world.fake.views.homes.get(userId)?.versions.length ?? 0;
  const answer = await world.post(JSON.stringify(world.fake.appHomeOpened(userId)));
  assert.equal(answer.status, 200);
  return world.fake.waitFor(
    () => {
      const home = world.fake.views.homes.get(userId);
      return home && home.versions.length > before ? home : undefined;
    },
    10_000,
    `the Home tab of ${userId}`,
  );
}

describe("App Home", () => {
  test("an approver sees pending requests with buttons, and can approve from there", async (t) => {
    const world = await startWorld(t);
    await world.ask(RITA, "add ben.young legal hold");
    const id = requestIdOfLatest(world);

    const home = await openHome(world, BOSS);
    const text = textOf({ blocks: home.view.blocks });
    assert.match(text, /Waiting for a decision\* \(1\)/);
    assert.ok(text.includes("Ben Young"));
    assert.equal(findButton(home.view.blocks, ACTION.approve), String(id));
    assert.ok(text.includes(SEED.groups.executiveTeam.displayName), "audited principals are listed");
    assert.ok(text.includes("*vBridge*") && text.includes("*Contoso*"), "per organization");

    const versions = home.versions.length;
    await world.click({ userId: BOSS, actionId: ACTION.approve, value: String(id), on: { home: BOSS } });
    await world.waitForApprovalMessage(id, (t) => t.includes("Audit item added in VB365"));
    const refreshed = await world.fake.waitFor(
      () => (home.versions.length > versions ? home : undefined),
      10_000,
      "the Home tab re-published",
    );
    assert.equal(findButton(refreshed.view.blocks, ACTION.approve), undefined);
    assert.match(textOf({ blocks: refreshed.view.blocks }), /Waiting for a decision\* \(0\)/);
  });

  test("a non-approver sees their own requests, not the approval queue", async (t) => {
    const world = await startWorld(t);
    await world.ask(RITA, "add ben.young");
    const id = requestIdOfLatest(world);

    const home = await openHome(world, RITA);
    const text = textOf({ blocks: home.view.blocks });
    assert.ok(!text.includes("Waiting for a decision"));
    assert.match(text, /Your requests\* \(1\)/);
    assert.ok(text.includes(`*#${id}*`));
    assert.ok(text.includes("Waiting for approval"));
    assert.equal(findButton(home.view.blocks, ACTION.approve), undefined);

    const stranger = await openHome(world, STRANGER);
    assert.match(textOf({ blocks: stranger.view.blocks }), /You have not asked for anything yet/);
  });

  test("the Home tab stays inside 100 blocks with many pending requests", async (t) => {
    const world = await startWorld(t);
    const { store } = world.bot;
    for (let i = 0; i < 60; i++) {
      store.requests.create({
        kind: "add",
        organization: SEED.organization,
        principal: { type: "User", id: `id-${i}`, name: `user${i}@vbridge.co.nz`, displayName: `User ${i}` },
        requester: RITA,
        reason: "x".repeat(400),
        auditForMs: null,
        at: new Date(),
      });
    }
    const home = await openHome(world, BOSS);
    const blocks = home.view.blocks as unknown[];
    assert.ok(blocks.length <= 100);
    assert.match(textOf({ blocks }), /more waiting|more not shown/);
  });
});
