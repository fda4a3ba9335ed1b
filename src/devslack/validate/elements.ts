/** Interactive and image elements inside blocks: which may go where, their properties and limits. */
import {
  id,
  isObject,
  type Json,
  onlyKeys,
  optionalBoolean,
  optionalString,
  type Problems,
  string,
  textObject,
} from "./primitives.ts";

const SELECTS = [
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
];
/** Elements that take a choice or a date, allowed in actions, accessories and inputs alike. */
const CHOICES = [
  "checkboxes",
  "radio_buttons",
  "datepicker",
  "timepicker",
  ...SELECTS,
  "multi_static_select",
  "multi_users_select",
];
export const ACTION_ELEMENTS = new Set(["button", "overflow", ...CHOICES]);
export const ACCESSORIES = new Set([...ACTION_ELEMENTS, "image"]);
export const INPUT_ELEMENTS = new Set([
  "plain_text_input",
  "email_text_input",
  "number_input",
  "url_text_input",
  ...CHOICES,
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

export function element(
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

export function imageElement(value: Json, at: string, problems: Problems): void {
  onlyKeys(value, ["type", "image_url", "alt_text", "slack_file"], at, problems);
  if (value.slack_file === undefined) string(value.image_url, `${at}/image_url`, 3000, problems);
  string(value.alt_text, `${at}/alt_text`, 2000, problems);
}
