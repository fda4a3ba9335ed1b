/**
 * What Slack refuses, checked the way Slack checks it: written from Slack's Block Kit reference and
 * deliberately NOT from src/slack/blocks/kit.ts, so a bug in our builders shows up as a refusal here.
 *
 * Problems are reported like Slack does in `response_metadata.messages`:
 * "[ERROR] <what> [json-pointer:/blocks/3/text/text]".
 */

import { checkBlocks } from "./blocks.ts";
import { isObject, onlyKeys, optionalString, Problems, type Surface, textObject } from "./primitives.ts";

export type Verdict = { ok: true } | { ok: false; error: string; messages: string[] };

export interface MessageLimits {
  /** Total characters of block text above which Slack answers `msg_blocks_too_long`. */
  blocksTextLimit: number;
}

export const DEFAULT_LIMITS: MessageLimits = { blocksTextLimit: 12_000 };

const MAX_MESSAGE_TEXT = 40_000;

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
