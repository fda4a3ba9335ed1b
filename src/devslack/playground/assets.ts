/**
 * The page's files, served by the project itself: the HTML shell, the stylesheet, and the browser
 * script bundled from ./page/ with esbuild at the first request (kept in memory after). Nothing is
 * fetched from anywhere else: the Content-Security-Policy says so to the browser, too.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const pageFile = (name: string) => fileURLToPath(new URL(`./page/${name}`, import.meta.url));

export function pageHtml(title: string): string {
  const safe = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${safe}</title>`,
    '<link rel="stylesheet" href="/app.css">',
    '<link rel="icon" href="data:,">',
    "</head>",
    "<body>",
    '<div id="app" class="loading">Loading the playground…</div>',
    '<script src="/app.js"></script>',
    "</body>",
    "</html>",
  ].join("\n");
}

/** The window, the pane, then the blocks in it: one stylesheet for the page. */
export async function stylesheet(): Promise<string> {
  const parts = await Promise.all(
    ["window.css", "pane.css", "blocks.css"].map((name) => readFile(pageFile(name), "utf8")),
  );
  return parts.join("\n");
}

/**
 * The page's TypeScript bundled for the browser. esbuild (already here for tsx) turns it into one
 * script in well under a second, so there is no build step and no compiled file to keep in step.
 */
export function createScriptBundler(): () => Promise<string> {
  let bundle: Promise<string> | undefined;
  return () => {
    bundle ??= build({
      entryPoints: [pageFile("main.ts")],
      bundle: true,
      write: false,
      format: "iife",
      target: "es2022",
      platform: "browser",
      logLevel: "silent",
    }).then((result) => result.outputFiles[0]?.text ?? "");
    // A failed build is not kept: the next request tries again.
    bundle.catch(() => {
      bundle = undefined;
    });
    return bundle;
  };
}
