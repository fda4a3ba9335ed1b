/**
 * The whole bot against both ways a VB365 server may write what it has no value for: every field
 * present with `null` (realistic, as ASP.NET writes it, the default of every other end-to-end test)
 * and fields left out (sparse). In each: an approval applied to VB365, a group without mail that
 * is then recognised as audited, and a live access alert posted exactly once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FIELD_MODES } from "../../src/sim/shape.ts";
import { SEED } from "../../src/sim/types.ts";
import {
  ALERTS,
  BEN,
  BOSS,
  clickApprove,
  JOBS_BY_HAND,
  ORG,
  RITA,
  requestIdOfLatest,
  startWorld,
  textOf,
  type World,
} from "./harness.ts";

async function approve(world: World, id: number): Promise<void> {
  await clickApprove(world, BOSS, id);
  await world.waitForApprovalMessage(id, (text) => /Audit item added in VB365/.test(text));
}

for (const fields of FIELD_MODES) {
  describe(`VB365 writing ${fields} fields`, () => {
    test("approvals apply, a mail-less group is known as audited, and one access alert is posted", async (t) => {
      const world = await startWorld(t, {
        fields,
        env: { ALERTS_CHANNEL_ID: ALERTS },
        bot: { jobs: JOBS_BY_HAND },
      });
      const { jobs } = world.bot;
      assert.ok(jobs);

      // Ben: asked, approved, applied once.
      assert.match(
        (await world.ask(RITA, "add ben.young legal hold #4411")).text ?? "",
        /posted for approval/,
      );
      await approve(world, requestIdOfLatest(world));
      assert.equal(world.auditPosts(), 1);

      // A security group without a mail address: approved, then known to be audited.
      const asked = await world.ask(RITA, 'add "Legal Hold Reviewers" case 17');
      assert.match(asked.text ?? "", /posted for approval/, textOf(asked));
      await approve(world, requestIdOfLatest(world));
      assert.equal(world.auditPosts(), 2);
      assert.ok(
        world.sim.control.auditItems(ORG.id).some((i) => i.principal.id === SEED.groups.legalHold.id),
      );
      const again = await world.ask(RITA, 'add "Legal Hold Reviewers"');
      assert.match(textOf(again), /already audited/i);
      assert.equal(world.auditPosts(), 2, "no second audit item");
      const listed = textOf(await world.ask(BOSS, "list"));
      assert.match(listed, /Legal Hold Reviewers/);
      assert.match(listed, /Ben Young/);

      // Someone exports Ben's mail: one alert, however often the watcher runs.
      const now = world.bot.clock.now().getTime();
      world.sim.control.addRestoreSession({
        organizationId: ORG.id,
        initiatedBy: "VBRIDGE\\simon.service",
        clientHost: "VBO-PROXY01",
        scopeName: BEN.name,
        creationTime: new Date(now - 5 * 60_000).toISOString(),
        endTime: new Date(now - 4 * 60_000).toISOString(),
        events: [
          {
            type: "Export",
            itemName: "Board pack",
            source: "Ben Young\\Inbox",
            target: "C:\\export",
            startTime: new Date(now - 5 * 60_000).toISOString(),
            endTime: new Date(now - 4 * 60_000).toISOString(),
            userId: BEN.id,
          },
        ],
      });
      const run = await jobs.runNow("watch-access");
      assert.equal(run.outcome, "succeeded", run.detail);
      await jobs.runNow("watch-access");
      const alerts = world.fake.messagesIn(ALERTS);
      assert.equal(alerts.length, 1);
      const alert = textOf(alerts[0]);
      assert.match(alert, /simon service exported 1 item from Ben Young's mailbox/);
      assert.doesNotMatch(alert, /\bundefined\b|\bnull\b|\[object Object\]/);
    });
  });
}
