import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { header, section, textInput } from "../../src/slack/blocks/kit.ts";
import { modal } from "../../src/slack/blocks/surfaces.ts";
import { BEN, BOSS, openStandIn, refusal, sections } from "./helpers.ts";

const { fake, slack, clock } = await openStandIn();

describe("views.open, views.update, views.publish", () => {
  const denyModal = () =>
    modal({
      title: "Deny request",
      submit: "Deny",
      close: "Cancel",
      callbackId: "deny",
      privateMetadata: "req-1",
      blocks: [
        section("Why deny it?"),
        textInput({ label: "Reason", actionId: "reason", multiline: true, blockId: "reason" }),
      ],
    });

  test("views.open takes a trigger once, within 3 seconds, and stores the modal", async () => {
    const trigger = fake.triggerId(BOSS.id);
    const opened = await slack.views.open({ trigger_id: trigger, view: denyModal() });
    const view = fake.views.modals.find((v) => v.id === opened.view?.id);
    assert.equal(view?.userId, BOSS.id);
    assert.equal(view?.view.callback_id, "deny");
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: trigger, view: denyModal() }))).error,
      "exchanged_trigger_id",
    );
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: "1.2.3", view: denyModal() }))).error,
      "invalid_trigger_id",
    );
    const late = fake.triggerId(BOSS.id);
    clock.advance(3_001);
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: late, view: denyModal() }))).error,
      "expired_trigger_id",
    );
  });

  test("views.open refuses views Slack refuses", async () => {
    const tooMany = { ...denyModal(), blocks: sections(101) };
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: fake.triggerId(), view: tooMany as never }))).error,
      "invalid_blocks",
    );
    const longTitle = { ...denyModal(), title: { type: "plain_text", text: "t".repeat(25) } };
    assert.equal(
      (await refusal(slack.views.open({ trigger_id: fake.triggerId(), view: longTitle as never }))).error,
      "invalid_arguments",
    );
    const { submit: _submit, ...noSubmit } = denyModal();
    const refused = await refusal(slack.views.open({ trigger_id: fake.triggerId(), view: noSubmit }));
    assert.equal(refused.error, "invalid_arguments");
    assert.match(
      refused.messages.join(),
      /required when the view has input blocks \[json-pointer:\/view\/submit\]/,
    );
  });

  test("views.update replaces a modal by id, checks the hash, refuses unknown ids", async () => {
    const opened = await slack.views.open({ trigger_id: fake.triggerId(BOSS.id), view: denyModal() });
    const id = opened.view?.id as string;
    const updated = await slack.views.update({
      view_id: id,
      hash: opened.view?.hash as string,
      view: { ...denyModal(), title: { type: "plain_text", text: "Denied" } },
    });
    assert.notEqual(updated.view?.hash, opened.view?.hash);
    assert.equal(fake.views.modals.find((v) => v.id === id)?.versions.length, 2);
    assert.equal(
      (
        await refusal(
          slack.views.update({ view_id: id, hash: opened.view?.hash as string, view: denyModal() }),
        )
      ).error,
      "hash_conflict",
    );
    assert.equal(
      (await refusal(slack.views.update({ view_id: "V0NOPE", view: denyModal() }))).error,
      "not_found",
    );
  });

  test("views.publish keeps one Home tab per user, within 100 blocks", async () => {
    await slack.views.publish({
      user_id: BEN.id,
      view: { type: "home", blocks: [header("Your requests") as never, ...(sections(99) as never[])] },
    });
    await slack.views.publish({
      user_id: BEN.id,
      view: { type: "home", blocks: sections(1, "second") as never },
    });
    const home = fake.views.homes.get(BEN.id);
    assert.equal(home?.versions.length, 2);
    assert.deepEqual(home?.view.blocks, sections(1, "second"));
    assert.equal(
      (
        await refusal(
          slack.views.publish({ user_id: BEN.id, view: { type: "home", blocks: sections(101) as never } }),
        )
      ).error,
      "invalid_blocks",
    );
    assert.equal(
      (await refusal(slack.views.publish({ user_id: BEN.id, view: denyModal() as never }))).error,
      "invalid_arguments",
    );
    assert.equal(
      (await refusal(slack.views.publish({ user_id: "U0NOBODY", view: { type: "home", blocks: [] } }))).error,
      "user_not_found",
    );
  });
});
