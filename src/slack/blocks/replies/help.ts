import { COMMAND, SUBCOMMANDS, usageMrkdwn } from "../../command/syntax.ts";
import type { OutgoingMessage } from "../kit.ts";

import { simpleReply } from "./common.ts";

export function helpReply(): OutgoingMessage {
  // From the one list of subcommands, so the notification text never misses one (it missed cancel).
  return simpleReply(usageMrkdwn(), `${COMMAND} help: ${SUBCOMMANDS.join(", ")}`);
}

export function parseErrorReply(message: string): OutgoingMessage {
  return simpleReply(`:grey_question: ${message}`);
}
