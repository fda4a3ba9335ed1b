/**
 * Reading VB365's lists one item at a time, so that what the official documents allow never costs
 * a page, and what they do not is handled by how much is at stake:
 * - lists that only feed displays, alerts or the directory (organizations, users, groups, members,
 *   restore sessions and their events) skip an item that does not fit, count it, and say so in one
 *   warning line per page; the digest reports the counts (`skipped()`);
 * - audit items drive writes (the list read before an add or a remove, and after an ambiguous
 *   POST): one item the bot cannot identify refuses the whole list with a clear message. The bot
 *   never decides on a partial list.
 * Enum values the bot does not know are kept as strings and logged once per value.
 */
import type * as z from "zod";
import type { Logger } from "../logger.ts";
import { VboError } from "./errors.ts";
import { embeddedPrincipalId } from "./principals.ts";
import { type AuditItem, AuditItemWire, type EnumField, KNOWN_ENUMS, type PrincipalType } from "./schemas.ts";

/** The lists read item by item, with a tolerance for bad items. */
export const TOLERANT_LISTS = [
  "organizations",
  "users",
  "groups",
  "members",
  "restoreSessions",
  "restoreEvents",
] as const;
export type TolerantList = (typeof TOLERANT_LISTS)[number];

/** Items skipped since the client started, by list. */
export type SkippedItems = Record<TolerantList, number>;

/** The enum fields each list's items carry, checked against `KNOWN_ENUMS`. */
const ENUM_FIELDS: Record<TolerantList, ReadonlyArray<[EnumField, string]>> = {
  organizations: [["organization.type", "type"]],
  users: [
    ["user.type", "type"],
    ["user.locationType", "locationType"],
  ],
  groups: [
    ["group.type", "type"],
    ["group.locationType", "locationType"],
  ],
  members: [["member.type", "type"]],
  restoreSessions: [
    ["restoreSession.type", "type"],
    ["restoreSession.state", "state"],
    ["restoreSession.result", "result"],
  ],
  restoreEvents: [
    ["restoreEvent.type", "type"],
    ["restoreEvent.status", "status"],
  ],
};

/** Where a value failed its schema: paths and issue codes only, never the values themselves. */
export function issuesOf(error: z.ZodError, limit = 3): string {
  return error.issues
    .slice(0, limit)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(item)"}: ${i.code}`)
    .join("; ");
}

export class ItemReader {
  readonly #logger: Logger;
  readonly #skipped: SkippedItems = Object.fromEntries(TOLERANT_LISTS.map((l) => [l, 0])) as SkippedItems;
  readonly #unknownSeen = new Set<string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  skipped(): SkippedItems {
    return { ...this.#skipped };
  }

  /** The items of `raw` that fit `schema`; the others are skipped, counted and reported once per call. */
  tolerant<S extends z.ZodType>(list: TolerantList, operation: string, raw: readonly unknown[], schema: S) {
    const kept: Array<z.output<S>> = [];
    const problems: string[] = [];
    raw.forEach((item, index) => {
      const parsed = schema.safeParse(item);
      if (parsed.success) {
        this.#checkEnums(list, parsed.data);
        kept.push(parsed.data);
      } else {
        problems.push(`item ${index}: ${issuesOf(parsed.error, 2)}`);
      }
    });
    if (problems.length > 0) {
      this.#skipped[list] += problems.length;
      this.#logger.warn("vbo sent items that do not fit the API; skipped them, kept the rest", {
        operation,
        list,
        skipped: problems.length,
        kept: kept.length,
        problems: problems.slice(0, 3).join(" | "),
      });
    }
    return kept;
  }

  /**
   * Audit items as the bot acts on them. An item of a type the bot does not know (not a user or a
   * group) is left out: it cannot be anyone the bot is asked about. An item without its own id, or
   * whose user or group cannot be told (no id, none in the item id, no name), refuses the list.
   */
  auditItems(raw: unknown, operation: string): AuditItem[] {
    const refuse = (why: string) =>
      new VboError({
        kind: "invalid_response",
        operation,
        message: `VB365 listed an audit item the bot cannot identify (${why}); nothing is decided on a partial list`,
      });
    if (!Array.isArray(raw)) throw refuse("the answer is not a list");
    const out: AuditItem[] = [];
    raw.forEach((entry, index) => {
      const parsed = AuditItemWire.safeParse(entry);
      if (!parsed.success) throw refuse(`item ${index}: ${issuesOf(parsed.error)}`);
      const item = parsed.data;
      const type: string | undefined = item.type ?? (item.user ? "User" : item.group ? "Group" : undefined);
      if (type !== undefined && type !== "User" && type !== "Group") {
        this.#unknownEnum("auditItem.type", type, operation);
        return;
      }
      if (!item.id) throw refuse(`item ${index} has no id`);
      const who = type === "User" ? item.user : item.group;
      const id = who?.id || embeddedPrincipalId(item.id);
      if (type === undefined || !id) throw refuse(`item ${index} names no user or group`);
      const base = { id: item.id, type: type as PrincipalType, _links: item._links };
      if (type === "User") {
        this.#enum("user.type", item.user?.type, operation);
        out.push({ ...base, user: { ...item.user, id } });
      } else {
        this.#enum("group.type", item.group?.type, operation);
        out.push({ ...base, group: { ...item.group, id } });
      }
    });
    return out;
  }

  /** Logs, once per field and value, a value the documents do not declare. */
  #checkEnums(list: TolerantList, item: unknown): void {
    for (const [field, key] of ENUM_FIELDS[list]) {
      this.#enum(field, (item as Record<string, unknown>)[key], list);
    }
  }

  #enum(field: EnumField, value: unknown, operation: string): void {
    if (typeof value !== "string") return;
    if ((KNOWN_ENUMS[field] as readonly string[]).includes(value)) return;
    this.#unknownEnum(field, value, operation);
  }

  #unknownEnum(field: EnumField, value: string, operation: string): void {
    const key = `${field}=${value}`;
    if (this.#unknownSeen.has(key)) return;
    this.#unknownSeen.add(key);
    this.#logger.warn("vbo sent a value the bot does not know; handling it as unknown", {
      operation,
      field,
      // An enum value is a word from the server's vocabulary, not user data; bounded all the same.
      value: value.slice(0, 64),
    });
  }
}
