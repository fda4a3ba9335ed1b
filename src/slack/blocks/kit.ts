/**
 * Small typed Block Kit builders that keep every block inside Slack's limits, so a long display name,
 * reason or list can never turn a reply into `invalid_blocks` or `msg_blocks_too_long`.
 *
 * - Human-readable text is truncated with an ellipsis, on a grapheme boundary (never half an emoji)
 *   and, for mrkdwn, never inside an `&amp;` entity or a `<@U…>` / `<url|label>` token.
 * - Identifiers (`action_id`, `block_id`, `callback_id`) and values (button `value`, option `value`,
 *   `private_metadata`) are NOT truncated: a shortened id or value would silently misroute a click,
 *   so an over-long one throws a RangeError (a bug in our code, caught by the tests).
 * - Lists are kept within a message with `fitBlocks` ("…and N more") or `splitIntoMessages`
 *   (surfaces.ts, which also builds modals and Home tabs inside their budgets).
 *
 * Lengths are counted in UTF-16 code units (`string.length`): never fewer than Slack's own count of
 * characters, so staying under our count keeps us under Slack's.
 */
import type {
  ActionsBlock,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  MrkdwnElement,
  PlainTextElement,
  PlainTextInput,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from "@slack/types";

/** A message as the bot sends it: always a plain-text fallback; blocks, when any, inside Slack's limits. */
export interface OutgoingMessage {
  text: string;
  blocks?: unknown[];
}

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  id: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  selectOptions: 100,
  optionText: 75,
  // Slack's reference says 150 for an option value, older docs and @slack/types say 75: keep to 75.
  optionValue: 75,
  optionDescription: 75,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  inputMaxLength: 3000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  /** Slack's advice for a message's top-level `text` (it truncates beyond 40,000). */
  fallbackText: 4000,
  /**
   * Total text of a message's blocks. Slack refuses with `msg_blocks_too_long` somewhere around
   * 12–13k characters even when every block is in bounds; stay well under.
   */
  messageTextBudget: 11_000,
  /** Views have no documented text cap, only `view_too_large` at 250 kB: this keeps them far from it. */
  viewTextBudget: 60_000,
} as const;

export type Surface = "message" | "modal" | "home";

const ELLIPSIS = "…";
// Used where Slack needs a non-empty text: Slack refuses "" in every text object.
const EMPTY_TEXT = "\u200b";
// Immutable and stateless: safe to share.
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

// Outside text is the business of text.ts; the builders re-export what every renderer needs.
export { escapeMrkdwn, inlineCode } from "./text.ts";

/** A Slack user mention, rendered with the member's current name. */
export function mention(userId: string): string {
  return `<@${userId}>`;
}

/**
 * The longest prefix of whole graphemes that fits in `max` code units. Segmenting is slow, so plain
 * ASCII at the cut needs none, and otherwise only a window before the cut is segmented: a grapheme
 * longer than that window (never seen outside of "zalgo" text) is the only thing it could split.
 */
function graphemePrefix(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  const before = text.charCodeAt(max - 1);
  const after = text.charCodeAt(max);
  if (before < 0x80 && after < 0x80 && !(before === 0x0d && after === 0x0a)) return text.slice(0, max);
  const from = Math.max(0, max - 64);
  let end = from;
  for (const { index, segment } of graphemes.segment(text.slice(from, max + 32))) {
    const stop = from + index + segment.length;
    if (stop > max) break;
    end = stop;
  }
  return text.slice(0, end);
}

/** `text` cut to at most `max` code units, ending in "…" when it was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return "";
  return `${graphemePrefix(text, max - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
}

/** Like `truncate`, but never leaves half an `&amp;` entity or half a `<…>` token behind. */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return "";
  let kept = graphemePrefix(text, max - ELLIPSIS.length);
  const open = kept.lastIndexOf("<");
  if (open > kept.lastIndexOf(">")) kept = kept.slice(0, open);
  const entity = /&[a-z#0-9]{0,7}$/i.exec(kept);
  if (entity) kept = kept.slice(0, entity.index);
  return `${kept.trimEnd()}${ELLIPSIS}`;
}

function nonEmpty(text: string): string {
  return text.trim() === "" ? EMPTY_TEXT : text;
}

export function checkId(what: string, value: string, max: number = LIMITS.id): string {
  if (value.length === 0 || value.length > max) {
    throw new RangeError(`${what} must be 1 to ${max} characters, got ${value.length}`);
  }
  return value;
}

export function plainText(text: string, max: number = LIMITS.sectionText): PlainTextElement {
  return { type: "plain_text", text: nonEmpty(truncate(text, max)), emoji: true };
}

/** A mrkdwn text object. `text` is mrkdwn: escape user input with `escapeMrkdwn` first. */
export function mrkdwn(text: string, max: number = LIMITS.sectionText): MrkdwnElement {
  return { type: "mrkdwn", text: nonEmpty(truncateMrkdwn(text, max)) };
}

/** A message's top-level `text`: the notification and screen-reader fallback every message needs. */
export function fallbackText(text: string): string {
  return nonEmpty(truncate(text, LIMITS.fallbackText));
}

export interface BlockOptions {
  blockId?: string;
}

function withBlockId<T extends object>(block: T, options: BlockOptions): T & { block_id?: string } {
  return options.blockId === undefined ? block : { ...block, block_id: checkId("block_id", options.blockId) };
}

export function moreNote(omitted: number): string {
  return `…and ${omitted} more`;
}

/** Keeps at most `max` items, the last one replaced by "…and N more" when some had to go. */
function capWithNote(items: readonly string[], max: number): string[] {
  if (items.length <= max) return [...items];
  return [...items.slice(0, max - 1), moreNote(items.length - (max - 1))];
}

export function header(text: string, options: BlockOptions = {}): HeaderBlock {
  return withBlockId({ type: "header", text: plainText(text, LIMITS.headerText) }, options);
}

export interface SectionOptions extends BlockOptions {
  /** mrkdwn columns shown under the text (at most 10 kept, the tenth then says how many were left out). */
  fields?: readonly string[];
  accessory?: Button | StaticSelect;
}

/** A section of mrkdwn `text`. */
export function section(text: string, options: SectionOptions = {}): SectionBlock {
  const block: SectionBlock = { type: "section", text: mrkdwn(text, LIMITS.sectionText) };
  if (options.fields && options.fields.length > 0) block.fields = fieldTexts(options.fields);
  if (options.accessory) block.accessory = options.accessory;
  return withBlockId(block, options);
}

function fieldTexts(texts: readonly string[]): MrkdwnElement[] {
  return capWithNote(texts, LIMITS.sectionFields).map((t) => mrkdwn(t, LIMITS.fieldText));
}

/** A section made only of mrkdwn fields (two columns in Slack). */
export function fields(texts: readonly string[], options: BlockOptions = {}): SectionBlock {
  const list = texts.length > 0 ? texts : [EMPTY_TEXT];
  return withBlockId({ type: "section", fields: fieldTexts(list) }, options);
}

/** Small grey mrkdwn lines. */
export function context(elements: readonly string[], options: BlockOptions = {}): ContextBlock {
  const list = elements.length > 0 ? elements : [EMPTY_TEXT];
  return withBlockId(
    {
      type: "context",
      elements: capWithNote(list, LIMITS.contextElements).map((t) => mrkdwn(t, LIMITS.contextText)),
    },
    options,
  );
}

export function divider(options: BlockOptions = {}): DividerBlock {
  return withBlockId({ type: "divider" }, options);
}

/** Buttons and selects in a row. Slack allows 25; anything beyond is dropped, so keep lists in a select. */
export function actions(
  elements: readonly (Button | StaticSelect)[],
  options: BlockOptions = {},
): ActionsBlock {
  if (elements.length === 0) throw new RangeError("an actions block needs at least one element");
  return withBlockId({ type: "actions", elements: elements.slice(0, LIMITS.actionsElements) }, options);
}

export interface ConfirmOptions {
  title: string;
  /** mrkdwn */
  text: string;
  confirm: string;
  deny: string;
  style?: "primary" | "danger";
}

export function confirmDialog(options: ConfirmOptions): ConfirmationDialog {
  const dialog: ConfirmationDialog = {
    title: plainText(options.title, LIMITS.confirmTitle),
    text: mrkdwn(options.text, LIMITS.confirmText),
    confirm: plainText(options.confirm, LIMITS.confirmButton),
    deny: plainText(options.deny, LIMITS.confirmButton),
  };
  if (options.style) dialog.style = options.style;
  return dialog;
}

export interface ButtonOptions {
  text: string;
  actionId: string;
  value?: string;
  style?: "primary" | "danger";
  confirm?: ConfirmOptions;
  url?: string;
}

export function button(options: ButtonOptions): Button {
  const el: Button = {
    type: "button",
    text: plainText(options.text, LIMITS.buttonText),
    action_id: checkId("action_id", options.actionId),
  };
  if (options.value !== undefined) el.value = checkId("button value", options.value, LIMITS.buttonValue);
  if (options.style) el.style = options.style;
  if (options.confirm) el.confirm = confirmDialog(options.confirm);
  if (options.url !== undefined) el.url = checkId("button url", options.url, LIMITS.url);
  return el;
}

export interface SelectOption {
  text: string;
  value: string;
  description?: string;
}

export function selectOption(option: SelectOption): PlainTextOption {
  const out: PlainTextOption = {
    text: plainText(option.text, LIMITS.optionText),
    value: checkId("option value", option.value, LIMITS.optionValue),
  };
  if (option.description) out.description = plainText(option.description, LIMITS.optionDescription);
  return out;
}

export interface StaticSelectOptions {
  actionId: string;
  placeholder: string;
  /** At most 100 are kept: Slack shows no more in one menu. */
  options: readonly SelectOption[];
  initialValue?: string;
  confirm?: ConfirmOptions;
}

export function staticSelect(options: StaticSelectOptions): StaticSelect {
  if (options.options.length === 0) throw new RangeError("a static select needs at least one option");
  const list = options.options.slice(0, LIMITS.selectOptions).map(selectOption);
  const el: StaticSelect = {
    type: "static_select",
    action_id: checkId("action_id", options.actionId),
    placeholder: plainText(options.placeholder, LIMITS.placeholder),
    options: list,
  };
  const initial = list.find((o) => o.value === options.initialValue);
  if (initial) el.initial_option = initial;
  if (options.confirm) el.confirm = confirmDialog(options.confirm);
  return el;
}

export interface TextInputOptions extends BlockOptions {
  label: string;
  actionId: string;
  multiline?: boolean;
  placeholder?: string;
  hint?: string;
  optional?: boolean;
  minLength?: number;
  maxLength?: number;
  initialValue?: string;
}

/** An input block with a plain-text field (a modal's "reason" box). */
export function textInput(options: TextInputOptions): InputBlock {
  const maxLength = Math.min(options.maxLength ?? LIMITS.inputMaxLength, LIMITS.inputMaxLength);
  const element: PlainTextInput = {
    type: "plain_text_input",
    action_id: checkId("action_id", options.actionId),
    multiline: options.multiline ?? false,
    max_length: maxLength,
  };
  if (options.minLength !== undefined) element.min_length = Math.min(options.minLength, maxLength);
  if (options.placeholder) element.placeholder = plainText(options.placeholder, LIMITS.placeholder);
  if (options.initialValue) element.initial_value = truncate(options.initialValue, maxLength);
  const block: InputBlock = {
    type: "input",
    label: plainText(options.label, LIMITS.inputLabel),
    element,
    optional: options.optional ?? false,
  };
  if (options.hint) block.hint = plainText(options.hint, LIMITS.inputHint);
  return withBlockId(block, options);
}
