/**
 * The smallest checks of Slack's Block Kit rules: text objects, ids, strings, and the "no unknown
 * property" rule, each reporting like Slack does: "[ERROR] <what> [json-pointer:<path>]".
 */

export type Json = Record<string, unknown>;
export type Surface = "message" | "modal" | "home";

export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`[ERROR] ${message} [json-pointer:${path}]`);
  }
}

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function textObject(
  value: unknown,
  at: string,
  problems: Problems,
  rule: { max: number; plainOnly?: boolean },
): void {
  if (!isObject(value)) {
    problems.add(at, "must be a text object");
    return;
  }
  if (value.type !== "plain_text" && value.type !== "mrkdwn") {
    problems.add(`${at}/type`, "must be one of plain_text, mrkdwn");
    return;
  }
  if (rule.plainOnly && value.type !== "plain_text") {
    problems.add(`${at}/type`, "must be plain_text");
    return;
  }
  onlyKeys(
    value,
    value.type === "plain_text" ? ["type", "text", "emoji"] : ["type", "text", "verbatim"],
    at,
    problems,
  );
  if (typeof value.text !== "string") {
    problems.add(`${at}/text`, "must be a string");
    return;
  }
  if (value.text.trim().length === 0) problems.add(`${at}/text`, "must be more than 0 characters");
  if (value.text.length > rule.max) {
    problems.add(`${at}/text`, `must be less than ${rule.max + 1} characters, got ${value.text.length}`);
  }
  if (value.type === "plain_text") optionalBoolean(value.emoji, `${at}/emoji`, problems);
  else optionalBoolean(value.verbatim, `${at}/verbatim`, problems);
}

export function id(value: unknown, at: string, problems: Problems): boolean {
  return string(value, at, 255, problems);
}

export function string(value: unknown, at: string, max: number, problems: Problems): boolean {
  if (typeof value !== "string" || value.length === 0) {
    problems.add(at, "must be a non-empty string");
    return false;
  }
  if (value.length > max) {
    problems.add(at, `must be less than ${max + 1} characters, got ${value.length}`);
    return false;
  }
  return true;
}

export function optionalString(
  value: unknown,
  at: string,
  max: number,
  problems: Problems,
  allowEmpty = false,
): void {
  if (value === undefined) return;
  if (allowEmpty && value === "") return;
  string(value, at, max, problems);
}

export function optionalBoolean(value: unknown, at: string, problems: Problems): void {
  if (value !== undefined && typeof value !== "boolean") problems.add(at, "must be a boolean");
}

export function onlyKeys(value: Json, allowed: readonly string[], at: string, problems: Problems): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.add(`${at}/${key}`, `invalid additional property: ${key}`);
  }
}
