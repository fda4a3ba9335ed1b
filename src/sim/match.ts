/** VB365's name filters: `*` and `?` wildcards, case-insensitive; without wildcards, equality. */
export type NameMatcher = (value: string) => boolean;

export function nameMatcher(pattern: string): NameMatcher {
  if (!/[*?]/.test(pattern)) {
    const wanted = pattern.toLowerCase();
    return (value) => value.length === wanted.length && value.toLowerCase() === wanted;
  }
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  const re = new RegExp(`^${source}$`, "is");
  return (value) => re.test(value);
}
