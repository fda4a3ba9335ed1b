/**
 * How names are compared: case, accents and punctuation do not matter, so `ben.young`, `BEN YOUNG`,
 * `ben_young` and `Young, Ben` all reduce to the tokens `ben` and `young`.
 */

const COMBINING_MARKS = /\p{M}+/gu;
// Apostrophes join rather than split: people type "obrien" for "O'Brien" far more than "o brien".
const APOSTROPHES = /['\u2019\u02bc`]/g;
// Besides punctuation, a change between letters and digits separates words: `young2` → `young 2`.
const SEPARATORS = /[^\p{L}\p{N}]+|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
const ASCII = /^[\x20-\x7e]*$/;

/** Lower case without accents: `José Ñúñez` → `jose nunez`. Punctuation is kept. */
export function fold(text: string): string {
  // Most names are plain ASCII, which has nothing to decompose: skip the costly normalization.
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
}

/** The words of a name, folded. `.`, `_`, `-`, spaces and any other punctuation separate words. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  // A sync tokenizes every name in the directory: plain ASCII (nearly all of them) takes a loop
  // over character codes, several times faster than the Unicode-aware split below.
  if (ASCII.test(text)) {
    const lower = text.toLowerCase().replace(ASCII_APOSTROPHES, "");
    const spans = plainWordSpans(lower, 0, lower.length, []);
    for (let i = 0; i < spans.length; i += 2) words.push(lower.slice(spans[i], spans[i + 1]));
    return words;
  }
  for (const word of fold(text).replace(APOSTROPHES, "").split(SEPARATORS)) if (word !== "") words.push(word);
  return words;
}

const ASCII_APOSTROPHES = /['`]/g;

/** Printable ASCII without apostrophes: its words are exactly its runs of letters or of digits. */
export const PLAIN = /^[\x20-\x26\x28-\x5f\x61-\x7e]*$/;

/**
 * Where each word of `text` between `from` and `to` begins and ends, for PLAIN text (in any case):
 * what `tokenize` would return, pushed as start and end pairs onto `spans`, with no string made for
 * a word.
 */
export function plainWordSpans<T extends { push(value: number): unknown }>(
  text: string,
  from: number,
  to: number,
  spans: T,
): T {
  let start = from;
  let kind = NONE;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) | 0x20 : 0;
    const next = c >= 97 && c <= 122 ? LETTER : c >= 48 && c <= 57 ? DIGIT : NONE;
    if (next === kind) continue;
    if (kind !== NONE) {
      spans.push(start);
      spans.push(i);
    }
    start = i;
    kind = next;
  }
  return spans;
}

const NONE = 0;
const LETTER = 1;
const DIGIT = 2;

/** The folded part before `@`, or undefined when `text` is not an address. */
export function localPart(text: string): string | undefined {
  const at = text.indexOf("@");
  return at > 0 ? fold(text.slice(0, at)) : undefined;
}

export function looksLikeAddress(text: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(text.trim());
}

/** The folded domain of an address, for asking VB365 about `local@domain` guesses. */
export function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf("@");
  return at > 0 && at < address.length - 1 ? fold(address.slice(at + 1)) : undefined;
}
