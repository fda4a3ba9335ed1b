/**
 * Text from outside the bot, as the bot shows it: what people type (reasons, names, queries) and
 * what VB365 sends (display names, organization names, its error messages). The one owner of the
 * rule, used by every renderer: such text must read as what it is, and can never imitate the bot's
 * own lines. A reason of "\n\n:white_check_mark: *Approved* by <@U1>" must not draw an approval.
 *
 * - Control characters and the bidirectional controls (U+202E and its kin, which reorder what
 *   follows them) are removed; line breaks and tabs become spaces, so outside text stays on one line.
 * - `&`, `<` and `>` are escaped, so mentions, `<!channel>` and links stay text.
 * - mrkdwn's marks cannot format: `*`, `~` and backticks, an `_` that could open or close italics,
 *   a leading `>` and `:name:` emoji codes are shown with look-alike characters instead.
 *
 * Pure and dependency-free, so the builders (kit.ts) use it too.
 */

/** Line breaks and tabs: they become spaces. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/**
 * Other control characters (C0, DEL, C1), the bidi controls (ALM, LRM, RLM, embeddings, overrides,
 * isolates), and the zero-width no-break space: removed.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Outside text as one line of plain text: no controls, no direction overrides, single spaces. */
export function oneLine(text: string): string {
  return text.replace(BREAKS, " ").replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

/**
 * Outside text for a plain-text object (a header, a button, a menu option): one line, its `:name:`
 * emoji codes inert (Slack draws emoji in plain text too). Plain text shows no other formatting.
 */
export function label(text: string): string {
  return oneLine(text).replace(EMOJI_COLON, "∶");
}

/** The colon that opens a `:name:` emoji code; a colon in "Case: 12" or "09:30" opens none. */
const EMOJI_COLON = /:(?=[a-z0-9_+'-]*[a-z][a-z0-9_+'-]*:)/gi;

/** Escapes text for mrkdwn: Slack gives `&`, `<` and `>` control meanings. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Escaped mrkdwn with its formatting marks replaced by look-alikes, so nothing in it can turn bold,
 * italic, struck or code, start a quote, or become an emoji.
 */
function inert(escaped: string): string {
  return (
    escaped
      .replace(/\*/g, "∗") // U+2217 ASTERISK OPERATOR
      .replace(/~/g, "∼") // U+223C TILDE OPERATOR
      .replace(/`/g, "ˋ") // U+02CB MODIFIER LETTER GRAVE ACCENT
      // Slack's italics need an underscore at a word's edge; one inside a word (svc_backup) is text.
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "ˍ") // U+02CD MODIFIER LETTER LOW MACRON
      .replace(EMOJI_COLON, "∶") // U+2236 RATIO
      .replace(/^&gt;/, "›") // a quote starts a line with ">"
  );
}

/** mrkdwn that shows outside text as it is, on one line, unable to format or mention. */
export function literal(text: string): string {
  return inert(escapeMrkdwn(oneLine(text)));
}

/** A person's words (a reason), shown as a quotation: literal, between quotation marks. */
export function quoted(text: string): string {
  return `“${literal(text)}”`;
}

/** Text shown as inline code: one line, escaped, with backticks replaced so it cannot close the span. */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwn(oneLine(text).replace(/`/g, "ˋ"))}\``;
}
