/**
 * The dependency rules of docs/architecture.md, read from the source: a file that breaks one fails
 * here with its name and the import, before the design quietly erodes.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Every module a file imports (static, re-exports and dynamic), as paths from the repository root. */
function importsOf(file: string): Array<{ from: string; typeOnly: boolean }> {
  const text = readFileSync(join(root, file), "utf8");
  const found: Array<{ from: string; typeOnly: boolean }> = [];
  const pattern =
    /(?:import|export)\s+(type\s+)?[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const spec = match[2] ?? match[3];
    if (spec === undefined || !spec.startsWith(".")) continue;
    found.push({
      from: relative(root, resolve(dirname(join(root, file)), spec)),
      typeOnly: match[1] !== undefined,
    });
  }
  return found;
}

function violations(folder: string, forbidden: readonly string[]): string[] {
  return sources(folder).flatMap((file) =>
    importsOf(file)
      .filter((i) => forbidden.some((f) => i.from.startsWith(`${f}/`) || i.from === f))
      .map((i) => `${file} imports ${i.from}`),
  );
}

describe("dependency rules", () => {
  test("the core depends on no adapter: not the store, Slack, the jobs or the HTTP server", () => {
    assert.deepEqual(
      violations("src/core", ["src/store", "src/slack", "src/jobs", "src/http", "src/bot.ts"]),
      [],
    );
  });

  test("the jobs never render or post to Slack themselves", () => {
    assert.deepEqual(violations("src/jobs", ["src/slack"]), []);
  });

  test("the store knows the core's ports and types, never its services", () => {
    const services = sources("src/store").flatMap((file) =>
      importsOf(file)
        .filter((i) => i.from.startsWith("src/core/") && !i.typeOnly)
        .filter((i) => !/\/(types|vocabulary)\.ts$/.test(i.from))
        .map((i) => `${file} imports ${i.from}`),
    );
    assert.deepEqual(services, []);
    assert.deepEqual(violations("src/store", ["src/slack", "src/jobs", "src/http"]), []);
  });

  test("the product never loads the tests, nor the Slack stand-in outside the demo", () => {
    assert.deepEqual(violations("src", ["test"]), []);
    const outsideDemo = violations("src", ["src/devslack"]).filter(
      (v) => !v.startsWith("src/devslack/") && !v.startsWith("src/demo"),
    );
    assert.deepEqual(outsideDemo, []);
  });
});

describe("every Slack listener answers whatever fails", () => {
  test("each registration goes through a guard of listeners/guard.ts", () => {
    const unguarded: string[] = [];
    for (const file of sources("src/slack/listeners")) {
      const text = readFileSync(join(root, file), "utf8");
      // A name defined as a guard, or as a function that returns one (`requestClick(…)`).
      const definedAsGuard = (name: string) => {
        const at = text.indexOf(`const ${name} =`);
        if (at < 0) return false;
        const end = text.indexOf("\n\n", at);
        return /\bguard\w+\(/.test(text.slice(at, end < 0 ? undefined : end));
      };
      for (const call of text.matchAll(
        /app\.(command|action|view|options|event)(?:<[^>]*>)?\(([\s\S]*?)\);\n/g,
      )) {
        // The text up to the first statement's end is enough: a guard wraps the handler from its start.
        const args = call[2] ?? "";
        const handler = args.slice(args.lastIndexOf(",") + 1).trim();
        const called = [...args.matchAll(/(\w+)\(/g)].map((m) => m[1] ?? "");
        const viaGuard = /\bguard\w+\(/.test(args) || [handler, ...called].some(definedAsGuard);
        if (!viaGuard) unguarded.push(`${file}: app.${call[1]}(${args.slice(0, 60)}…)`);
      }
    }
    assert.deepEqual(unguarded, []);
  });
});
