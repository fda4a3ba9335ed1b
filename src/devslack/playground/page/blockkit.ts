/**
 * Block Kit as HTML, the way Slack lays it out: header, section (text, fields, accessory), context,
 * divider, actions, input, image, with buttons (primary/danger, confirm dialogs) and selects. What
 * it cannot draw it shows raw, with a note saying so: nothing the bot sends is silently dropped.
 * Pure and DOM-free; the page wires the `data-*` attributes to clicks.
 */
import type { ClickTarget } from "../protocol.ts";
import { escapeHtml, type Names, renderMrkdwn, renderPlain } from "./mrkdwn.ts";

type Json = Record<string, unknown>;

export interface RenderContext {
  names: Names;
  /** Where clicks go; undefined when Slack would not send them to the app (they are shown inert). */
  target: ClickTarget | undefined;
  /** A modal's input errors by `block_id` (`response_action: "errors"`). */
  errors?: Record<string, string>;
}

/** What the page needs to send a click: on which element, with which value, after which dialog. */
export interface ClickData {
  actionId: string;
  value?: string;
  on: ClickTarget;
  confirm?: { title: string; text: string; confirm: string; deny: string; style?: string };
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const attr = (value: unknown) => escapeHtml(JSON.stringify(value));

export function renderText(value: unknown, names: Names): string {
  if (!isObject(value) || typeof value.text !== "string") return "";
  return value.type === "mrkdwn"
    ? renderMrkdwn(value.text, names)
    : renderPlain(value.text, value.emoji !== false);
}

/** Plain text of a text object (labels, options), for places that take no markup. */
const plain = (value: unknown) => (isObject(value) && typeof value.text === "string" ? value.text : "");

export function raw(value: unknown, what: string): string {
  return (
    `<div class="bk-raw"><div class="bk-raw-note">The playground cannot show ${escapeHtml(what)}; ` +
    `here it is as the bot sent it.</div><pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre></div>`
  );
}

function confirmOf(value: unknown): ClickData["confirm"] | undefined {
  if (!isObject(value)) return undefined;
  return {
    title: plain(value.title) || "Are you sure?",
    text: plain(value.text),
    confirm: plain(value.confirm) || "Yes",
    deny: plain(value.deny) || "Cancel",
    ...(typeof value.style === "string" ? { style: value.style } : {}),
  };
}

function optionsOf(element: Json): Json[] {
  const direct = Array.isArray(element.options) ? element.options.filter(isObject) : [];
  const groups = Array.isArray(element.option_groups) ? element.option_groups.filter(isObject) : [];
  return [...direct, ...groups.flatMap((g) => (Array.isArray(g.options) ? g.options.filter(isObject) : []))];
}

function select(element: Json, ctx: RenderContext, input: boolean): string {
  const initial = isObject(element.initial_option) ? element.initial_option.value : undefined;
  const placeholder = plain(element.placeholder) || "Select an item";
  const options = optionsOf(element)
    .map((o) => {
      const selected = o.value === initial ? " selected" : "";
      return `<option value="${escapeHtml(String(o.value))}"${selected}>${escapeHtml(plain(o.text))}</option>`;
    })
    .join("");
  const wiring = input
    ? `data-input="${escapeHtml(String(element.action_id))}"`
    : ctx.target
      ? `data-pick="${attr({ actionId: element.action_id, on: ctx.target, confirm: confirmOf(element.confirm) })}"`
      : "disabled";
  const empty = `<option value=""${initial === undefined ? " selected" : ""} disabled>${escapeHtml(placeholder)}</option>`;
  return `<select class="bk-select" ${wiring}>${empty}${options}</select>`;
}

export function renderElement(element: unknown, ctx: RenderContext, input = false): string {
  if (!isObject(element)) return raw(element, "this element");
  switch (element.type) {
    case "button": {
      const style = element.style === "primary" || element.style === "danger" ? ` ${element.style}` : "";
      const label = renderPlain(plain(element.text), true);
      if (!ctx.target) return `<button class="bk-button${style}" disabled>${label}</button>`;
      const data: ClickData = { actionId: String(element.action_id), on: ctx.target };
      if (typeof element.value === "string") data.value = element.value;
      const confirm = confirmOf(element.confirm);
      if (confirm) data.confirm = confirm;
      return `<button class="bk-button${style}" data-click="${attr(data)}">${label}</button>`;
    }
    case "static_select":
    case "overflow":
      return select(element, ctx, input);
    case "plain_text_input": {
      const name = escapeHtml(String(element.action_id));
      const placeholder = escapeHtml(plain(element.placeholder));
      const value = escapeHtml(typeof element.initial_value === "string" ? element.initial_value : "");
      const max = typeof element.max_length === "number" ? ` maxlength="${element.max_length}"` : "";
      return element.multiline === true
        ? `<textarea class="bk-input" data-input="${name}" placeholder="${placeholder}"${max}>${value}</textarea>`
        : `<input class="bk-input" data-input="${name}" placeholder="${placeholder}" value="${value}"${max}>`;
    }
    case "image":
      return `<span class="bk-image" title="${escapeHtml(String(element.image_url ?? ""))}">🖼 ${escapeHtml(String(element.alt_text ?? "image"))}</span>`;
    default:
      return raw(element, `a ${String(element.type)} element`);
  }
}

function section(block: Json, ctx: RenderContext): string {
  const text =
    block.text === undefined ? "" : `<div class="bk-text">${renderText(block.text, ctx.names)}</div>`;
  const fields = Array.isArray(block.fields)
    ? `<div class="bk-fields">${block.fields.map((f) => `<div class="bk-field">${renderText(f, ctx.names)}</div>`).join("")}</div>`
    : "";
  const accessory =
    block.accessory === undefined
      ? ""
      : `<div class="bk-accessory">${renderElement(block.accessory, ctx)}</div>`;
  return `<div class="bk-section"><div class="bk-main">${text}${fields}</div>${accessory}</div>`;
}

function inputBlock(block: Json, ctx: RenderContext): string {
  const blockId = typeof block.block_id === "string" ? block.block_id : "";
  const error = ctx.errors?.[blockId];
  const optional = block.optional === true ? ' <span class="bk-optional">(optional)</span>' : "";
  const hint =
    block.hint === undefined ? "" : `<div class="bk-hint">${renderText(block.hint, ctx.names)}</div>`;
  const errorHtml = error ? `<div class="bk-error">${escapeHtml(error)}</div>` : "";
  return (
    `<label class="bk-input-block${error ? " has-error" : ""}" data-block="${escapeHtml(blockId)}">` +
    `<span class="bk-label">${renderPlain(plain(block.label))}${optional}</span>` +
    `${renderElement(block.element, ctx, true)}${errorHtml}${hint}</label>`
  );
}

export function renderBlock(block: unknown, ctx: RenderContext): string {
  if (!isObject(block)) return raw(block, "this block");
  switch (block.type) {
    case "header":
      return `<div class="bk-header">${renderText(block.text, ctx.names)}</div>`;
    case "section":
      return section(block, ctx);
    case "divider":
      return '<hr class="bk-divider">';
    case "context": {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      const parts = elements.map((e) =>
        isObject(e) && e.type === "image"
          ? renderElement(e, ctx)
          : `<span>${renderText(e, ctx.names)}</span>`,
      );
      return `<div class="bk-context">${parts.join("")}</div>`;
    }
    case "actions": {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return `<div class="bk-actions">${elements.map((e) => renderElement(e, ctx)).join("")}</div>`;
    }
    case "input":
      return inputBlock(block, ctx);
    case "image":
      return `<div class="bk-image-block">${renderElement({ ...block, type: "image" }, ctx)}</div>`;
    default:
      return raw(block, `a ${String(block.type)} block`);
  }
}

export function renderBlocks(blocks: unknown, ctx: RenderContext): string {
  if (!Array.isArray(blocks)) return blocks === undefined ? "" : raw(blocks, "these blocks");
  return blocks.map((b) => renderBlock(b, ctx)).join("");
}
