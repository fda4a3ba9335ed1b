/** The access alert as a Slack message, checked by the fake Slack's own Block Kit validator. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkMessage } from "../../../src/devslack/validate/index.ts";
import { renderAccessAlert } from "../../../src/slack/blocks/alert.ts";
import { anAccessSummary } from "../../support/builders.ts";

describe("rendering an access alert", () => {
  test("the fallback says who did what to whose data, where and when", () => {
    const message = renderAccessAlert(anAccessSummary(), { timeZone: "UTC" });
    assert.deepEqual(checkMessage({ text: message.text, blocks: message.blocks }), { ok: true });
    assert.match(
      message.text,
      /^Access to audited data: simon service exported 5 items from Ben Young's mailbox to C:\\export, 11 Mar 2025 09:42–09:44 UTC, from VBO-PROXY01\./,
    );
    assert.match(message.text, /Actions: Export\./);
    assert.match(message.text, /Organization: vBridge\./);
  });

  test("huge names, many items and principals, and markup in names stay within limits and escaped", () => {
    const message = renderAccessAlert(
      anAccessSummary({
        state: "Working",
        initiator: { account: "X\\<b>", displayName: `<!channel> ${"z".repeat(5000)}` },
        itemCount: 5000,
        items: Array.from({ length: 20 }, (_, i) => `${"item ".repeat(100)}${i}`),
        targets: Array.from({ length: 10 }, (_, i) => `${"t".repeat(400)}${i}`),
        principals: Array.from({ length: 50 }, (_, i) => ({
          type: "User" as const,
          name: `p${i}@x`,
          displayName: `${"P".repeat(100)} ${i}`,
          via: "Finance",
        })),
      }),
      { timeZone: "Pacific/Auckland" },
    );
    assert.deepEqual(checkMessage({ text: message.text, blocks: message.blocks }), { ok: true });
    assert.ok(!JSON.stringify(message.blocks).includes("<!channel>"));
    assert.ok(!message.text.includes("<!channel>"));
    assert.match(message.text, /^Still running/);
  });
});
