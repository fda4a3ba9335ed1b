import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { actions, button, context, section, textInput } from "../../src/slack/blocks/kit.ts";
import { fitBlocks, modal, splitIntoMessages } from "../../src/slack/blocks/surfaces.ts";
import { APPROVALS, openStandIn, refusal, sections } from "./helpers.ts";

const { fake, slack } = await openStandIn();

describe("Block Kit checked as Slack checks it", () => {
  const badBlocks: Array<[string, unknown[], RegExp]> = [
    ["51 blocks", sections(51), /at most 50 items.*json-pointer:\/blocks\]/],
    ["section text of 3001", sections(1, "x".repeat(3001)), /less than 3001.*\/blocks\/0\/text\/text/],
    [
      "header of 151",
      [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }],
      /less than 151/,
    ],
    ["a mrkdwn header", [{ type: "header", text: { type: "mrkdwn", text: "h" } }], /must be plain_text/],
    ["11 fields", [{ type: "section", fields: sections(11).map((s) => s.text) }], /at most 10 items/],
    [
      "a field of 2001",
      [{ type: "section", fields: [{ type: "mrkdwn", text: "f".repeat(2001) }] }],
      /less than 2001/,
    ],
    [
      "11 context elements",
      [{ type: "context", elements: sections(11).map((s) => s.text) }],
      /at most 10 items/,
    ],
    [
      "26 buttons",
      [
        {
          type: "actions",
          elements: Array.from({ length: 26 }, (_, i) => ({
            type: "button",
            text: { type: "plain_text", text: "b" },
            action_id: `a${i}`,
          })),
        },
      ],
      /at most 25 items/,
    ],
    [
      "button text of 76",
      [
        {
          type: "actions",
          elements: [{ type: "button", text: { type: "plain_text", text: "b".repeat(76) }, action_id: "a" }],
        },
      ],
      /less than 76/,
    ],
    [
      "button value of 2001",
      [
        {
          type: "actions",
          elements: [
            {
              type: "button",
              text: { type: "plain_text", text: "b" },
              action_id: "a",
              value: "v".repeat(2001),
            },
          ],
        },
      ],
      /value.*less than 2001|less than 2001.*value/,
    ],
    [
      "action_id of 256",
      [
        {
          type: "actions",
          elements: [{ type: "button", text: { type: "plain_text", text: "b" }, action_id: "a".repeat(256) }],
        },
      ],
      /less than 256/,
    ],
    ["block_id of 256", [{ type: "divider", block_id: "b".repeat(256) }], /less than 256/],
    [
      "confirm text of 301",
      [
        {
          type: "actions",
          elements: [
            {
              type: "button",
              text: { type: "plain_text", text: "b" },
              action_id: "a",
              confirm: { text: { type: "plain_text", text: "c".repeat(301) } },
            },
          ],
        },
      ],
      /less than 301/,
    ],
    [
      "101 select options",
      [
        {
          type: "actions",
          elements: [
            {
              type: "static_select",
              action_id: "pick",
              placeholder: { type: "plain_text", text: "Pick" },
              options: Array.from({ length: 101 }, (_, i) => ({
                text: { type: "plain_text", text: `o${i}` },
                value: `v${i}`,
              })),
            },
          ],
        },
      ],
      /at most 100 items/,
    ],
    [
      "an option text of 76",
      [
        {
          type: "section",
          text: { type: "mrkdwn", text: "s" },
          accessory: {
            type: "static_select",
            action_id: "p",
            options: [{ text: { type: "plain_text", text: "o".repeat(76) }, value: "v" }],
          },
        },
      ],
      /less than 76/,
    ],
    [
      "duplicate block_ids",
      [
        { type: "divider", block_id: "x" },
        { type: "divider", block_id: "x" },
      ],
      /duplicate block_id/,
    ],
    [
      "duplicate action_ids in a block",
      [
        {
          type: "actions",
          elements: [0, 1].map(() => ({
            type: "button",
            text: { type: "plain_text", text: "b" },
            action_id: "same",
          })),
        },
      ],
      /duplicate action_id/,
    ],
    [
      "an unknown block type",
      [{ type: "sectoin", text: { type: "mrkdwn", text: "s" } }],
      /unknown block type/,
    ],
    [
      "a misspelt property",
      [{ type: "section", text: { type: "mrkdwn", text: "s" }, acessory: {} }],
      /invalid additional property: acessory/,
    ],
    ["empty text", sections(1, ""), /more than 0 characters/],
    ["a section with neither text nor fields", [{ type: "section" }], /must provide `text` or `fields`/],
    [
      "an input block in a message",
      [
        {
          type: "input",
          label: { type: "plain_text", text: "l" },
          element: { type: "plain_text_input", action_id: "a" },
        },
      ],
      /only allowed in views/,
    ],
    [
      "a button style that does not exist",
      [
        {
          type: "actions",
          elements: [
            { type: "button", text: { type: "plain_text", text: "b" }, action_id: "a", style: "green" },
          ],
        },
      ],
      /primary, danger/,
    ],
  ];
  for (const [name, blocks, pattern] of badBlocks) {
    test(`refuses ${name} with invalid_blocks`, async () => {
      const { error, messages } = await refusal(
        slack.chat.postMessage({ channel: APPROVALS, text: "fallback", blocks: blocks as never }),
      );
      assert.equal(error, "invalid_blocks");
      assert.match(messages.join("\n"), pattern);
    });
  }

  test("blocks that are not a JSON array are invalid_blocks_format", async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ channel: APPROVALS, text: "t", blocks: "[{not json" }).toString(),
    });
    assert.deepEqual(await res.json(), {
      ok: false,
      error: "invalid_blocks_format",
      response_metadata: { messages: ["[ERROR] blocks must be a JSON array"] },
    });
  });

  test("too much block text in total is msg_blocks_too_long, though every block is in bounds", async () => {
    const { error } = await refusal(
      slack.chat.postMessage({
        channel: APPROVALS,
        text: "t",
        blocks: sections(5, "y".repeat(3000)) as never,
      }),
    );
    assert.equal(error, "msg_blocks_too_long");
  });

  test("what our Block Kit builders produce for 2,000 items and 10,000-character strings is accepted", async () => {
    const items = Array.from({ length: 2000 }, (_, i) => [
      section(`*${i}* ${"é👨‍👩‍👧".repeat(2000)}`, {
        fields: Array.from({ length: 12 }, () => "f".repeat(3000)),
      }),
      actions([
        button({
          text: "Approve ".repeat(20),
          actionId: `approve-${i}`,
          value: `req-${i}`,
          style: "primary",
          confirm: {
            title: "Sure?".repeat(50),
            text: "x".repeat(500),
            confirm: "Yes".repeat(20),
            deny: "No".repeat(20),
          },
        }),
      ]),
    ]);
    const fitted = fitBlocks(items, { surface: "message", note: (n) => context([`…and ${n} more`]) });
    assert.ok(
      (await slack.chat.postMessage({ channel: APPROVALS, text: "Pending requests", blocks: fitted })).ok,
    );
    const pages = splitIntoMessages(
      Array.from({ length: 2000 }, (_, i) => section(`item ${i} ${"ü".repeat(300)}`)),
    );
    for (const blocks of pages)
      assert.ok((await slack.chat.postMessage({ channel: APPROVALS, text: "Audited", blocks })).ok);
    const bigModal = modal({
      title: "t".repeat(100),
      submit: "s".repeat(100),
      blocks: [
        textInput({
          label: "l".repeat(5000),
          actionId: "r",
          hint: "h".repeat(5000),
          placeholder: "p".repeat(500),
        }),
        ...Array.from({ length: 300 }, () => section("x")),
      ],
    });
    assert.ok((await slack.views.open({ trigger_id: fake.triggerId(), view: bigModal })).ok);
  });
});
