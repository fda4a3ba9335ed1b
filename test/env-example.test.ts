/**
 * `.env.example` is where an operator learns the settings: it names every variable the bot reads,
 * and with every line uncommented it is still a configuration the bot accepts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseEnv } from "node:util";
import { CONFIG_VARIABLES, loadConfig } from "../src/config.ts";

const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
const named = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

test(".env.example names every variable the configuration reads", () => {
  const missing = CONFIG_VARIABLES.filter((name) => !named.has(name));
  assert.deepEqual(missing, [], `missing from .env.example: ${missing.join(", ")}`);
  // Spot-check the list against the contract's table, so an empty list cannot pass.
  for (const name of ["SLACK_BOT_TOKEN", "VBO_URL", "LOG_HMAC_KEY", "AUDIT_VISIBILITY", "PORT"]) {
    assert.ok(CONFIG_VARIABLES.includes(name), name);
  }
});

test(".env.example names nothing the configuration does not read", () => {
  const unknown = [...named].filter((name) => name !== undefined && !CONFIG_VARIABLES.includes(name));
  assert.deepEqual(unknown, []);
});

test("every example value is accepted once uncommented (secrets filled in)", () => {
  const uncommented = parseEnv(example.replace(/^#\s*(?=[A-Z][A-Z0-9_]*=)/gm, ""));
  // The example CA file does not exist here; blank is unset. ROUTING_FILE replaces the variables
  // of the simple case (the routing file's own tests cover it).
  const env = { ...uncommented, LOG_HMAC_KEY: "k".repeat(32), VBO_CA_FILE: "", ROUTING_FILE: "" };
  const result = loadConfig(env);
  assert.ok(result.ok, result.ok ? "" : result.problems.join("; "));
  assert.equal(result.config.port, 3000, "an inline comment is not part of the value");
  assert.equal(result.config.databasePath, "./data/vbo-audit.sqlite");
});
