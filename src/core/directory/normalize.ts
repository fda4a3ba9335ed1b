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
  // A sync tokenizes every name in the directory: plain ASCII (nearly all of them) takes a loop
  // over character codes, several times faster than the Unicode-aware split below.
  if (ASCII.test(text)) return asciiWords(text.toLowerCase().replace(ASCII_APOSTROPHES, ""));
  const words: string[] = [];
  for (const word of fold(text).replace(APOSTROPHES, "").split(SEPARATORS)) if (word !== "") words.push(word);
  return words;
}

const ASCII_APOSTROPHES = /['`]/g;

/** `tokenize` for lower-case ASCII without apostrophes: runs of letters or of digits. */
function asciiWords(text: string): string[] {
  const words: string[] = [];
  let start = 0;
  let kind = NONE;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const next = c >= 97 && c <= 122 ? LETTER : c >= 48 && c <= 57 ? DIGIT : NONE;
    if (next === kind) continue;
    if (kind !== NONE) words.push(text.slice(start, i));
    start = i;
    kind = next;
  }
  return words;
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
