/**
 * The digest as Slack messages. Each organization is one group of blocks kept together when it can
 * be; long lists are cut with "…and N more" (each list gets a share of a message's text budget, so
 * 2,000 audited principals still fit), and `splitIntoMessages` spreads many organizations over
 * several messages, each with its own header and a plain-text fallback naming what it holds.
 * A warning that audit e-mail notifications are off comes first, in blocks and in the fallback.
 */
import type { AnyBlock } from "@slack/types";
import { describeAccess } from "../../core/access/match.ts";
import type {
  AuditEntry,
  BotChange,
  Digest,
  DriftItem,
  OrganizationDigest,
} from "../../core/digest/build.ts";
import { formatAge, ZonedTime } from "../../core/digest/time.ts";
import type { Request } from "../../core/requests/types.ts";
import { logHeadText, plural } from "../../core/vocabulary.ts";
import {
  context,
  divider,
  escapeMrkdwn,
  fallbackText,
  header,
  inlineCode,
  LIMITS,
  mention,
  type OutgoingMessage,
  section,
} from "./kit.ts";
import { type BlockGroup, splitIntoMessages } from "./surfaces.ts";
import { literal } from "./text.ts";

export interface DigestRenderOptions {
  timeZone: string;
}

/** Text budget of one list (audited users, groups) per organization: shared out when there are many. */
const LIST_BUDGET = { max: 1_500, min: 300, total: 30_000 };
/** A section's text stays below Slack's 3,000 with room for the title. */
const SECTION_BUDGET = LIMITS.sectionText - 100;
const ORG_BLOCK_PREFIX = "digest-org-";

/**
 * "a, b, c …and N more" within `max` characters. `show` writes an item: only those that are shown,
 * and one more, are written (an organization may audit thousands, of which a few dozen fit).
 */
export function joinWithin<T>(
  items: readonly T[],
  max: number,
  show: (item: T) => string,
  separator = ", ",
): string {
  let out = "";
  for (let i = 0; i < items.length; i++) {
    const item = show(items[i] as T);
    const next = out === "" ? item : `${out}${separator}${item}`;
    const rest = items.length - i - 1;
    const note = rest > 0 ? ` …and ${rest} more` : "";
    if (next.length + note.length > max) {
      const left = items.length - i;
      return out === "" ? `…${plural(left, "principal")}` : `${out} …and ${left} more`;
    }
    out = next;
  }
  return out;
}

/** A titled bullet list as one section's mrkdwn, cut with "…and N more" to fit. */
function bulletSection(title: string, lines: readonly string[], max = SECTION_BUDGET): string {
  let out = title;
  for (let i = 0; i < lines.length; i++) {
    const next = `${out}\n• ${lines[i]}`;
    const rest = lines.length - i - 1;
    if (next.length + (rest > 0 ? 24 : 0) > max) return `${out}\n_…and ${lines.length - i} more_`;
    out = next;
  }
  return out;
}

function who(p: { type: string; name: string; displayName: string }): string {
  const upn = p.name && p.name.toLowerCase() !== p.displayName.toLowerCase() ? ` (${literal(p.name)})` : "";
  return `*${literal(p.displayName || p.name)}*${upn}${p.type === "Group" ? " [group]" : ""}`;
}

function entryName(e: AuditEntry): string {
  const upn =
    e.type === "User" && e.name && e.name.toLowerCase() !== e.displayName.toLowerCase() ? ` (${e.name})` : "";
  return literal(`${e.displayName}${upn}`);
}

function changeLine(c: BotChange): string {
  const sign = c.change === "added" ? "➕ Added" : "➖ Removed";
  const ref = c.requestId === null ? "" : ` (request #${c.requestId})`;
  if (c.cause === "audit_ended") return `${sign} ${who(c.principal)}${ref}: time-bound audit ended`;
  const asked = c.requester ? `asked by ${mention(c.requester)}` : "";
  const approved = c.approvers.length > 0 ? `approved by ${c.approvers.map(mention).join(", ")}` : "";
  const people = [asked, approved].filter(Boolean).join(", ");
  return `${sign} ${who(c.principal)}${ref}${people ? `: ${people}` : ""}`;
}

function driftLine(d: DriftItem): string {
  return `${d.change === "added" ? "➕ Added" : "➖ Removed"} ${who(d.entry)} directly in VB365`;
}

function requestLine(r: Request): string {
  return `${r.kind === "add" ? "Add" : "Remove"} ${who(r.principal)} (#${r.id})`;
}

function organizationBlocks(
  o: OrganizationDigest,
  index: number,
  time: ZonedTime,
  listBudget: number,
  since: Date | null,
): AnyBlock[] {
  const name = literal(o.organization.name || o.organization.id);
  const blockId = `${ORG_BLOCK_PREFIX}${index}`;
  const blocks: AnyBlock[] = [divider()];
  if (!o.available) {
    blocks.push(
      section(
        `:warning: *${name}*: VB365 could not be read, so who is audited and what changed outside the bot are unknown this time.\n${literal(o.error ?? "")}`,
        { blockId },
      ),
    );
  } else {
    const counts = `${plural(o.users.length, "user")}, ${plural(o.groups.length, "group")} audited`;
    blocks.push(section(`*${name}*: ${counts}`, { blockId }));
    const users = o.users.length === 0 ? "_none_" : joinWithin(o.users, listBudget, entryName);
    const groups = o.groups.length === 0 ? "_none_" : joinWithin(o.groups, listBudget, entryName);
    blocks.push(section(`*Users (${o.users.length}):* ${users}\n*Groups (${o.groups.length}):* ${groups}`));
  }

  if (o.drift.length > 0) {
    blocks.push(
      section(
        bulletSection(
          `:warning: *Changed outside the bot (${o.drift.length})*: made directly in VB365, with no approved request`,
          o.drift.map(driftLine),
        ),
      ),
    );
  } else if (o.available && o.baseline) {
    blocks.push(
      context([
        "First digest for this organization: changes outside the bot are reported from the next one.",
      ]),
    );
  }
  if (o.changes.length > 0) {
    blocks.push(
      section(bulletSection(`*Changed through the bot (${o.changes.length})*`, o.changes.map(changeLine))),
    );
  }

  const waiting: string[] = [];
  if (o.awaitingApply.length > 0) {
    waiting.push(
      bulletSection(
        `*Approved, not yet applied (${o.awaitingApply.length})*`,
        o.awaitingApply.map((r) => {
          const error = r.lastError
            ? `: last error: ${literal(r.lastError)}`
            : ": waiting for its first attempt";
          const next = r.nextAttemptAt
            ? `; next attempt ${escapeMrkdwn(time.dateTime(r.nextAttemptAt))}`
            : "";
          return `${requestLine(r)}${error}${next}`;
        }),
        SECTION_BUDGET / 3,
      ),
    );
  }
  if (o.pending.length > 0) {
    waiting.push(
      bulletSection(
        `*Pending approval (${o.pending.length})*`,
        o.pending.map(
          ({ request, ageMs }) =>
            `${requestLine(request)}, asked by ${mention(request.requester)}, ${formatAge(ageMs)} old`,
        ),
        SECTION_BUDGET / 3,
      ),
    );
  }
  if (o.expired.length > 0) {
    waiting.push(
      bulletSection(
        `*Expired unanswered since the last digest (${o.expired.length})*`,
        o.expired.map((r) => `${requestLine(r)}, asked by ${mention(r.requester)}`),
        SECTION_BUDGET / 3,
      ),
    );
  }
  if (waiting.length > 0) blocks.push(section(waiting.join("\n")));

  if (o.access.length > 0) {
    blocks.push(
      section(
        bulletSection(
          `:eyes: *Access to audited data (${o.access.length})*`,
          o.access.map((a) => literal(describeAccess(a, time))),
        ),
      ),
    );
  }
  if (
    o.drift.length + o.changes.length + waiting.length + o.access.length === 0 &&
    !(o.available && o.baseline)
  ) {
    blocks.push(
      context([
        since ? "No changes, nothing waiting, no access seen since the last digest." : "Nothing waiting.",
      ]),
    );
  }
  return blocks;
}

function notificationBlocks(digest: Digest): AnyBlock[] {
  const n = digest.notifications;
  if (n.kind === "on") return [];
  if (n.kind === "off") {
    return [
      section(
        ":rotating_light: *Audit e-mail notifications are OFF in VB365: auditing currently alerts nobody.*\nVB365 sends no e-mail when someone views, restores or exports an audited person's data. Turn notifications on in VB365's audit e-mail settings.",
        { blockId: "digest-notifications" },
      ),
    ];
  }
  return [
    section(
      `:warning: *Could not read VB365's audit e-mail settings*, so whether auditing alerts anyone is unknown.\n${literal(n.error)}`,
      { blockId: "digest-notifications" },
    ),
  ];
}

function notificationText(digest: Digest): string {
  const n = digest.notifications;
  if (n.kind === "off")
    return "WARNING: audit e-mail notifications are OFF in VB365: auditing currently alerts nobody. ";
  if (n.kind === "unknown") return "Warning: could not read VB365's audit e-mail settings. ";
  return "";
}

function summaryLine(digest: Digest): string {
  const t = digest.totals;
  const parts = [
    plural(t.organizations, "organization"),
    `${t.audited} audited`,
    t.unavailable > 0 ? `${t.unavailable} unavailable` : "",
    t.drift > 0 ? plural(t.drift, "change outside the bot", "changes outside the bot") : "",
    t.changes > 0 ? plural(t.changes, "change through the bot", "changes through the bot") : "",
    t.awaitingApply > 0 ? `${t.awaitingApply} approved, not applied` : "",
    t.pending > 0 ? `${t.pending} pending` : "",
    t.expired > 0 ? `${t.expired} expired` : "",
    t.access > 0 ? plural(t.access, "access to audited data", "accesses to audited data") : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

/** The digest as one or more messages, in posting order. */
export function renderDigest(digest: Digest, options: DigestRenderOptions): OutgoingMessage[] {
  const time = new ZonedTime(options.timeZone);
  const title = `VB365 audit digest, ${time.dateTime(digest.generatedAt)}`;
  const sinceText = digest.since
    ? `Changes since the previous digest, ${time.dateTime(digest.since)} (${time.label})`
    : `First digest (${time.label})`;
  const asked =
    digest.trigger.kind === "manual" ? ` · posted on request of ${mention(digest.trigger.requestedBy)}` : "";
  const listBudget = Math.max(
    LIST_BUDGET.min,
    Math.min(LIST_BUDGET.max, Math.floor(LIST_BUDGET.total / Math.max(1, digest.organizations.length))),
  );

  const groups: BlockGroup[] = [];
  const warning = notificationBlocks(digest);
  if (warning.length > 0) groups.push(warning);
  groups.push(section(`*${escapeMrkdwn(summaryLine(digest))}*`));
  if (digest.organizations.length === 0) groups.push(section("_VB365 listed no organizations._"));
  digest.organizations.forEach((o, i) => {
    groups.push(organizationBlocks(o, i, time, listBudget, digest.since));
  });
  if (digest.notes.length > 0) {
    groups.push([divider(), context(digest.notes.map((n) => `:information_source: ${escapeMrkdwn(n)}`))]);
  }
  if (digest.logHead) {
    const head = logHeadText(digest.logHead);
    groups.push([
      divider(),
      context([
        `:link: log head ${inlineCode(head)}: keep it. ${inlineCode(`npm run verify-log -- --expect ${head}`)} fails if the approval log is later cut back or rebuilt before it.`,
      ]),
    ]);
  }

  const pages = splitIntoMessages(groups, {
    head: (index, count) => [
      header(count > 1 ? `${title} (${index + 1}/${count})` : title),
      context([`${escapeMrkdwn(sinceText)}${asked}`]),
    ],
  });
  return pages.map((blocks, index) => {
    const names = organizationsIn(blocks, digest);
    const part = pages.length > 1 ? ` (part ${index + 1} of ${pages.length})` : "";
    const text =
      index === 0
        ? `${notificationText(digest)}${title}${part}: ${summaryLine(digest)}.${digest.logHead ? ` log head ${logHeadText(digest.logHead)}` : ""}`
        : `${title}${part}: ${names.join(", ") || "continued"}.`;
    // Organization names come from VB365: escaped, as Slack reads `<…>` in the fallback too.
    return { text: fallbackText(escapeMrkdwn(text)), blocks };
  });
}

function organizationsIn(blocks: readonly AnyBlock[], digest: Digest): string[] {
  const names: string[] = [];
  for (const b of blocks) {
    const id = (b as { block_id?: string }).block_id;
    if (!id?.startsWith(ORG_BLOCK_PREFIX)) continue;
    const o = digest.organizations[Number(id.slice(ORG_BLOCK_PREFIX.length))];
    if (o) names.push(o.organization.name);
  }
  return names;
}
