/** The README's development section keeps up with the tree and package.json. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { CONFIG_VARIABLES } from "../src/config.ts";

const root = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const development = readme.slice(readme.indexOf("## Development"));
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

test("the layout names every file and folder directly under src/", () => {
  const layout = development.slice(development.indexOf("Layout"));
  const entries = readdirSync(new URL("src/", root), { withFileTypes: true })
    .filter((e) => e.name !== "README.md")
    .map((e) => `src/${e.name}${e.isDirectory() ? "/" : ""}`);
  assert.ok(entries.includes("src/verify-log.ts"));
  // A folder may be named together with another (`src/sim/`, `src/devslack/`): its path is enough.
  const missing = entries.filter((path) => !layout.includes(`\`${path}\``));
  assert.deepEqual(missing, []);
});

test("the development section names every dependency, dev ones included", () => {
  const names = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
  const missing = names.filter((name) => !development.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

test("the configuration section names every variable the bot reads", () => {
  const section = readme.slice(
    readme.indexOf("## Configuration"),
    readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1),
  );
  const missing = CONFIG_VARIABLES.filter((name) => !section.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});
