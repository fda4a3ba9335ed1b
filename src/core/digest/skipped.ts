/**
 * Items of VB365's lists the client skipped because they did not fit the API, counted across every
 * server, as the digest's note: what it reports is what came since the previous digest.
 */
import { type SkippedItems, TOLERANT_LISTS, type TolerantList } from "../../vbo/items.ts";
import { plural } from "../vocabulary.ts";
import type { DigestDeps } from "./post.ts";

export const SKIPPED_KEY = "digest.skipped-items";

const LIST_WORDS: Record<TolerantList, [string, string]> = {
  organizations: ["organization", "organizations"],
  users: ["user", "users"],
  groups: ["group", "groups"],
  members: ["group member", "group members"],
  restoreSessions: ["restore session", "restore sessions"],
  restoreEvents: ["restore session event", "restore session events"],
};

/**
 * Items of VB365's lists the client skipped since the previous digest (they did not fit the API),
 * as one note. The client counts since it started; the digest keeps the count it last reported.
 */
export function skippedSince(ctx: Pick<DigestDeps, "fleet" | "store">): { now: SkippedItems; note?: string } {
  const now = sumSkipped(ctx.fleet.servers.map((s) => s.vbo.skippedItems()));
  let before: Partial<SkippedItems> = {};
  try {
    before = JSON.parse(ctx.store.state.get(SKIPPED_KEY) ?? "{}") as Partial<SkippedItems>;
  } catch {
    // A damaged record only makes this note count from the bot's start.
  }
  const parts: string[] = [];
  for (const list of TOLERANT_LISTS) {
    const last = before[list] ?? 0;
    // Fewer than last time: the bot restarted and counts afresh.
    const n = now[list] >= last ? now[list] - last : now[list];
    if (n > 0) parts.push(plural(n, ...LIST_WORDS[list]));
  }
  if (parts.length === 0) return { now };
  return {
    now,
    note: `VB365 sent ${parts.join(", ")} that did not fit its API since the last digest; the bot skipped them (details in its log).`,
  };
}

function sumSkipped(each: readonly SkippedItems[]): SkippedItems {
  const sum = Object.fromEntries(TOLERANT_LISTS.map((l) => [l, 0])) as Record<TolerantList, number>;
  for (const items of each) for (const l of TOLERANT_LISTS) sum[l] += items[l];
  return sum as SkippedItems;
}
