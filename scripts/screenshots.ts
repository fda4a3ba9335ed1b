/**
 * `npm run screenshots`: the playground walk in a headless Chromium, saved as the README's pictures
 * in docs/images/. Needs Debian's `chromium` (and, for emoji, `fonts-noto-color-emoji`).
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromiumInstalled, INSTALL_CHROMIUM, launchChromium } from "./playground/browser.ts";
import { startDemo } from "./playground/demo-process.ts";
import { walk } from "./playground/walk.ts";

const OUT = fileURLToPath(new URL("../docs/images/", import.meta.url));
/** The times in the pictures read like an office's, whatever the machine's zone. */
const ZONE = "Pacific/Auckland";

if (!chromiumInstalled()) {
  process.stderr.write(`screenshots: Chromium is not installed; install it with: ${INSTALL_CHROMIUM}\n`);
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });
const demo = await startDemo({ DIGEST_TIMEZONE: ZONE });
const browser = await launchChromium({ scale: 2, timezone: ZONE });
let failed = false;
try {
  await walk(browser.page, demo.url, async ({ name, clip }) => {
    const path = `${OUT}${name}.png`;
    if (clip) await clip.screenshot({ path });
    else await browser.page.screenshot({ path });
    process.stderr.write(`screenshots: ${name}.png\n`);
  });
} catch (err) {
  failed = true;
  process.stderr.write(`screenshots: the walk failed: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  await browser.close();
  await demo.stop();
}
process.exit(failed ? 1 : 0);
