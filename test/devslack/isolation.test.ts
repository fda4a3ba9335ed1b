/**
 * The stand-in is for the demo, the tests and the benchmark only: what `npm start` runs must never
 * load it, and nothing shipped or benchmarked may lean on the tests. Checked on the source, by
 * following every relative import from the bot's entry point.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Relative specifiers of static imports, re-exports and dynamic imports (type-only ones too). */
function relativeImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
    found.push(resolve(dirname(file), match[1] as string));
  }
  return found;
}

function reachableFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...relativeImports(file));
  }
  return seen;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

test("the bot's entry point (npm start) never reaches src/devslack or the demo", () => {
  const reached = [...reachableFrom(join(ROOT, "src/main.ts"))].map((f) => relative(ROOT, f));
  assert.ok(reached.includes("src/bot.ts"), `the walk follows imports: ${reached.join(", ")}`);
  assert.ok(reached.length > 20, "the walk reaches the whole bot");
  const leaks = reached.filter(
    (f) => f.startsWith("src/devslack/") || f.startsWith("src/demo/") || f === "src/demo.ts",
  );
  assert.deepEqual(leaks, []);
});

test("nothing in src/ or bench/ imports from test/", () => {
  const offenders = [...sourceFiles(join(ROOT, "src")), ...sourceFiles(join(ROOT, "bench"))].flatMap((file) =>
    relativeImports(file)
      .filter((target) => relative(ROOT, target).startsWith("test/"))
      .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
  );
  assert.deepEqual(offenders, []);
});
