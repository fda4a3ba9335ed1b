import assert from "node:assert/strict";
import { test } from "node:test";
import { SlackCallError } from "../../src/errors.ts";
import { createMemberProfiles } from "../../src/slack/profiles.ts";
import { ManualClock } from "../support/clock.ts";
import { startFakeSlack, webClientFor } from "../support/slack.ts";

test("a member's profile e-mail, cached; none, unknown and Slack failing told apart", async (t) => {
  const fake = await startFakeSlack(t, {
    users: [
      { id: "U0BEN", name: "ben", email: "ben.young@vbridge.co.nz" },
      { id: "U0NOMAIL", name: "ghost" },
    ],
  });
  const clock = new ManualClock();
  const profiles = createMemberProfiles({
    web: webClientFor(fake),
    clock,
    cacheMs: 60_000,
  });

  assert.equal(await profiles.emailOf("U0BEN"), "ben.young@vbridge.co.nz");
  assert.equal(await profiles.emailOf("U0BEN"), "ben.young@vbridge.co.nz");
  assert.equal(fake.callsTo("users.info").length, 1, "cached");
  assert.equal(await profiles.emailOf("U0NOMAIL"), undefined);
  assert.equal(await profiles.emailOf("U0NOBODY"), undefined, "user_not_found is as good as no e-mail");

  clock.advance(61_000);
  fake.failNext("users.info", "ratelimited", { retryAfter: 1 });
  await assert.rejects(profiles.emailOf("U0BEN"), (err: unknown) => err instanceof SlackCallError);
});
