import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ClickData, renderBlocks } from "../../../src/devslack/playground/page/blockkit.ts";
import {
  actions,
  button,
  context,
  divider,
  fields,
  header,
  section,
  staticSelect,
  textInput,
} from "../../../src/slack/blocks/kit.ts";

const names = { users: { U0PRIYA: "Priya Patel" }, channels: {} };
const on = { message: { channel: "C0APPROVALS", ts: "1.000001" } };

/** The click data of every clickable element, in order. */
function clicks(html: string): ClickData[] {
  return [...html.matchAll(/data-(?:click|pick)="([^"]*)"/g)].map(
    (m) =>
      JSON.parse(
        (m[1] as string).replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
      ) as ClickData,
  );
}

describe("Block Kit on the playground's page", () => {
  test("what a request message is made of: header, section with fields, context, divider", () => {
    const html = renderBlocks(
      [
        header("#1 · Start auditing Ben Young"),
        section("*Who* Ben Young", { fields: ["*Requested by*\n<@U0PRIYA>", "*Reason*\nlegal hold"] }),
        context(["0 of 1 approval", "expires soon"]),
        divider(),
        fields(["a", "b"]),
      ],
      { names, target: on },
    );
    assert.match(html, /<div class="bk-header">#1 · Start auditing Ben Young<\/div>/);
    assert.match(html, /<div class="bk-text"><b>Who<\/b> Ben Young<\/div>/);
    assert.match(
      html,
      /<div class="bk-field"><b>Requested by<\/b><br><span class="mention">@Priya Patel<\/span><\/div>/,
    );
    assert.match(
      html,
      /<div class="bk-context"><span>0 of 1 approval<\/span><span>expires soon<\/span><\/div>/,
    );
    assert.match(html, /<hr class="bk-divider">/);
  });

  test("buttons carry their style, value, target and confirm dialog", () => {
    const html = renderBlocks(
      [
        actions([
          button({ text: "Approve", actionId: "approve", value: "1", style: "primary" }),
          button({
            text: "Deny",
            actionId: "deny",
            value: "1",
            style: "danger",
            confirm: { title: "Deny?", text: "Sure?", confirm: "Deny it", deny: "Keep" },
          }),
        ]),
      ],
      { names, target: on },
    );
    assert.match(html, /class="bk-button primary"[^>]*>Approve<\/button>/);
    assert.match(html, /class="bk-button danger"[^>]*>Deny<\/button>/);
    assert.deepEqual(clicks(html), [
      { actionId: "approve", on, value: "1" },
      {
        actionId: "deny",
        on,
        value: "1",
        confirm: { title: "Deny?", text: "Sure?", confirm: "Deny it", deny: "Keep" },
      },
    ]);
  });

  test("without a target (Slack would not send the click) elements are shown disabled", () => {
    const html = renderBlocks([actions([button({ text: "Approve", actionId: "approve" })])], {
      names,
      target: undefined,
    });
    assert.match(html, /<button class="bk-button" disabled>Approve<\/button>/);
    assert.deepEqual(clicks(html), []);
  });

  test("a select as an accessory picks; in a modal input it is a field", () => {
    const picker = staticSelect({
      actionId: "pick",
      placeholder: "Which one?",
      options: [
        { text: "Ben Young (vBridge)", value: "a" },
        { text: "Ben Young (Contoso)", value: "b" },
      ],
    });
    const html = renderBlocks([section("Which Ben?", { accessory: picker })], {
      names,
      target: { reply: "2.000002" },
    });
    assert.match(
      html,
      /<option value="" selected disabled>Which one\?<\/option><option value="a">Ben Young \(vBridge\)<\/option>/,
    );
    assert.deepEqual(clicks(html), [{ actionId: "pick", on: { reply: "2.000002" } }]);
    const input = renderBlocks(
      [textInput({ blockId: "why", actionId: "reason", label: "Why?", multiline: true })],
      {
        names,
        target: { view: "V1" },
        errors: { why: "Say why." },
      },
    );
    assert.match(input, /<label class="bk-input-block has-error" data-block="why">/);
    assert.match(input, /<textarea class="bk-input" data-input="reason"/);
    assert.match(input, /<div class="bk-error">Say why.<\/div>/);
  });

  test("what it cannot draw is shown raw, with a note, never dropped", () => {
    const html = renderBlocks(
      [{ type: "video", title: { type: "plain_text", text: "A <video>" } }, section("after")],
      { names, target: on },
    );
    assert.match(html, /The playground cannot show a video block; here it is as the bot sent it/);
    assert.match(html, /&#34;type&#34;: &#34;video&#34;/);
    assert.ok(!html.includes("<video>"), "raw JSON is escaped");
    assert.match(html, /after/);
    assert.match(renderBlocks("not blocks", { names, target: on }), /cannot show these blocks/);
    assert.match(
      renderBlocks([actions([{ type: "datepicker", action_id: "d" } as never])], { names, target: on }),
      /cannot show a datepicker element/,
    );
  });
});
