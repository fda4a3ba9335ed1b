/**
 * The whole bot against both ways a VB365 server may write what it has no value for: every field
 * present with `null` (realistic, as ASP.NET writes it, the default of every other end-to-end test)
 * and fields left out (sparse). In each: an approval applied to VB365, a group without mail that
 * is then recognised as audited, and a live access alert posted exactly once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Jobs } from "../../src/jobs/scheduler.ts";
import { createJobs } from "../../src/jobs/scheduler.ts";
import { FIELD_MODES } from "../../src/sim/shape.ts";
import { SEED } from "../../src/sim/types.ts";
import { ACTION } from "../../src/slack/blocks/ids.ts";
import {
  ALERTS,
  APPROVALS,
  BEN,
  BOSS,
  ORG,
  RITA,
  requestIdOfLatest,
  startWorld,
  textOf,
  type World,
} from "./harness.ts";

const NEVER = "0 0 1 1 *";

async function approve(world: World, id: number): Promise<void> {
  const posted = world.approvalMessage(id);
  assert.ok(posted);
  const click = await world.click({
    userId: BOSS,
    actionId: ACTION.approve,
    value: String(id),
    on: { message: { channel: APPROVALS, ts: posted.ts } },
  });
  assert.equal(click.status, 200);
  await world.waitForApprovalMessage(id, (text) => /Audit item added in VB365/.test(text));
}

for (const fields of FIELD_MODES) {
  describe(`VB365 writing ${fields} fields`, () => {
    test("approvals apply, a mail-less group is known as audited, and one access alert is posted", async (t) => {
      let jobs: Jobs | undefined;
      const world = await startWorld(t, {
        fields,
        env: { ALERTS_CHANNEL_ID: ALERTS, DIGEST_CRON: NEVER },
        bot: {
          // The real jobs, run by hand: no schedule fires during the test.
          jobs: (context) => {
            jobs = createJobs({
              ...context,
              roster: context.approvers,
              options: {
                schedules: {
                  "digest-catch-up": NEVER,
                  "expire-requests": NEVER,
                  "remind-approvers": NEVER,
                  "retry-applies": NEVER,
                  "end-timed-audits": NEVER,
                  "sync-directory": NEVER,
                  "watch-access": NEVER,
                },
              },
            });
            return jobs;
          },
        },
      });

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
      const now = world.bot.context.clock.now().getTime();
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
      assert.ok(jobs);
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
