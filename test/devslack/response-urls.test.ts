import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { APPROVALS, BEN, openStandIn, postJson as post, sections } from "./helpers.ts";

const { fake, clock } = await openStandIn();

describe("response URLs", () => {
  test("a response_url takes 5 replies, then used_url", async () => {
    const url = fake.responseUrl({ channel: APPROVALS, userId: BEN.id });
    for (let i = 1; i <= 5; i++) assert.equal((await post(url, { text: `reply ${i}` })).status, 200);
    const sixth = await post(url, { text: "reply 6" });
    assert.equal(sixth.status, 404);
    assert.deepEqual(await sixth.json(), { ok: false, error: "used_url" });
    assert.deepEqual(
      fake.responses.filter((r) => r.url === url).map((r) => [r.text, r.responseType, r.context.userId]),
      [1, 2, 3, 4, 5].map((i) => [`reply ${i}`, "ephemeral", BEN.id]),
    );
    assert.equal(fake.responseFailures.at(-1)?.error, "used_url");
  });

  test("a response_url expires after 30 minutes", async () => {
    const url = fake.responseUrl();
    clock.advance(30 * 60_000 + 1);
    const res = await post(url, { text: "too late" });
    assert.equal(res.status, 404);
    assert.equal(fake.responseFailures.at(-1)?.error, "expired_url");
  });

  test("a response_url refuses what chat.postMessage refuses", async () => {
    assert.equal((await post(fake.responseUrl(), { blocks: sections(1) })).status, 400);
    assert.equal(fake.responseFailures.at(-1)?.error, "no_text");
    assert.equal((await post(fake.responseUrl(), { text: "t", blocks: sections(51) })).status, 400);
    assert.equal(fake.responseFailures.at(-1)?.error, "invalid_blocks");
    assert.equal((await post(`${fake.url}/response/nope`, { text: "t" })).status, 404);
  });

  test("replace_original on a click in an ephemeral reply replaces that reply", async () => {
    const url = fake.responseUrl({ channel: APPROVALS, userId: BEN.id });
    const pick = {
      type: "actions",
      elements: [
        { type: "button", text: { type: "plain_text", text: "This one" }, action_id: "pick", value: "a" },
      ],
    };
    await post(url, { text: "Which Ben?", blocks: [pick] });
    const list = fake.responses.at(-1);
    assert.ok(list);
    const click = fake.blockAction({ userId: BEN.id, actionId: "pick", value: "a", on: { response: list } });
    assert.equal(
      (await post(click.response_url as string, { replace_original: true, text: "Posted." })).status,
      200,
    );
    assert.equal(list.superseded, true, "the list is no longer shown");
    const answer = fake.responses.at(-1);
    assert.equal(answer?.text, "Posted.");
    assert.equal(answer?.superseded, false);
    assert.ok(Number(answer?.ts.split(".")[1]) > Number(list.ts.split(".")[1]), "replies are ordered by ts");
  });
});
