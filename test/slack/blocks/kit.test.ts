import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AnyBlock, SectionBlock } from "@slack/types";
import {
  actions,
  button,
  context,
  divider,
  escapeMrkdwn,
  fallbackText,
  fields,
  header,
  inlineCode,
  LIMITS,
  section,
  staticSelect,
  textInput,
  truncate,
  truncateMrkdwn,
} from "../../../src/slack/blocks/kit.ts";
import {
  blocksTextLength,
  fitBlocks,
  homeView,
  modal,
  splitIntoMessages,
} from "../../../src/slack/blocks/surfaces.ts";

const FAMILY = "👨‍👩‍👧"; // one grapheme, eight UTF-16 code units
const long = (n: number, unit = "x") => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const note = (omitted: number): AnyBlock => context([`…and ${omitted} more`]);

function textOf(block: AnyBlock | undefined): string {
  const b = block as SectionBlock | undefined;
  return b?.text?.text ?? "";
}

describe("text", () => {
  test("escapeMrkdwn escapes exactly Slack's three control characters", () => {
    assert.equal(escapeMrkdwn("a & b <@U1> > *bold*"), "a &amp; b &lt;@U1&gt; &gt; *bold*");
    assert.equal(escapeMrkdwn("&amp;"), "&amp;amp;");
  });

  test("inlineCode escapes and keeps the code span closed", () => {
    assert.equal(inlineCode("a`b<c>\n d"), "`aˋb&lt;c&gt; d`");
  });

  test("truncate leaves short text alone and cuts long text to the limit with an ellipsis", () => {
    assert.equal(truncate("hello", 5), "hello");
    assert.equal(truncate("hello world", 8), "hello w…");
    assert.equal(truncate("hello   world", 9), "hello…", "no dangling spaces before the ellipsis");
    assert.equal(truncate(long(10_000), 3000).length, 3000);
    assert.ok(truncate(long(10_000), 3000).endsWith("…"));
  });

  test("truncate never splits an emoji or a surrogate pair", () => {
    for (let max = 1; max < 40; max++) {
      const cut = truncate(FAMILY.repeat(10), max);
      assert.ok(cut.length <= max, `max ${max}`);
      const body = cut.replace(/…$/, "");
      assert.equal(body.length % FAMILY.length, 0, `max ${max}: ${cut}`);
    }
    const flags = truncate("🇳🇿🇳🇿🇳🇿", 4);
    assert.equal(flags, "…", "a flag is 4 units: one does not fit next to the ellipsis");
    assert.equal(truncate("ééé", 2), "é…");
  });

  test("truncateMrkdwn never leaves half an entity or half a mention", () => {
    const mentionText = `${long(20)} <@U012AB3CD|somebody>`;
    for (let max = 21; max < mentionText.length; max++) {
      const cut = truncateMrkdwn(mentionText, max);
      assert.ok(cut.length <= max);
      assert.doesNotMatch(cut, /<[^>]*$/, `max ${max}: ${cut}`);
    }
    const entityText = `${long(20)} &amp;&lt;&gt; tail`;
    for (let max = 21; max < entityText.length; max++) {
      const cut = truncateMrkdwn(entityText, max);
      assert.doesNotMatch(cut, /&[a-z]*…$/, `max ${max}: ${cut}`);
    }
  });

  test("fallbackText is never empty and never over 4000", () => {
    assert.equal(fallbackText("").length, 1);
    assert.notEqual(fallbackText("   ").trim(), "");
    assert.equal(fallbackText(long(10_000)).length, LIMITS.fallbackText);
  });
});

describe("blocks respect Slack's limits", () => {
  test("header: plain text, 150", () => {
    const block = header(long(10_000));
    assert.equal(block.text.type, "plain_text");
    assert.equal(block.text.text.length, 150);
  });

  test("section: mrkdwn, 3000; empty text is replaced by something Slack accepts", () => {
    assert.equal(section(long(10_000)).text?.text.length, 3000);
    assert.equal(section(long(10_000, FAMILY)).text?.text.endsWith("…"), true);
    const empty = section("");
    assert.ok(empty.text && empty.text.text.length > 0 && empty.text.text.trim() !== "");
  });

  test("fields: at most 10, each at most 2000, the tenth says how many were left out", () => {
    const block = fields(Array.from({ length: 2000 }, (_, i) => `${i}: ${long(5000)}`));
    assert.equal(block.fields?.length, 10);
    for (const f of block.fields ?? []) assert.ok(f.text.length <= 2000);
    assert.equal(block.fields?.[9]?.text, "…and 1991 more");
    assert.equal(fields(["a", "b"]).fields?.length, 2);
  });

  test("context: at most 10 elements", () => {
    const block = context(Array.from({ length: 25 }, (_, i) => `line ${i}`));
    assert.equal(block.elements.length, 10);
    assert.deepEqual(block.elements[9], { type: "mrkdwn", text: "…and 16 more" });
  });

  test("actions: at most 25 elements, never empty", () => {
    const buttons = Array.from({ length: 40 }, (_, i) => button({ text: `b${i}`, actionId: `a${i}` }));
    assert.equal(actions(buttons).elements.length, 25);
    assert.throws(() => actions([]), RangeError);
  });

  test("button: text 75, confirm texts capped, style and value kept", () => {
    const b = button({
      text: long(200),
      actionId: "approve",
      value: "req-42",
      style: "primary",
      confirm: { title: long(500), text: long(1000), confirm: long(100), deny: long(100), style: "danger" },
    });
    assert.equal(b.text.text.length, 75);
    assert.equal(b.value, "req-42");
    assert.equal(b.style, "primary");
    assert.equal(b.confirm?.title?.text.length, 100);
    assert.equal(b.confirm?.text.text.length, 300);
    assert.equal(b.confirm?.confirm?.text.length, 30);
    assert.equal(b.confirm?.deny?.text.length, 30);
    assert.equal(b.confirm?.style, "danger");
  });

  test("identifiers and values are refused when too long, never silently cut", () => {
    assert.throws(() => button({ text: "x", actionId: long(256) }), /action_id must be 1 to 255/);
    assert.throws(() => button({ text: "x", actionId: "" }), RangeError);
    assert.throws(() => button({ text: "x", actionId: "a", value: long(2001) }), /value must be 1 to 2000/);
    assert.throws(() => section("x", { blockId: long(256) }), /block_id/);
    assert.throws(() => modal({ title: "t", blocks: [], privateMetadata: long(3001) }), /private_metadata/);
    assert.throws(
      () => staticSelect({ actionId: "pick", placeholder: "p", options: [{ text: "t", value: long(76) }] }),
      /option value/,
    );
    assert.equal(button({ text: "x", actionId: long(255) }).action_id?.length, 255);
  });

  test("static select: at most 100 options of 75, placeholder 150, initial option from the list", () => {
    const select = staticSelect({
      actionId: "pick",
      placeholder: long(500),
      options: Array.from({ length: 2000 }, (_, i) => ({
        text: `${i} ${long(200, FAMILY)}`,
        value: `p${i}`,
        description: long(300),
      })),
      initialValue: "p7",
    });
    assert.equal(select.options?.length, 100);
    assert.equal(select.placeholder?.text.length, 150);
    for (const o of select.options ?? []) {
      assert.ok(o.text.text.length <= 75);
      assert.ok((o.description?.text.length ?? 0) <= 75);
    }
    assert.equal(select.initial_option?.value, "p7");
    const unknownInitial = staticSelect({
      actionId: "a",
      placeholder: "p",
      options: [{ text: "a", value: "a" }],
      initialValue: "zz",
    });
    assert.equal(unknownInitial.initial_option, undefined);
  });

  test("modal: title, submit and close 24; blocks kept within 100", () => {
    const view = modal({
      title: "Deny the request from a very long title",
      submit: "Deny this request right now",
      close: "Cancel",
      callbackId: "deny",
      privateMetadata: "req-42",
      blocks: [
        textInput({ label: "Why?", actionId: "reason", multiline: true, maxLength: 10_000 }),
        ...Array.from({ length: 150 }, () => divider()),
      ],
    });
    assert.equal(view.title.text.length, 24);
    assert.equal(view.submit?.text.length, 24);
    assert.equal(view.blocks.length, 100);
    const input = view.blocks[0] as { element: { max_length: number } };
    assert.equal(input.element.max_length, 3000);
  });

  test("home view: groups are kept whole, and the count of what is left out is shown", () => {
    const groups = Array.from({ length: 2000 }, (_, i) => [
      section(`request ${i}`),
      actions([button({ text: "Approve", actionId: `approve-${i}` })]),
    ]);
    const view = homeView({ blocks: groups, note });
    assert.equal(view.blocks.length, 99);
    assert.equal(textOf(view.blocks.at(-3)), "request 48");
    assert.equal(view.blocks.at(-2)?.type, "actions");
    assert.deepEqual(view.blocks.at(-1), note(1951));
  });
});

describe("fitBlocks", () => {
  test("returns everything when it fits", () => {
    const blocks = [header("Pending"), section("one"), section("two")];
    assert.deepEqual(fitBlocks(blocks, { surface: "message", note }), blocks);
  });

  test("2,000 items: at most 50 blocks in a message, the last a note with the right count", () => {
    const items = Array.from({ length: 2000 }, (_, i) => section(`item ${i}`));
    const fitted = fitBlocks(items, { surface: "message", note });
    assert.equal(fitted.length, 50);
    assert.deepEqual(fitted.at(-1), note(1951));
    assert.equal(textOf(fitted[48]), "item 48");
  });

  test("100 blocks for a modal or home tab", () => {
    const items = Array.from({ length: 2000 }, (_, i) => section(`item ${i}`));
    assert.equal(fitBlocks(items, { surface: "modal", note }).length, 100);
    assert.equal(fitBlocks(items, { surface: "home", note }).length, 100);
  });

  test("10,000-character strings: the total text stays within the message budget", () => {
    const items = Array.from({ length: 30 }, () => section(long(10_000, "é")));
    const fitted = fitBlocks(items, { surface: "message", note });
    assert.ok(blocksTextLength(fitted) <= LIMITS.messageTextBudget, `${blocksTextLength(fitted)}`);
    assert.equal(fitted.length, 4, "three 3000-character sections and the note");
    assert.deepEqual(fitted.at(-1), note(27));
  });

  test("keeps order: a small item never jumps ahead of a big one that did not fit", () => {
    const fitted = fitBlocks(
      [section(long(3000)), section(long(3000)), section(long(3000)), section(long(3000)), section("small")],
      {
        surface: "message",
        note,
      },
    );
    assert.equal(fitted.length, 4);
    assert.deepEqual(fitted.at(-1), note(2));
  });

  test("caller's budget overrides leave room for blocks added afterwards", () => {
    const items = Array.from({ length: 100 }, (_, i) => section(`item ${i}`));
    assert.equal(fitBlocks(items, { surface: "message", note, maxBlocks: 45 }).length, 45);
  });

  test("blocksTextLength counts every text object, nested ones included", () => {
    const b = section("abc", {
      fields: ["de"],
      accessory: button({
        text: "fgh",
        actionId: "x",
        value: "not counted",
        confirm: { title: "i", text: "j", confirm: "k", deny: "l" },
      }),
    });
    assert.equal(blocksTextLength([b, divider()]), "abcdefghijkl".length);
  });
});

describe("splitIntoMessages", () => {
  test("2,000 items become messages of at most 50 blocks each, in order, nothing lost", () => {
    const items = Array.from({ length: 2000 }, (_, i) => section(`item ${i}`));
    const pages = splitIntoMessages(items);
    for (const page of pages) assert.ok(page.length <= 50);
    assert.deepEqual(pages.flat().map(textOf), items.map(textOf));
    assert.equal(pages.length, 40);
  });

  test("heads are counted in each message's budget and told the page count", () => {
    const items = Array.from({ length: 120 }, (_, i) => [section(`item ${i}`), divider()]);
    const pages = splitIntoMessages(items, { head: (i, n) => [header(`Audited (${i + 1} of ${n})`)] });
    for (const page of pages) assert.ok(page.length <= 50);
    assert.equal(textOf(pages[0]?.[0]), `Audited (1 of ${pages.length})`);
    assert.equal(pages.flat().filter((b) => b.type === "section").length, 120);
    for (const page of pages)
      assert.equal(
        page.filter((b) => b.type === "divider").length,
        page.filter((b) => b.type === "section").length,
        "groups stay whole",
      );
  });

  test("long texts are split by the text budget too", () => {
    const items = Array.from({ length: 20 }, () => section(long(10_000, FAMILY)));
    const pages = splitIntoMessages(items);
    for (const page of pages) assert.ok(blocksTextLength(page) <= LIMITS.messageTextBudget);
    assert.equal(pages.flat().length, 20);
  });

  test("a group too big for one message is spread over several", () => {
    const group = Array.from({ length: 120 }, (_, i) => section(`part ${i}`));
    const pages = splitIntoMessages([group]);
    assert.equal(pages.length, 3);
    assert.equal(pages.flat().length, 120);
  });

  test("no items, no messages", () => {
    assert.deepEqual(splitIntoMessages([]), []);
  });
});
