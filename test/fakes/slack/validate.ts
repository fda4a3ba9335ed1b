/**
 * What Slack refuses, checked the way Slack checks it: written from Slack's Block Kit reference and
 * deliberately NOT from src/slack/blocks/kit.ts, so a bug in our builders shows up as a refusal here.
 *
 * Problems are reported like Slack does in `response_metadata.messages`:
 * "[ERROR] <what> [json-pointer:/blocks/3/text/text]".
 */

export type Verdict = { ok: true } | { ok: false; error: string; messages: string[] };

export interface MessageLimits {
  /** Total characters of block text above which Slack answers `msg_blocks_too_long`. */
  blocksTextLimit: number;
}

export const DEFAULT_LIMITS: MessageLimits = { blocksTextLimit: 12_000 };

const MAX_MESSAGE_TEXT = 40_000;

type Surface = "message" | "modal" | "home";
type Json = Record<string, unknown>;

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`[ERROR] ${message} [json-pointer:${path}]`);
  }
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Form-encoded calls carry nested values as JSON strings; JSON calls carry them as they are. */
export function decodeNested(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== "string") return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}

/** A message for chat.postMessage / chat.update / chat.postEphemeral / a response_url. */
export function checkMessage(
  args: { text?: unknown; blocks?: unknown },
  limits: MessageLimits = DEFAULT_LIMITS,
): Verdict {
  if (args.blocks !== undefined) {
    const decoded = decodeNested(args.blocks);
    if (!decoded.ok || !Array.isArray(decoded.value)) {
      return { ok: false, error: "invalid_blocks_format", messages: ["[ERROR] blocks must be a JSON array"] };
    }
    const problems = new Problems();
    checkBlocks(decoded.value, "message", "/blocks", problems);
    if (problems.list.length > 0) return { ok: false, error: "invalid_blocks", messages: problems.list };
    const total = textLength(decoded.value);
    if (total > limits.blocksTextLimit) {
      return {
        ok: false,
        error: "msg_blocks_too_long",
        messages: [`[ERROR] blocks hold ${total} characters of text, more than ${limits.blocksTextLimit}`],
      };
    }
  }
  // Slack only warns (`missing_text_in_blocks`); our contract requires the fallback, so refuse.
  if (typeof args.text !== "string" || args.text.trim() === "") {
    return { ok: false, error: "no_text", messages: ["[ERROR] a top-level `text` fallback is required"] };
  }
  if (args.text.length > MAX_MESSAGE_TEXT) {
    return {
      ok: false,
      error: "msg_too_long",
      messages: [`[ERROR] text is longer than ${MAX_MESSAGE_TEXT}`],
    };
  }
  return { ok: true };
}

/** A view for views.open / views.update / views.publish. */
export function checkView(raw: unknown, expected?: "modal" | "home"): Verdict {
  const decoded = decodeNested(raw);
  if (!decoded.ok || !isObject(decoded.value)) {
    return { ok: false, error: "invalid_arguments", messages: ["[ERROR] view must be a JSON object"] };
  }
  const view = decoded.value;
  const args = new Problems();
  const type = view.type;
  if (type !== "modal" && type !== "home") {
    args.add("/view/type", "must be one of modal, home");
  } else if (expected && type !== expected) {
    args.add("/view/type", `must be ${expected} for this method`);
  }
  const surface: Surface = type === "home" ? "home" : "modal";
  onlyKeys(
    view,
    surface === "modal"
      ? [
          "type",
          "title",
          "blocks",
          "close",
          "submit",
          "private_metadata",
          "callback_id",
          "clear_on_close",
          "notify_on_close",
          "external_id",
          "submit_disabled",
        ]
      : ["type", "blocks", "private_metadata", "callback_id", "external_id"],
    "/view",
    args,
  );
  if (surface === "modal") {
    textObject(view.title, "/view/title", args, { max: 24, plainOnly: true });
    if (view.close !== undefined) textObject(view.close, "/view/close", args, { max: 24, plainOnly: true });
    if (view.submit !== undefined)
      textObject(view.submit, "/view/submit", args, { max: 24, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === "input");
    if (hasInput && view.submit === undefined)
      args.add("/view/submit", "is required when the view has input blocks");
  }
  optionalString(view.private_metadata, "/view/private_metadata", 3000, args);
  optionalString(view.callback_id, "/view/callback_id", 255, args);
  optionalString(view.external_id, "/view/external_id", 255, args);
  if (args.list.length > 0) return { ok: false, error: "invalid_arguments", messages: args.list };

  const blocks = new Problems();
  if (!Array.isArray(view.blocks)) blocks.add("/view/blocks", "must be an array");
  else checkBlocks(view.blocks, surface, "/view/blocks", blocks);
  if (blocks.list.length > 0) return { ok: false, error: "invalid_blocks", messages: blocks.list };
  return { ok: true };
}

/** Characters of text in every text object (and markdown block) found anywhere in `value`. */
export function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + textLength(v), 0);
  if (!isObject(value)) return 0;
  let total = 0;
  if (
    (value.type === "plain_text" || value.type === "mrkdwn" || value.type === "markdown") &&
    typeof value.text === "string"
  ) {
    total += value.text.length;
  }
  for (const [key, v] of Object.entries(value))
    if (key !== "text" || typeof v !== "string") total += textLength(v);
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Blocks

function checkBlocks(blocks: unknown[], surface: Surface, path: string, problems: Problems): void {
  const max = surface === "message" ? 50 : 100;
  if (blocks.length > max) problems.add(path, `must provide at most ${max} items, got ${blocks.length}`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `${path}/${i}`;
    if (!isObject(block)) {
      problems.add(at, "must be an object");
      return;
    }
    if (block.block_id !== undefined) {
      if (id(block.block_id, `${at}/block_id`, problems) && blockIds.has(block.block_id as string)) {
        problems.add(`${at}/block_id`, `duplicate block_id ${String(block.block_id)}`);
      }
      blockIds.add(String(block.block_id));
    }
    checkBlock(block, surface, at, problems);
  });
}

function checkBlock(block: Json, surface: Surface, at: string, problems: Problems): void {
  switch (block.type) {
    case "header":
      onlyKeys(block, ["type", "block_id", "text"], at, problems);
      textObject(block.text, `${at}/text`, problems, { max: 150, plainOnly: true });
      return;
    case "divider":
      onlyKeys(block, ["type", "block_id"], at, problems);
      return;
    case "section": {
      onlyKeys(block, ["type", "block_id", "text", "fields", "accessory", "expand"], at, problems);
      if (block.text === undefined && block.fields === undefined) {
        problems.add(at, "must provide `text` or `fields`");
      }
      if (block.text !== undefined) textObject(block.text, `${at}/text`, problems, { max: 3000 });
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0) {
          problems.add(`${at}/fields`, "must be a non-empty array");
        } else {
          if (block.fields.length > 10)
            problems.add(`${at}/fields`, `must provide at most 10 items, got ${block.fields.length}`);
          block.fields.forEach((f, i) => {
            textObject(f, `${at}/fields/${i}`, problems, { max: 2000 });
          });
        }
      }
      if (block.accessory !== undefined) {
        element(block.accessory, `${at}/accessory`, problems, ACCESSORIES, new Set());
      }
      return;
    }
    case "context": {
      onlyKeys(block, ["type", "block_id", "elements"], at, problems);
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        problems.add(`${at}/elements`, "must be a non-empty array");
        return;
      }
      if (elements.length > 10)
        problems.add(`${at}/elements`, `must provide at most 10 items, got ${elements.length}`);
      elements.forEach((e, i) => {
        if (isObject(e) && e.type === "image") imageElement(e, `${at}/elements/${i}`, problems);
        else textObject(e, `${at}/elements/${i}`, problems, { max: 3000 });
      });
      return;
    }
    case "actions": {
      onlyKeys(block, ["type", "block_id", "elements"], at, problems);
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        problems.add(`${at}/elements`, "must be a non-empty array");
        return;
      }
      if (elements.length > 25)
        problems.add(`${at}/elements`, `must provide at most 25 items, got ${elements.length}`);
      const actionIds = new Set<string>();
      elements.forEach((e, i) => {
        element(e, `${at}/elements/${i}`, problems, ACTION_ELEMENTS, actionIds);
      });
      return;
    }
    case "input": {
      if (surface === "message") problems.add(`${at}/type`, "input blocks are only allowed in views");
      onlyKeys(
        block,
        ["type", "block_id", "label", "element", "hint", "optional", "dispatch_action"],
        at,
        problems,
      );
      textObject(block.label, `${at}/label`, problems, { max: 2000, plainOnly: true });
      if (block.hint !== undefined)
        textObject(block.hint, `${at}/hint`, problems, { max: 2000, plainOnly: true });
      optionalBoolean(block.optional, `${at}/optional`, problems);
      element(block.element, `${at}/element`, problems, INPUT_ELEMENTS, new Set());
      return;
    }
    case "image":
      onlyKeys(block, ["type", "block_id", "image_url", "alt_text", "title", "slack_file"], at, problems);
      string(block.image_url, `${at}/image_url`, 3000, problems);
      string(block.alt_text, `${at}/alt_text`, 2000, problems);
      if (block.title !== undefined)
        textObject(block.title, `${at}/title`, problems, { max: 2000, plainOnly: true });
      return;
    case "markdown":
      onlyKeys(block, ["type", "block_id", "text"], at, problems);
      string(block.text, `${at}/text`, 12_000, problems);
      return;
    case "rich_text":
      onlyKeys(block, ["type", "block_id", "elements"], at, problems);
      if (!Array.isArray(block.elements)) problems.add(`${at}/elements`, "must be an array");
      return;
    default:
      problems.add(`${at}/type`, `unknown block type ${JSON.stringify(block.type)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Elements

const SELECTS = [
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
];
const ACCESSORIES = new Set([
  "button",
  "image",
  "overflow",
  "checkboxes",
  "radio_buttons",
  "datepicker",
  "timepicker",
  ...SELECTS,
  "multi_static_select",
  "multi_users_select",
]);
const ACTION_ELEMENTS = new Set([
  "button",
  "overflow",
  "checkboxes",
  "radio_buttons",
  "datepicker",
  "timepicker",
  ...SELECTS,
  "multi_static_select",
  "multi_users_select",
]);
const INPUT_ELEMENTS = new Set([
  "plain_text_input",
  "checkboxes",
  "radio_buttons",
  "datepicker",
  "timepicker",
  "email_text_input",
  "number_input",
  "url_text_input",
  ...SELECTS,
  "multi_static_select",
  "multi_users_select",
]);

const COMMON_KEYS = ["type", "action_id", "confirm", "focus_on_load", "placeholder"];
const ELEMENT_KEYS: Record<string, string[]> = {
  button: ["type", "text", "action_id", "url", "value", "style", "confirm", "accessibility_label"],
  static_select: [...COMMON_KEYS, "options", "option_groups", "initial_option"],
  multi_static_select: [...COMMON_KEYS, "options", "option_groups", "initial_options", "max_selected_items"],
  external_select: [...COMMON_KEYS, "initial_option", "min_query_length"],
  users_select: [...COMMON_KEYS, "initial_user"],
  multi_users_select: [...COMMON_KEYS, "initial_users", "max_selected_items"],
  conversations_select: [
    ...COMMON_KEYS,
    "initial_conversation",
    "default_to_current_conversation",
    "response_url_enabled",
    "filter",
  ],
  channels_select: [...COMMON_KEYS, "initial_channel", "response_url_enabled"],
  overflow: ["type", "action_id", "options", "confirm"],
  checkboxes: ["type", "action_id", "options", "initial_options", "confirm", "focus_on_load"],
  radio_buttons: ["type", "action_id", "options", "initial_option", "confirm", "focus_on_load"],
  datepicker: [...COMMON_KEYS, "initial_date"],
  timepicker: [...COMMON_KEYS, "initial_time", "timezone"],
  plain_text_input: [
    ...COMMON_KEYS,
    "initial_value",
    "multiline",
    "min_length",
    "max_length",
    "dispatch_action_config",
  ],
  email_text_input: [...COMMON_KEYS, "initial_value", "dispatch_action_config"],
  url_text_input: [...COMMON_KEYS, "initial_value", "dispatch_action_config"],
  number_input: [
    ...COMMON_KEYS,
    "is_decimal_allowed",
    "initial_value",
    "min_value",
    "max_value",
    "dispatch_action_config",
  ],
  image: ["type", "image_url", "alt_text", "slack_file"],
};

function element(
  value: unknown,
  at: string,
  problems: Problems,
  allowed: Set<string>,
  actionIds: Set<string>,
): void {
  if (!isObject(value)) {
    problems.add(at, "must be an object");
    return;
  }
  const type = String(value.type);
  if (!allowed.has(type) || !ELEMENT_KEYS[type]) {
    problems.add(`${at}/type`, `element type ${JSON.stringify(value.type)} is not allowed here`);
    return;
  }
  onlyKeys(value, ELEMENT_KEYS[type] ?? [], at, problems);
  if (type === "image") {
    imageElement(value, at, problems);
    return;
  }
  if (value.action_id !== undefined && id(value.action_id, `${at}/action_id`, problems)) {
    const actionId = value.action_id as string;
    if (actionIds.has(actionId)) problems.add(`${at}/action_id`, `duplicate action_id ${actionId}`);
    actionIds.add(actionId);
  }
  if (value.confirm !== undefined) confirm(value.confirm, `${at}/confirm`, problems);
  if (value.placeholder !== undefined) {
    textObject(value.placeholder, `${at}/placeholder`, problems, { max: 150, plainOnly: true });
  }
  switch (type) {
    case "button":
      textObject(value.text, `${at}/text`, problems, { max: 75, plainOnly: true });
      optionalString(value.value, `${at}/value`, 2000, problems);
      optionalString(value.url, `${at}/url`, 3000, problems);
      optionalString(value.accessibility_label, `${at}/accessibility_label`, 75, problems);
      if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
        problems.add(`${at}/style`, "must be one of primary, danger");
      }
      return;
    case "static_select":
    case "multi_static_select": {
      const hasOptions = value.options !== undefined;
      const hasGroups = value.option_groups !== undefined;
      if (hasOptions === hasGroups)
        problems.add(at, "must provide exactly one of `options` and `option_groups`");
      const all: Json[] = [];
      if (hasOptions)
        all.push(...options(value.options, `${at}/options`, problems, { max: 100, plainOnly: true }));
      if (hasGroups) {
        if (
          !Array.isArray(value.option_groups) ||
          value.option_groups.length === 0 ||
          value.option_groups.length > 100
        ) {
          problems.add(`${at}/option_groups`, "must provide 1 to 100 items");
        } else {
          value.option_groups.forEach((g, i) => {
            const gat = `${at}/option_groups/${i}`;
            if (!isObject(g)) {
              problems.add(gat, "must be an object");
              return;
            }
            onlyKeys(g, ["label", "options"], gat, problems);
            textObject(g.label, `${gat}/label`, problems, { max: 75, plainOnly: true });
            all.push(...options(g.options, `${gat}/options`, problems, { max: 100, plainOnly: true }));
          });
        }
      }
      if (
        isObject(value.initial_option) &&
        !all.some((o) => o.value === (value.initial_option as Json).value)
      ) {
        problems.add(`${at}/initial_option`, "must be one of the options");
      }
      return;
    }
    case "overflow":
      options(value.options, `${at}/options`, problems, { min: 1, max: 5, plainOnly: true, url: true });
      return;
    case "checkboxes":
    case "radio_buttons":
      options(value.options, `${at}/options`, problems, { max: 10 });
      return;
    case "plain_text_input": {
      optionalBoolean(value.multiline, `${at}/multiline`, problems);
      const max = value.max_length;
      if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 3000)) {
        problems.add(`${at}/max_length`, "must be an integer from 1 to 3000");
      }
      const min = value.min_length;
      if (min !== undefined && (typeof min !== "number" || !Number.isInteger(min) || min < 0 || min > 3000)) {
        problems.add(`${at}/min_length`, "must be an integer from 0 to 3000");
      }
      if (typeof min === "number" && typeof max === "number" && min > max) {
        problems.add(`${at}/min_length`, "must not be greater than max_length");
      }
      optionalString(value.initial_value, `${at}/initial_value`, 3000, problems, true);
      return;
    }
    default:
      return;
  }
}

function options(
  value: unknown,
  at: string,
  problems: Problems,
  rule: { min?: number; max: number; plainOnly?: boolean; url?: boolean },
): Json[] {
  if (!Array.isArray(value) || value.length < (rule.min ?? 1)) {
    problems.add(at, `must provide at least ${rule.min ?? 1} item`);
    return [];
  }
  if (value.length > rule.max)
    problems.add(at, `must provide at most ${rule.max} items, got ${value.length}`);
  const out: Json[] = [];
  const values = new Set<string>();
  value.forEach((o, i) => {
    const oat = `${at}/${i}`;
    if (!isObject(o)) {
      problems.add(oat, "must be an object");
      return;
    }
    onlyKeys(
      o,
      rule.url ? ["text", "value", "description", "url"] : ["text", "value", "description"],
      oat,
      problems,
    );
    textObject(o.text, `${oat}/text`, problems, { max: 75, plainOnly: rule.plainOnly ?? false });
    if (string(o.value, `${oat}/value`, 150, problems)) {
      if (values.has(o.value as string))
        problems.add(`${oat}/value`, `duplicate option value ${String(o.value)}`);
      values.add(o.value as string);
    }
    if (o.description !== undefined)
      textObject(o.description, `${oat}/description`, problems, { max: 75, plainOnly: true });
    if (o.url !== undefined) string(o.url, `${oat}/url`, 3000, problems);
    out.push(o);
  });
  return out;
}

function confirm(value: unknown, at: string, problems: Problems): void {
  if (!isObject(value)) {
    problems.add(at, "must be an object");
    return;
  }
  onlyKeys(value, ["title", "text", "confirm", "deny", "style"], at, problems);
  if (value.title !== undefined)
    textObject(value.title, `${at}/title`, problems, { max: 100, plainOnly: true });
  textObject(value.text, `${at}/text`, problems, { max: 300 });
  if (value.confirm !== undefined)
    textObject(value.confirm, `${at}/confirm`, problems, { max: 30, plainOnly: true });
  if (value.deny !== undefined) textObject(value.deny, `${at}/deny`, problems, { max: 30, plainOnly: true });
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
    problems.add(`${at}/style`, "must be one of primary, danger");
  }
}

function imageElement(value: Json, at: string, problems: Problems): void {
  onlyKeys(value, ["type", "image_url", "alt_text", "slack_file"], at, problems);
  if (value.slack_file === undefined) string(value.image_url, `${at}/image_url`, 3000, problems);
  string(value.alt_text, `${at}/alt_text`, 2000, problems);
}

// ---------------------------------------------------------------------------------------------------
// Primitives

function textObject(
  value: unknown,
  at: string,
  problems: Problems,
  rule: { max: number; plainOnly?: boolean },
): void {
  if (!isObject(value)) {
    problems.add(at, "must be a text object");
    return;
  }
  if (value.type !== "plain_text" && value.type !== "mrkdwn") {
    problems.add(`${at}/type`, "must be one of plain_text, mrkdwn");
    return;
  }
  if (rule.plainOnly && value.type !== "plain_text") {
    problems.add(`${at}/type`, "must be plain_text");
    return;
  }
  onlyKeys(
    value,
    value.type === "plain_text" ? ["type", "text", "emoji"] : ["type", "text", "verbatim"],
    at,
    problems,
  );
  if (typeof value.text !== "string") {
    problems.add(`${at}/text`, "must be a string");
    return;
  }
  if (value.text.trim().length === 0) problems.add(`${at}/text`, "must be more than 0 characters");
  if (value.text.length > rule.max) {
    problems.add(`${at}/text`, `must be less than ${rule.max + 1} characters, got ${value.text.length}`);
  }
  if (value.type === "plain_text") optionalBoolean(value.emoji, `${at}/emoji`, problems);
  else optionalBoolean(value.verbatim, `${at}/verbatim`, problems);
}

function id(value: unknown, at: string, problems: Problems): boolean {
  return string(value, at, 255, problems);
}

function string(value: unknown, at: string, max: number, problems: Problems): boolean {
  if (typeof value !== "string" || value.length === 0) {
    problems.add(at, "must be a non-empty string");
    return false;
  }
  if (value.length > max) {
    problems.add(at, `must be less than ${max + 1} characters, got ${value.length}`);
    return false;
  }
  return true;
}

function optionalString(
  value: unknown,
  at: string,
  max: number,
  problems: Problems,
  allowEmpty = false,
): void {
  if (value === undefined) return;
  if (allowEmpty && value === "") return;
  string(value, at, max, problems);
}

function optionalBoolean(value: unknown, at: string, problems: Problems): void {
  if (value !== undefined && typeof value !== "boolean") problems.add(at, "must be a boolean");
}

function onlyKeys(value: Json, allowed: readonly string[], at: string, problems: Problems): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.add(`${at}/${key}`, `invalid additional property: ${key}`);
  }
}

/** For tests of the fake itself and for callers that want Slack's verdict without a server. */
export function checkBlocksFor(blocks: unknown, surface: Surface): Verdict {
  const decoded = decodeNested(blocks);
  if (!decoded.ok || !Array.isArray(decoded.value)) {
    return { ok: false, error: "invalid_blocks_format", messages: ["[ERROR] blocks must be a JSON array"] };
  }
  const problems = new Problems();
  checkBlocks(decoded.value, surface, "/blocks", problems);
  return problems.list.length > 0
    ? { ok: false, error: "invalid_blocks", messages: problems.list }
    : { ok: true };
}
