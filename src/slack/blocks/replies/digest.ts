import type { DigestRequestOutcome } from "../../../core/digest/post.ts";
import { plural } from "../../../core/vocabulary.ts";
import type { OutgoingMessage } from "../kit.ts";
import { literal } from "../text.ts";

import { simpleReply } from "./common.ts";

export function digestReply(outcome: DigestRequestOutcome): OutgoingMessage {
  switch (outcome.kind) {
    case "posted":
      return simpleReply(
        `:white_check_mark: The digest is posted in ${outcome.channels.map((c) => `<#${c}>`).join(", ") || "no channel (already posted)"} (${plural(outcome.messages, "message")}).`,
      );
    case "not_approver":
      return simpleReply(":no_entry_sign: Only approvers can post the digest on demand.");
    case "not_available":
      return simpleReply(":information_source: The digest is not available in this deployment of the bot.");
    case "failed":
      return simpleReply(`:warning: The digest could not be posted: ${literal(outcome.error)}`);
  }
}
