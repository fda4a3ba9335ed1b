import type { OpenRequest, PendingOutcome } from "../../../core/queries/queries.ts";
import { plural } from "../../../core/vocabulary.ts";
import { mentionList, requestTitleMrkdwn, slackDate } from "../format.ts";
import { context, inlineCode, type OutgoingMessage, section } from "../kit.ts";
import type { PolicyOf } from "../request.ts";

import { linesReply, simpleReply, viewersOnlyLine } from "./common.ts";

export function openRequestLine(open: OpenRequest, policyOf: PolicyOf): string {
  const { request: r, votes } = open;
  const { requiredApprovals } = policyOf(r);
  const approvers = [...new Set(votes.map((v) => v.approver))];
  const progress =
    r.state === "pending"
      ? `${approvers.length} of ${plural(requiredApprovals, "approval")}${approvers.length > 0 ? ` (${mentionList(approvers)})` : ""}`
      : r.state === "apply_failed"
        ? `approved; applying failed, retrying${r.nextAttemptAt ? ` at ${slackDate(r.nextAttemptAt)}` : ""}`
        : "approved; applying";
  return `• ${requestTitleMrkdwn(r)} · asked by <@${r.requester}> ${slackDate(r.createdAt)} · ${progress}`;
}

export function pendingReply(outcome: PendingOutcome, policyOf: PolicyOf): OutgoingMessage {
  const where = outcome.organization ? ` in ${inlineCode(outcome.organization)}` : "";
  const yours = outcome.onlyOwn ? " of yours" : "";
  const note = outcome.onlyOwn ? [context([viewersOnlyLine("other people's requests")])] : [];
  if (outcome.requests.length === 0) {
    const none = `:sparkles: No open requests${yours}${where}.`;
    return outcome.onlyOwn
      ? { text: `No open requests${yours}.`, blocks: [section(none), ...note] }
      : simpleReply(none);
  }
  const heading = `*${plural(outcome.requests.length, "open request")}*${yours}${where}:`;
  return linesReply(
    `${outcome.requests.length} open requests${yours}`,
    [section(heading)],
    outcome.requests.map((o) => openRequestLine(o, policyOf)),
    note,
  );
}
