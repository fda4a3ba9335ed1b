/**
 * Slack's mrkdwn as HTML, for the playground's page: *bold*, _italic_, ~strike~, `code`, ```blocks```,
 * > quotes, links (`<url|text>`), user, channel and group mentions, dates, and emoji codes. Pure and
 * DOM-free, so it runs (and is tested) outside the browser too. Everything that is not markup is
 * escaped: the bot's text never becomes HTML.
 */
import { type DateOptions, slackDate } from "./dates.ts";
import { emojify } from "./emoji.ts";

export interface Names {
  /** User id → name to show after `@`. */
  users: Record<string, string>;
  /** Channel id → name to show after `#`. */
  channels: Record<string, string>;
  /** How the viewer sees `<!date^…>`: their zone and today (the browser's when omitted). */
  dates?: DateOptions;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Slack escapes `&`, `<` and `>` in message text; these are the characters the person sees. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

const SAFE_URL = /^(https?:|mailto:)/i;

/** One `<…>` control sequence as HTML. */
function controlSequence(inner: string, names: Names): string {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : unescapeSlack(inner.slice(bar + 1));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(names.users[id] ?? label ?? id)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return `<span class="mention">#${escapeHtml(names.channels[id] ?? label ?? id)}</span>`;
  }
  if (target.startsWith("!subteam^")) {
    return `<span class="mention">${escapeHtml(label ?? "@group")}</span>`;
  }
  if (target.startsWith("!date^")) {
    const [, seconds, format] = target.split("^");
    const shown =
      Number.isFinite(Number(seconds)) && format
        ? slackDate(Number(seconds), format, names.dates)
        : undefined;
    return escapeHtml(shown ?? label ?? target);
  }
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const url = unescapeSlack(target);
  if (!SAFE_URL.test(url)) return escapeHtml(label ?? url);
  const text = escapeHtml(label ?? url);
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noreferrer noopener">${text}</a>`;
}

/** Markers count only at word edges, as in Slack: `a*b*c` stays as it is. */
function emphasis(html: string): string {
  // Before: a line start, a space, an opening bracket, an entity's `;` or another marker (or tag).
  // After: a line end, a space, punctuation, an entity's `&` or another marker (or tag).
  const before = "(^|[\\s(\\[{>;~_*\\uE000\\uE001])";
  const after = "(?=$|[\\s)\\]}.,;:!?<&~_*\\uE000\\uE001-])";
  const rule = (marker: string) =>
    new RegExp(`${before}\\${marker}(?=\\S)([^\\n]*?\\S)\\${marker}${after}`, "g");
  return html
    .replace(rule("*"), "$1<b>$2</b>")
    .replace(rule("_"), "$1<i>$2</i>")
    .replace(rule("~"), "$1<s>$2</s>");
}

/** Text outside code: control sequences, escaping, emphasis, emoji, quotes and line breaks. */
function inline(text: string, names: Names): string {
  const tokens: string[] = [];
  // Control sequences become placeholders first, so emphasis and escaping leave them whole.
  const marked = text.replace(/<([^<>\n]+)>/g, (_, inner: string) => {
    tokens.push(controlSequence(inner, names));
    return `\uE000${tokens.length - 1}\uE001`;
  });
  const lines = emphasis(emojify(escapeHtml(unescapeSlack(marked)))).split("\n");
  const html: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length > 0) html.push(`<blockquote>${quote.join("<br>")}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    const quoted = /^&#62;\s?(.*)$/.exec(line);
    if (quoted) quote.push(quoted[1] ?? "");
    else {
      flush();
      html.push(`${line}<br>`);
    }
  }
  flush();
  const joined = html.join("").replace(/<br>$/, "");
  return joined.replace(/\uE000(\d+)\uE001/g, (_, i: string) => tokens[Number(i)] ?? "");
}

export function renderMrkdwn(text: string, names: Names): string {
  const out: string[] = [];
  // ```blocks``` first, then `inline code`: nothing inside either is formatted.
  const blocks = text.split(/```/);
  blocks.forEach((part, index) => {
    if (index % 2 === 1 && index < blocks.length - 1) {
      out.push(`<pre class="code">${escapeHtml(unescapeSlack(part.replace(/^\n/, "")))}</pre>`);
      return;
    }
    const spans = (index % 2 === 1 ? `\`\`\`${part}` : part).split(/`/);
    spans.forEach((span, i) => {
      if (i % 2 === 1 && i < spans.length - 1 && span !== "") {
        out.push(`<code>${escapeHtml(unescapeSlack(span))}</code>`);
      } else out.push(inline(i % 2 === 1 ? `\`${span}` : span, names));
    });
  });
  return out.join("");
}

/** plain_text: escaped, with emoji codes when `emoji` is not false. */
export function renderPlain(text: string, emoji = true): string {
  const html = escapeHtml(text);
  return emoji ? emojify(html) : html;
}
