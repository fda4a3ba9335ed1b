import { COMMAND, usageMrkdwn } from "../../command/syntax.ts";
import type { OutgoingMessage } from "../kit.ts";

import { simpleReply } from "./common.ts";

export function helpReply(): OutgoingMessage {
  return simpleReply(usageMrkdwn(), `${COMMAND} help: add, remove, find, list, pending, log, status, digest`);
}

export function parseErrorReply(message: string): OutgoingMessage {
  return simpleReply(`:grey_question: ${message}`);
}
