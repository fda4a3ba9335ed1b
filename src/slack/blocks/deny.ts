/** The modal that asks an approver why they deny a request. */
import type { ModalView } from "@slack/types";
import type { Request } from "../../core/requests/types.ts";
import { MAX_REASON_LENGTH } from "../command/syntax.ts";
import { requestTitleMrkdwn } from "./format.ts";
import { DENY_REASON, VIEW } from "./ids.ts";
import { section, textInput } from "./kit.ts";
import { modal } from "./surfaces.ts";
import { quoted } from "./text.ts";

export function denyModal(request: Request): ModalView {
  return modal({
    title: `Deny request #${request.id}`,
    callbackId: VIEW.deny,
    // Only the id: the request's state is read from the store when the modal is submitted.
    privateMetadata: String(request.id),
    submit: "Deny",
    close: "Cancel",
    blocks: [
      section(
        `${requestTitleMrkdwn(request)}, asked by <@${request.requester}>${request.reason ? `: ${quoted(request.reason)}` : ""}`,
      ),
      textInput({
        blockId: DENY_REASON.blockId,
        actionId: DENY_REASON.actionId,
        label: "Why is it denied?",
        multiline: true,
        minLength: 1,
        maxLength: MAX_REASON_LENGTH,
        placeholder: "The requester and the log will show this.",
      }),
    ],
  });
}
