/**
 * The playground in a real browser: `npm run demo` without Slack settings, driven by a headless
 * Chromium through the whole walk (request, approval, DM, list, denial through the modal, export
 * and alert, digest, Home tab), every request the page makes staying on 127.0.0.1. Screenshots of
 * each step are saved; the test prints where. Without Chromium it is skipped, saying how to get it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { chromiumInstalled, INSTALL_CHROMIUM, launchChromium } from "../../scripts/playground/browser.ts";
import { startDemo } from "../../scripts/playground/demo-process.ts";
import { walk } from "../../scripts/playground/walk.ts";

test("the playground walk in Chromium: ask, approve, list, deny with a reason, export and alert", async (t) => {
  if (!chromiumInstalled()) {
    t.skip(`Chromium is not installed; install it with: ${INSTALL_CHROMIUM}`);
    return;
  }
  const demo = await startDemo();
  t.after(() => demo.stop());
  const browser = await launchChromium();
  t.after(() => browser.close());

  const requested: string[] = [];
  browser.context.on("request", (request) => requested.push(request.url()));
  const errors: string[] = [];
  browser.page.on("pageerror", (err) => errors.push(err.message));

  const shots = mkdtempSync(join(tmpdir(), "vbo-audit-playground-shots-"));
  await walk(browser.page, demo.url, async ({ name, clip }) => {
    const path = join(shots, `${name}.png`);
    if (clip) await clip.screenshot({ path });
    else await browser.page.screenshot({ path });
  });
  t.diagnostic(`screenshots: ${shots}`);

  assert.deepEqual(errors, [], "the page threw nothing");
  const origin = new URL(demo.url).origin;
  assert.deepEqual(
    requested.filter((url) => !url.startsWith(origin) && !url.startsWith("data:")),
    [],
    "the page loads nothing from anywhere else",
  );
  assert.deepEqual(readdirSync(shots).sort(), [
    "alert.png",
    "app-home.png",
    "deny-modal.png",
    "digest.png",
    "playground.png",
    "request-approved.png",
    "request-pending.png",
    "requester-dm.png",
  ]);
  assert.equal(await demo.stop(), 0, "the demo stops cleanly on SIGTERM");
});
