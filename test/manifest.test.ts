/**
 * manifest.yml against Slack's own manifest JSON schema (spec/slack-manifest-schema, v1), plus
 * what the bot relies on that the schema cannot know: Socket Mode with no request URLs, the exact
 * scopes (each commented), mentions escaped, and the usage hint the parser documents.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import AjvModule, { type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { isMap, isScalar, isSeq, parse, parseDocument } from "yaml";
import { SUBCOMMANDS, USAGE_HINT } from "../src/slack/command/syntax.ts";

// CommonJS modules that also export themselves as `default`: under nodenext take `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const ROOT = join(import.meta.dirname, "..");
const SCHEMA_DIR = join(ROOT, "spec/slack-manifest-schema");
const V1_URL =
  "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.1.0.0.json";
const V2_URL =
  "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.2.0.0.json";

const manifestText = readFileSync(join(ROOT, "manifest.yml"), "utf8");
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8"));

// biome-ignore lint/suspicious/noExplicitAny: a parsed document, probed field by field in assertions
type Manifest = Record<string, any>;

function validators(): { v1: ValidateFunction; any: ValidateFunction } {
  // Strict, so a keyword Ajv does not know fails loudly instead of being ignored. Slack's schema
  // uses two of its own: `_note` (a comment) and `regex` (a pattern it forgot to call `pattern`,
  // enforced here as intended).
  const ajv = new Ajv({
    strict: true,
    strictRequired: false,
    strictTypes: false,
    strictTuples: false,
    allErrors: true,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: "_note" });
  ajv.addKeyword({
    keyword: "regex",
    type: "string",
    schemaType: "string",
    validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
  });
  ajv.addSchema(readJson(join(SCHEMA_DIR, "schemas/manifest.schema.1.0.0.json")), V1_URL);
  ajv.addSchema(readJson(join(SCHEMA_DIR, "schemas/manifest.schema.2.0.0.json")), V2_URL);
  const v1 = ajv.getSchema(V1_URL);
  assert.ok(v1, "the v1 schema compiles");
  return { v1, any: ajv.compile(readJson(join(SCHEMA_DIR, "manifest.schema.json"))) };
}

const { v1, any } = validators();
const errorsOf = (validate: ValidateFunction, data: unknown) =>
  validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

function withChange(change: (m: Manifest) => void): Manifest {
  const copy = structuredClone(parse(manifestText)) as Manifest;
  change(copy);
  return copy;
}

describe("manifest.yml", () => {
  const manifest = parse(manifestText) as Manifest;

  test("is valid against Slack's v1 manifest schema, and the version router picks v1", () => {
    assert.deepEqual(errorsOf(v1, manifest), []);
    assert.deepEqual(errorsOf(any, manifest), []);
    assert.equal(manifest._metadata.major_version, 1);
  });

  const broken: Array<[string, (m: Manifest) => void]> = [
    ["without display_information", (m) => delete m.display_information],
    ["without an app name", (m) => delete m.display_information.name],
    ["with a name over 35 characters", (m) => (m.display_information.name = "V".repeat(36))],
    ["with a slash command without a description", (m) => delete m.features.slash_commands[0].description],
    ["with a slash command not starting with /", (m) => (m.features.slash_commands[0].command = "vbo-audit")],
    ["without interactivity.is_enabled", (m) => delete m.settings.interactivity.is_enabled],
    ["with a bot user without a display name", (m) => delete m.features.bot_user.display_name],
    ["with an unknown setting", (m) => (m.settings.socket_mode = true)],
    ["with a malformed background colour", (m) => (m.display_information.background_color = "blue")],
  ];
  for (const [name, change] of broken) {
    test(`the schema check fails for a manifest ${name}`, () => {
      const bad = withChange(change);
      assert.notDeepEqual(errorsOf(v1, bad), [], "v1 schema");
      assert.notDeepEqual(errorsOf(any, bad), [], "version router");
    });
  }

  test("runs in Socket Mode with no request URLs anywhere", () => {
    assert.equal(manifest.settings.socket_mode_enabled, true);
    assert.doesNotMatch(JSON.stringify(manifest), /request_url|"url"|message_menu_options_url/);
    assert.deepEqual(manifest.settings.interactivity, { is_enabled: true });
    assert.deepEqual(manifest.settings.event_subscriptions.bot_events, ["app_home_opened"]);
  });

  test("has the slash command, escaped, with the parser's usage hint", () => {
    const [command, ...others] = manifest.features.slash_commands;
    assert.equal(others.length, 0);
    assert.equal(command.command, "/vbo-audit");
    assert.equal(command.should_escape, true, "mentions must arrive as <@U…|name>");
    assert.equal(command.usage_hint, USAGE_HINT);
    for (const kind of SUBCOMMANDS) assert.match(command.usage_hint, new RegExp(`\\b${kind}\\b`));
  });

  test("names the app, its bot user and App Home", () => {
    assert.equal(manifest.display_information.name, "VBO Audit");
    assert.equal(manifest.features.bot_user.display_name, "VBO Audit");
    assert.equal(manifest.features.app_home.home_tab_enabled, true);
    const messages = manifest.features.app_home;
    assert.ok(messages.messages_tab_enabled === false || messages.messages_tab_read_only_enabled === true);
  });

  test("asks for exactly the bot scopes the bot uses, each with a comment saying why", () => {
    const expected = [
      "commands",
      "chat:write",
      "users:read",
      "users:read.email",
      "usergroups:read",
      "im:write",
    ];
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), [...expected].sort());
    assert.equal(manifest.oauth_config.scopes.user, undefined, "no user scopes");

    const doc = parseDocument(manifestText);
    const scopes = doc.getIn(["oauth_config", "scopes", "bot"], true);
    assert.ok(isSeq(scopes));
    for (const item of scopes.items) {
      assert.ok(isScalar(item));
      const why = `${item.commentBefore ?? ""} ${item.comment ?? ""}`.trim();
      assert.ok(why.length >= 10, `scope ${String(item.value)} has no comment saying why`);
    }
  });

  test("the YAML has no duplicate keys that would hide a setting", () => {
    const doc = parseDocument(manifestText, { uniqueKeys: true });
    assert.deepEqual(doc.errors, []);
    assert.ok(isMap(doc.contents));
    const duplicated = parseDocument(`${manifestText}\nsettings:\n  socket_mode_enabled: false\n`, {
      uniqueKeys: true,
    });
    assert.notDeepEqual(duplicated.errors, [], "the check does catch a duplicate");
  });
});
