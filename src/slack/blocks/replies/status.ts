/** `/vbo-audit status`: the VB365 connection, audit notifications, the database and readiness. */
import type { AnyBlock } from "@slack/types";
import type { NotReadyReason, StatusReport } from "../../../core/queries/health.ts";
import type { StatusOutcome } from "../../../core/queries/queries.ts";
import { logHeadText, plural } from "../../../core/vocabulary.ts";
import { plainFallback, slackDate } from "../format.ts";
import { context, inlineCode, type OutgoingMessage, section } from "../kit.ts";
import { literal } from "../text.ts";
import { viewersOnlyLine } from "./common.ts";

export function statusReply(outcome: StatusOutcome): OutgoingMessage {
  if (outcome.kind === "full") return fullStatus(outcome.report);
  const line = outcome.reachable
    ? ":large_green_circle: VB365 is reachable."
    : ":red_circle: VB365 is *not reachable* just now; requests wait safely until it is.";
  return {
    text: plainFallback(`VB365 ${outcome.reachable ? "reachable" : "not reachable"}`),
    blocks: [section(line), context([viewersOnlyLine("VB365's details")])],
  };
}

const NOT_READY: Record<NotReadyReason, string> = {
  database_unavailable: "the database is not available",
  vb365_unreachable: "VB365's last call failed",
  shutting_down: "the bot is shutting down",
  check_failed: "the readiness check failed",
};

/** One server of several: the first's details are above; each line says what differs. */
function serverLine(s: StatusReport["servers"][number]): string {
  const state = s.reachable
    ? `:large_green_circle: ${inlineCode(s.url)}`
    : `:red_circle: *not reachable* at ${inlineCode(s.url)}: ${literal(s.error ?? "unknown error")}`;
  const notifications =
    s.notifications.kind === "on"
      ? "notifications on"
      : s.notifications.kind === "off"
        ? "*notifications OFF*"
        : "notifications unknown";
  return `• *${literal(s.name)}* ${state} · API ${s.apiVersion ?? "unknown"} · ${plural(s.organizations ?? 0, "organization")} · ${notifications}`;
}

function fullStatus(report: StatusReport): OutgoingMessage {
  const v = report.vbo;
  const connection = v.reachable
    ? `:large_green_circle: reachable at ${inlineCode(v.url)}`
    : `:red_circle: *not reachable* at ${inlineCode(v.url)}: ${literal(v.error ?? "unknown error")}`;
  const version = v.apiVersion
    ? `${v.apiVersion}${v.setting === "auto" ? " (detected)" : " (configured)"}`
    : `unknown (setting: ${v.setting})`;
  const fields = [
    `*VB365*\n${connection}`,
    `*API version*\n${version}`,
    `*Last successful VB365 call*\n${v.lastSuccessAt ? slackDate(v.lastSuccessAt) : "none yet"}`,
    `*Organizations*\n${v.organizations ?? "unknown"}`,
    `*Database*\n${report.database.ok ? ":large_green_circle: ok" : `:red_circle: ${literal(report.database.error ?? "not open")}`}`,
    `*Requests*\n${report.requests.pending} pending, ${report.requests.waitingToApply} approved and not yet applied`,
    `*Approval log*\n${report.log.head ? `log head ${inlineCode(logHeadText(report.log.head))}` : "empty"}`,
  ];
  const blocks: AnyBlock[] = [section(":bar_chart: *vbo-audit status*", { fields })];
  let notifications: string;
  switch (report.notifications.kind) {
    case "on":
      notifications = `:large_green_circle: Audit e-mail notifications are *on*${report.notifications.to ? `, sent to ${inlineCode(report.notifications.to)}` : ""}.`;
      break;
    case "off":
      notifications =
        ":rotating_light: *Audit e-mail notifications are OFF in VB365.* Audit items currently alert " +
        "nobody when someone opens an audited person's backups. " +
        "Turn them on in VB365 (General Options → Audit).";
      break;
    case "unknown":
      notifications = `:warning: Whether audit e-mail notifications are on is unknown: ${literal(report.notifications.error)}.`;
      break;
  }
  blocks.push(section(notifications));
  if (report.servers.length > 1)
    blocks.push(section(`*VB365 servers*\n${report.servers.map(serverLine).join("\n")}`));
  if (!report.readiness.ready) blocks.push(context([`Not ready: ${NOT_READY[report.readiness.reason]}`]));
  else if (report.readiness.unreachable)
    blocks.push(context([`Ready, but not reaching ${report.readiness.unreachable.map(literal).join(", ")}`]));
  const plain = [
    `VB365 ${v.reachable ? "reachable" : `not reachable: ${v.error ?? "unknown error"}`}`,
    `API ${v.apiVersion ?? "unknown"}`,
    `notifications ${report.notifications.kind === "on" ? "on" : report.notifications.kind === "off" ? "OFF" : "unknown"}`,
    `database ${report.database.ok ? "ok" : "failing"}`,
    ...(report.log.head ? [`log head ${logHeadText(report.log.head)}`] : []),
  ].join(" · ");
  return { text: plainFallback(plain), blocks };
}
