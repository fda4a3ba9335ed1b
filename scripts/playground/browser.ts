/**
 * A headless Chromium for the playground's browser test and screenshots: Debian's `chromium`
 * package driven by playwright-core (which downloads nothing), in a fresh empty profile, with the
 * background traffic Chromium would start on its own turned off.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const INSTALL_CHROMIUM = "sudo apt-get update && sudo apt-get install -y chromium";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

export interface Browser {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(options: { scale?: number; timezone?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "vbo-audit-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1360, height: 800 },
      deviceScaleFactor: options.scale ?? 1,
      locale: "en-NZ",
      ...(options.timezone ? { timezoneId: options.timezone } : {}),
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      page,
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          rmSync(profile, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
