/**
 * Small typed Block Kit builders that keep every block inside Slack's limits, so a long display name,
 * reason or list can never turn a reply into `invalid_blocks` or `msg_blocks_too_long`.
 *
 * - Human-readable text is truncated with an ellipsis, on a grapheme boundary (never half an emoji)
 *   and, for mrkdwn, never inside an `&amp;` entity or a `<@U…>` / `<url|label>` token.
 * - Identifiers (`action_id`, `block_id`, `callback_id`) and values (button `value`, option `value`,
 *   `private_metadata`) are NOT truncated: a shortened id or value would silently misroute a click,
 *   so an over-long one throws a RangeError (a bug in our code, caught by the tests).
 * - Lists are kept within a message with `fitBlocks` ("…and N more") or `splitIntoMessages`.
 *
 * Lengths are counted in UTF-16 code units (`string.length`): never fewer than Slack's own count of
 * characters, so staying under our count keeps us under Slack's.
 */
import type {
  ActionsBlock,
  AnyBlock,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  HomeView,
  InputBlock,
  ModalView,
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

/** Escapes user-supplied text for mrkdwn: Slack gives `&`, `<` and `>` control meanings. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A Slack user mention, rendered with the member's current name. */
export function mention(userId: string): string {
  return `<@${userId}>`;
}

/** User text shown as inline code: escaped, with backticks replaced so it cannot close the span. */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "ˋ").replace(/\s+/g, " "))}\``;
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

function checkId(what: string, value: string, max: number = LIMITS.id): string {
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

function moreNote(omitted: number): string {
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

export interface ModalOptions {
  title: string;
  blocks: readonly AnyBlock[];
  submit?: string;
  close?: string;
  callbackId?: string;
  /** Carried back in the submission; never trusted for state (read the store). */
  privateMetadata?: string;
  /** Called with the number of blocks left out when there are more than 100. */
  note?: (omitted: number) => AnyBlock;
}

export function modal(options: ModalOptions): ModalView {
  const view: ModalView = {
    type: "modal",
    title: plainText(options.title, LIMITS.viewTitle),
    blocks: fitBlocks(options.blocks, { surface: "modal", note: options.note ?? defaultNote }),
  };
  if (options.submit) view.submit = plainText(options.submit, LIMITS.viewButton);
  if (options.close) view.close = plainText(options.close, LIMITS.viewButton);
  if (options.callbackId !== undefined) view.callback_id = checkId("callback_id", options.callbackId);
  if (options.privateMetadata !== undefined) {
    view.private_metadata = checkId("private_metadata", options.privateMetadata, LIMITS.privateMetadata);
  }
  return view;
}

export interface HomeOptions {
  blocks: readonly BlockGroup[];
  callbackId?: string;
  note?: (omitted: number) => AnyBlock;
}

/** A Home tab, kept inside 100 blocks. */
export function homeView(options: HomeOptions): HomeView {
  const view: HomeView = {
    type: "home",
    blocks: fitBlocks(options.blocks, { surface: "home", note: options.note ?? defaultNote }),
  };
  if (options.callbackId !== undefined) view.callback_id = checkId("callback_id", options.callbackId);
  return view;
}

function defaultNote(omitted: number): AnyBlock {
  return context([`_${moreNote(omitted)} not shown_`]);
}

// ---------------------------------------------------------------------------------------------------
// Whole-message budgets

/** One block, or blocks that belong together (a request's section and its buttons) and go or stay together. */
export type BlockGroup = AnyBlock | readonly AnyBlock[];

function asArray(group: BlockGroup): readonly AnyBlock[] {
  return Array.isArray(group) ? (group as readonly AnyBlock[]) : [group as AnyBlock];
}

/** Total characters of every text object in `value`: what `msg_blocks_too_long` counts. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + blocksTextLength(v), 0);
  if (value === null || typeof value !== "object") return 0;
  const record = value as Record<string, unknown>;
  let total = 0;
  for (const [key, v] of Object.entries(record)) {
    if (key === "text" && typeof v === "string") total += v.length;
    else total += blocksTextLength(v);
  }
  return total;
}

export interface Budget {
  maxBlocks: number;
  maxTextChars: number;
}

export function budgetFor(surface: Surface): Budget {
  return surface === "message"
    ? { maxBlocks: LIMITS.messageBlocks, maxTextChars: LIMITS.messageTextBudget }
    : { maxBlocks: LIMITS.viewBlocks, maxTextChars: LIMITS.viewTextBudget };
}

export interface FitOptions {
  surface: Surface;
  /** The block that replaces what did not fit; `omitted` counts left-out groups (items), not blocks. */
  note: (omitted: number) => AnyBlock;
  /** Overrides of the surface's budget, e.g. to leave room for blocks added afterwards. */
  maxBlocks?: number;
  maxTextChars?: number;
}

/**
 * The longest prefix of `groups` that fits the surface, followed by `note(omitted)` when something
 * had to go. Order is kept: a later small item never jumps ahead of an earlier large one.
 */
export function fitBlocks(groups: readonly BlockGroup[], options: FitOptions): AnyBlock[] {
  const budget = { ...budgetFor(options.surface), ...definedBudget(options) };
  const all = groups.flatMap(asArray);
  if (all.length <= budget.maxBlocks && blocksTextLength(all) <= budget.maxTextChars) return all;

  // Reserve room for the note, sized for the largest count it could show.
  const noteCost = blocksTextLength(options.note(groups.length));
  const kept: AnyBlock[] = [];
  let text = 0;
  let taken = 0;
  for (const group of groups) {
    const blocks = asArray(group);
    const cost = blocksTextLength(blocks);
    if (kept.length + blocks.length > budget.maxBlocks - 1) break;
    if (text + cost > budget.maxTextChars - noteCost) break;
    kept.push(...blocks);
    text += cost;
    taken++;
  }
  kept.push(options.note(groups.length - taken));
  return kept;
}

export interface SplitOptions {
  /** Blocks that start every message (a header saying "part 2 of 3"); counted in each budget. */
  head?: (index: number, count: number) => AnyBlock[];
  maxBlocks?: number;
  maxTextChars?: number;
}

/**
 * `groups` cut into as many messages as needed, each within a message's budget, order kept and no
 * group split across messages (unless a single group is too big for a message on its own).
 */
export function splitIntoMessages(groups: readonly BlockGroup[], options: SplitOptions = {}): AnyBlock[][] {
  const budget = { ...budgetFor("message"), ...definedBudget(options) };
  // The head may name the count; reserve room for it with a generous guess first.
  const headCost = (index: number, count: number) => {
    const blocks = options.head?.(index, count) ?? [];
    return { blocks: blocks.length, text: blocksTextLength(blocks) };
  };
  const reserve = headCost(groups.length, groups.length);
  const room = { blocks: budget.maxBlocks - reserve.blocks, text: budget.maxTextChars - reserve.text };

  const pages: AnyBlock[][] = [];
  let page: AnyBlock[] = [];
  let text = 0;
  const flush = () => {
    if (page.length > 0) pages.push(page);
    page = [];
    text = 0;
  };
  const queue = [...groups];
  while (queue.length > 0) {
    const group = queue.shift() as BlockGroup;
    const blocks = asArray(group);
    const cost = blocksTextLength(blocks);
    if (page.length + blocks.length <= room.blocks && text + cost <= room.text) {
      page.push(...blocks);
      text += cost;
    } else if (page.length > 0) {
      flush();
      queue.unshift(group);
    } else if (blocks.length > 1) {
      // Too big for a message of its own: its blocks have to go separately.
      queue.unshift(...blocks);
    } else {
      page.push(...blocks);
      flush();
    }
  }
  flush();
  if (!options.head) return pages;
  return pages.map((blocks, i) => [...(options.head?.(i, pages.length) ?? []), ...blocks]);
}

function definedBudget(options: { maxBlocks?: number; maxTextChars?: number }): Partial<Budget> {
  const out: Partial<Budget> = {};
  if (options.maxBlocks !== undefined) out.maxBlocks = options.maxBlocks;
  if (options.maxTextChars !== undefined) out.maxTextChars = options.maxTextChars;
  return out;
}
