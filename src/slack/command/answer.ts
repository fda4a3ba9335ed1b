/**
 * `/vbo-audit`: parse the text, make ONE call to the core, render the answer. The caller acks first
 * (before any of this runs) and sends the answer with `respond()`, so VB365 may take its time.
 */
import type { OutgoingMessage } from "../../core/requests/ports.ts";
import {
  changeReply,
  digestReply,
  findReply,
  helpReply,
  listReply,
  logReply,
  parseErrorReply,
  pendingReply,
  statusReply,
} from "../blocks/replies.ts";
import type { ListenerDeps } from "../listeners/context.ts";
import { parseCommand } from "./parse.ts";

export async function answerCommand(
  deps: ListenerDeps,
  text: string,
  userId: string,
): Promise<OutgoingMessage> {
  const command = parseCommand(text);
  switch (command.kind) {
    case "error":
      return parseErrorReply(command.message);
    case "help":
      return helpReply();
    case "add":
      return changeReply(
        await deps.commands.requestChange({
          kind: "add",
          who: command.who,
          requester: userId,
          org: command.org,
          reason: command.reason,
          auditForMs: command.auditFor,
        }),
        deps.approvals.channelId,
      );
    case "remove":
      return changeReply(
        await deps.commands.requestChange({
          kind: "remove",
          who: command.who,
          requester: userId,
          org: command.org,
          reason: command.reason,
        }),
        deps.approvals.channelId,
      );
    case "find":
      return findReply(await deps.queries.find({ who: command.who, query: command.query, org: command.org }));
    case "list":
      return listReply(await deps.queries.list({ org: command.org }));
    case "pending":
      return pendingReply(deps.queries.pending({ org: command.org }), deps.approvals.requiredApprovals);
    case "log":
      return logReply(await deps.queries.log({ who: command.who, org: command.org }));
    case "status":
      return statusReply(await deps.queries.status());
    case "digest":
      return digestReply(await deps.commands.digest(userId), deps.digestChannelId);
  }
}
