import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BEN, BOSS, openStandIn, refusal } from "./helpers.ts";

const { fake, slack } = await openStandIn();

describe("users.info and usergroups.users.list", () => {
  test("users.info carries profile.email; usergroups.users.list lists members", async () => {
    const info = await slack.users.info({ user: BEN.id });
    assert.equal(info.user?.profile?.email, BEN.email);
    assert.equal(info.user?.real_name, BEN.realName);
    assert.equal((await refusal(slack.users.info({ user: "U0NOBODY" }))).error, "user_not_found");
    assert.deepEqual((await slack.usergroups.users.list({ usergroup: "S0APPROVERS" })).users, [BOSS.id]);
    fake.setUsergroup("S0APPROVERS", [BOSS.id, BEN.id]);
    assert.deepEqual((await slack.usergroups.users.list({ usergroup: "S0APPROVERS" })).users, [
      BOSS.id,
      BEN.id,
    ]);
    assert.equal(
      (await refusal(slack.usergroups.users.list({ usergroup: "S0NOPE" }))).error,
      "no_such_subteam",
    );
  });
});
