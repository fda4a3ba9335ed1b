/**
 * The bot and `verify-log` run from an install without dev dependencies (`npm ci --omit=dev`, the
 * Docker image): every package they load, following imports from their entry points, must be a
 * production dependency. Type-only imports are erased at build time and do not count.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The imports that survive compilation: `import type` and `export type` are erased. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const pattern =
    /(?:^|[;\n])\s*(?:import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  const found: string[] = [];
  for (const m of text.matchAll(pattern)) {
    if (m[1] !== undefined) continue;
    const spec = m[2] ?? m[3];
    if (spec !== undefined) found.push(spec);
  }
  return found;
}

function packageOf(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? spec);
}

/** Every package reachable from `entries`, with the first file that loads it. */
function packagesReachable(entries: string[]): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith(".")) {
        queue.push(relative(root, resolve(dirname(join(root, file)), spec)));
      } else if (!spec.startsWith("node:") && !builtinModules.includes(packageOf(spec))) {
        if (!packages.has(packageOf(spec))) packages.set(packageOf(spec), file);
      }
    }
  }
  assert.ok(seen.size > 20, `followed only ${seen.size} files: is the import pattern still right?`);
  return packages;
}

test("the bot and verify-log load production dependencies only", () => {
  const packages = packagesReachable(["src/main.ts", "src/verify-log.ts"]);
  const notProduction = [...packages]
    .filter(([name]) => !(name in pkg.dependencies))
    .map(
      ([name, file]) => `${file} loads ${name}${name in pkg.devDependencies ? " (a dev dependency)" : ""}`,
    );
  assert.deepEqual(notProduction, []);
  for (const needed of ["@slack/bolt", "better-sqlite3", "zod", "undici"]) {
    assert.ok(packages.has(needed), `${needed} is found, so the walk reaches the bot's adapters`);
  }
});

test("the walk sees a dev dependency when one is loaded", () => {
  // The detector itself, on a test helper known to load one: the OpenAPI checker uses `ajv`.
  const packages = packagesReachable(["test/sim/openapi.ts", "src/main.ts"]);
  assert.equal(packages.get("ajv"), "test/sim/openapi.ts");
  assert.ok("ajv" in pkg.devDependencies);
});
