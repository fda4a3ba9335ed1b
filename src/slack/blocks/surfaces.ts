/**
 * Whole surfaces inside Slack's budgets: a message's, a modal's or a Home tab's blocks cut to fit
 * with a note of what was left out (`fitBlocks`), or split over several messages
 * (`splitIntoMessages`), and the modal and Home tab built that way. Blocks that belong together
 * (a request's section and its buttons) go or stay together.
 */
import type { AnyBlock, HomeView, ModalView } from "@slack/types";
import { checkId, context, LIMITS, moreNote, plainText, type Surface } from "./kit.ts";

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
