/**
 * The text of `/vbo-audit` as Slack sends it (`should_escape: true`: mentions as `<@U123|ben>`,
 * e-mail addresses as `<mailto:a@b|a@b>`, `&`, `<`, `>` as entities), cut into tokens and read as
 * plain text or as a `<who>`. Pure.
 */
import type { Who } from "../../core/vocabulary.ts";
import { inlineCode, truncate } from "../blocks/kit.ts";
import { COMMAND, parseError as error, type ParseError } from "./syntax.ts";

// ---------------------------------------------------------------------------------------------------
// Tokens

export interface Token {
  /** The text as typed (quotes included). */
  raw: string;
  /** For a quoted token, what is inside the quotes; otherwise `raw`. */
  value: string;
  quoted: boolean;
  start: number;
  end: number;
}

// Straight quotes and the curly ones Slack's clients and phones substitute.
export const QUOTES = new Set(['"', "“", "”", "„", "‟"]);
const SPACE = /\s/;

export function tokenize(text: string): Token[] | ParseError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (SPACE.test(text[i] as string)) {
      i++;
      continue;
    }
    const start = i;
    if (QUOTES.has(text[i] as string)) {
      const close = findQuote(text, i + 1);
      if (close < 0) return unterminated(text, start);
      tokens.push({
        raw: text.slice(start, close + 1),
        value: text.slice(start + 1, close),
        quoted: true,
        start,
        end: close + 1,
      });
      i = close + 1;
      continue;
    }
    // A word: up to whitespace, keeping `<…>` tokens whole (a mention's label may hold spaces) and
    // `--org="Contoso Ltd"` whole.
    while (i < text.length && !SPACE.test(text[i] as string)) {
      const ch = text[i] as string;
      if (ch === "<") {
        const close = text.indexOf(">", i);
        i = close < 0 ? i + 1 : close + 1;
      } else if (QUOTES.has(ch) && text[i - 1] === "=") {
        const close = findQuote(text, i + 1);
        if (close < 0) return unterminated(text, i);
        i = close + 1;
      } else {
        i++;
      }
    }
    tokens.push({ raw: text.slice(start, i), value: text.slice(start, i), quoted: false, start, end: i });
  }
  return tokens;
}

function findQuote(text: string, from: number): number {
  for (let j = from; j < text.length; j++) if (QUOTES.has(text[j] as string)) return j;
  return -1;
}

function unterminated(text: string, at: number): ParseError {
  const fragment = truncate(text.slice(at).replace(/\s+/g, " "), 40);
  return error(
    `There is an opening quote without a closing one: ${inlineCode(fragment)}. Close it, e.g. ${inlineCode(`${COMMAND} add "Ben Young" reason`)}.`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Slack formatting

const ENTITY = /&(amp|lt|gt);/g;
const ENTITY_CHARS: Record<string, string> = { amp: "&", lt: "<", gt: ">" };

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_, name: string) => ENTITY_CHARS[name] ?? "");
}

/** Slack's `<…>` tokens rendered as plain text (no live mentions or pings) and entities decoded. */
export function plainFromSlack(text: string): string {
  const plain = text.replace(/<([^<>]*)>/g, (_, inner: string) => {
    const bar = inner.indexOf("|");
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? "" : inner.slice(bar + 1);
    if (target.startsWith("@")) return label ? `@${label.replace(/^@/, "")}` : target;
    if (target.startsWith("#")) return label ? `#${label}` : target;
    if (target.startsWith("!subteam^")) return label || `@${target.slice(9)}`;
    if (target.startsWith("!date^")) return label;
    if (target.startsWith("!")) return `@${target.slice(1)}`;
    if (target.startsWith("mailto:")) return label || target.slice(7);
    return label && label !== target ? `${label} (${target})` : target;
  });
  return decodeEntities(plain);
}

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>[,.;:!?]*$/;
const MAILTO = /^<mailto:([^|>]+)(?:\|[^>]*)?>[,.;:!?]*$/;
export const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/;

/** The `<who>` of a command, from one token. */
export function whoFrom(token: Token): Who | ParseError {
  if (token.quoted) {
    const value = plainFromSlack(token.value).trim().replace(/\s+/g, " ");
    if (value === "")
      return error(`The quotes are empty: put a name between them, e.g. ${inlineCode('"Ben Young"')}.`);
    return EMAIL.test(value) ? { kind: "email", value } : { kind: "quoted", value };
  }
  const raw = token.raw;
  const mention = MENTION.exec(raw);
  if (mention) {
    const userId = mention[1] as string;
    const label = mention[2] ? decodeEntities(mention[2]) : "";
    return label ? { kind: "member", userId, label } : { kind: "member", userId };
  }
  const mailto = MAILTO.exec(raw);
  if (mailto) return { kind: "email", value: decodeEntities(mailto[1] as string) };
  if (raw.startsWith("<")) return notAPrincipal(raw);
  const value = decodeEntities(raw).replace(/[,;:]+$/, "");
  if (value === "")
    return error("Name a user or group: an e-mail, its local part, a quoted name or an @mention.");
  return EMAIL.test(value) ? { kind: "email", value } : { kind: "text", value };
}

function notAPrincipal(raw: string): ParseError {
  const shown = inlineCode(plainFromSlack(raw));
  const inner = raw.slice(1);
  const why = inner.startsWith("#")
    ? "is a Slack channel"
    : inner.startsWith("!subteam^")
      ? "is a Slack user group, not a Microsoft 365 group"
      : inner.startsWith("!")
        ? "is a Slack broadcast mention"
        : "is a link";
  return error(
    `${shown} ${why}. Name a Microsoft 365 user or group: an e-mail (${inlineCode("ben.young@example.com")}), ` +
      `a local part (${inlineCode("ben.young")}), a quoted name (${inlineCode('"Ben Young"')}) or an @mention of a person.`,
  );
}
