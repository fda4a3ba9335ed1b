/**
 * `/vbo-audit`: parse the text, make ONE call to the core, render the answer. The caller acks first
 * (before any of this runs) and sends the answer with `respond()`, so VB365 may take its time.
 */

import type { OutgoingMessage } from "../blocks/kit.ts";
import { changeReply } from "../blocks/replies/change.ts";
import { cancelReply } from "../blocks/replies/decision.ts";
import { digestReply } from "../blocks/replies/digest.ts";
import { findReply } from "../blocks/replies/find.ts";
import { helpReply, parseErrorReply } from "../blocks/replies/help.ts";
import { listReply } from "../blocks/replies/list.ts";
import { logReply } from "../blocks/replies/log.ts";
import { pendingReply } from "../blocks/replies/pending.ts";
import { statusReply } from "../blocks/replies/status.ts";
import { type ListenerDeps, routeLookups } from "../listeners/context.ts";
import { parseCommand } from "./parse.ts";

export async function answerCommand(
  deps: ListenerDeps,
  text: string,
  userId: string,
): Promise<OutgoingMessage> {
  const command = parseCommand(text);
  const { policyOf, approvalsChannelOf } = routeLookups(deps);
  switch (command.kind) {
    case "error":
      return parseErrorReply(command.message);
    case "help":
      return helpReply();
    case "add":
    case "remove":
      return changeReply(
        await deps.core.flows.requestChange({
          kind: command.kind,
          who: command.who,
          requester: userId,
          org: command.org,
          reason: command.reason,
          auditForMs: command.kind === "add" ? command.auditFor : undefined,
        }),
        approvalsChannelOf,
      );
    case "cancel":
      return cancelReply(await deps.core.flows.cancel(command.requestId, userId), userId);
    case "find":
      return findReply(
        await deps.core.queries.find({
          asker: userId,
          who: command.who,
          query: command.query,
          org: command.org,
        }),
      );
    case "list":
      return listReply(await deps.core.queries.list({ asker: userId, org: command.org }));
    case "pending":
      return pendingReply(await deps.core.queries.pending({ asker: userId, org: command.org }), policyOf);
    case "log":
      return logReply(await deps.core.queries.log({ asker: userId, who: command.who, org: command.org }));
    case "status":
      return statusReply(await deps.core.queries.status({ asker: userId }));
    case "digest":
      return digestReply(await deps.core.digest.onDemand(userId, deps.digest));
  }
}
