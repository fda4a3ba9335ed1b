/** Blocks, one type at a time, with the limits of the surface they are on (message, modal, Home tab). */
import { ACCESSORIES, ACTION_ELEMENTS, element, INPUT_ELEMENTS, imageElement } from "./elements.ts";
import {
  id,
  isObject,
  type Json,
  onlyKeys,
  optionalBoolean,
  type Problems,
  type Surface,
  string,
  textObject,
} from "./primitives.ts";

export function checkBlocks(blocks: unknown[], surface: Surface, path: string, problems: Problems): void {
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
