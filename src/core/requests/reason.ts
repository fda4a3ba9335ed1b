/**
 * Where an unquoted name ends. `/vbo-audit remove Executive Team case closed` reaches the core as
 * the name `Executive` and the reason `Team case closed`: the parser cannot tell the two apart.
 * Once the name has resolved to exactly one principal, its display name can.
 */
import { fold } from "../directory/normalize.ts";

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== "");

/**
 * The reason without the words that finish the principal's display name. That is when the typed
 * name is the display name's first word(s) (the last may be cut short: a prefix still resolves)
 * and the reason begins with every remaining word of the display name, word by word, ignoring case
 * and accents. Otherwise the reason as typed: a reason that merely starts like the name is kept.
 * Undefined when nothing is left.
 */
export function reasonWithoutRestOfName(
  displayName: string,
  typedName: string,
  reason: string | undefined,
): string | undefined {
  if (reason === undefined) return undefined;
  const name = words(displayName).map(fold);
  const typed = words(typedName).map(fold);
  if (typed.length === 0 || typed.length >= name.length) return reason;
  const last = typed.length - 1;
  const typedIsStart = typed.every((word, i) =>
    i < last ? word === name[i] : (name[i] as string).startsWith(word),
  );
  if (!typedIsStart) return reason;

  // Walk the reason's leading words against the rest of the name, keeping what follows as typed.
  let rest = reason;
  for (const word of name.slice(typed.length)) {
    const next = /^\s*(\S+)/.exec(rest);
    if (next === null || fold(next[1] as string) !== word) return reason;
    rest = rest.slice(next[0].length);
  }
  const trimmed = rest.trim();
  return trimmed === "" ? undefined : trimmed;
}
