/** `/vbo-audit digest` in the core: approvers only, the jobs' poster when there is one, failures as answers. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BOSS, DIGEST, STRANGER } from "../../support/actors.ts";
import { testWorld } from "../../support/world.ts";

test("digest on demand: approvers only; not available without a poster; a poster's failure is reported", async (t) => {
  const w = await testWorld(t);
  const { digest } = w.core;
  const asked: string[] = [];
  const poster = {
    postNow: async (by: string) => {
      asked.push(by);
      return { channels: [DIGEST], messages: 2 };
    },
  };
  assert.deepEqual(await digest.onDemand(STRANGER, poster), { kind: "not_approver" });
  assert.deepEqual(asked, [], "a non-approver's ask never reaches the poster");
  assert.deepEqual(await digest.onDemand(BOSS, undefined), { kind: "not_available" });
  assert.deepEqual(await digest.onDemand(BOSS, poster), { kind: "posted", channels: [DIGEST], messages: 2 });
  assert.deepEqual(asked, [BOSS]);

  const failing = { postNow: () => Promise.reject(new Error("boom")) };
  const outcome = await digest.onDemand(BOSS, failing);
  assert.deepEqual(outcome, { kind: "failed", error: "unexpected error (see the bot's logs)" });
});
