/** A pick among several matching users or groups: one button each, or a menu when there are many. */
import type { AnyBlock } from "@slack/types";
import type { PendingChoice } from "../../../core/requests/ports.ts";
import { plainFallback, principalLabel, principalPlain, slackDate } from "../format.ts";
import { ACTION, pickValue } from "../ids.ts";
import { actions, button, context, LIMITS, type OutgoingMessage, section, staticSelect } from "../kit.ts";
import { label, literal, oneLine } from "../text.ts";

import { candidateLine } from "./common.ts";

/** Up to this many candidates get a button each; more go in one select menu. */
export const MAX_CANDIDATE_BUTTONS = 5;

/** Several principals matched: one button each (a select beyond five); nothing is requested yet. */
export function candidatesReply(choice: PendingChoice): OutgoingMessage {
  const intro =
    `Several users or groups in *${literal(choice.organization.name)}* match: which one should ` +
    `the bot ${choice.kind === "add" ? "start" : "stop"} auditing? No request is made until you pick.`;
  const blocks: AnyBlock[] = [section(intro)];
  const shown = choice.candidates;
  if (shown.length <= MAX_CANDIDATE_BUTTONS) {
    shown.forEach((c, index) => {
      blocks.push(
        section(candidateLine(c), {
          accessory: button({ text: "Pick", actionId: ACTION.pick, value: pickValue(choice.id, index) }),
        }),
      );
    });
  } else {
    // The menu lists them all (its options are short plain text, so 100 fit a message's budget).
    blocks.push(
      actions([
        staticSelect({
          actionId: ACTION.pickSelect,
          placeholder: "Pick one",
          options: shown.slice(0, LIMITS.selectOptions).map((c, index) => ({
            text: `${principalLabel(c.principal)} · ${label(c.principal.name) || c.principal.type}`,
            value: pickValue(choice.id, index),
          })),
        }),
      ]),
    );
  }
  const more = choice.total - shown.length;
  blocks.push(
    context([
      `${more > 0 ? `${more} more match: a fuller name narrows the list. ` : ""}This list expires ${slackDate(choice.expiresAt)}.`,
    ]),
  );
  const plain = `Several match in ${oneLine(choice.organization.name)}: ${shown
    .slice(0, 10)
    .map((c) => principalPlain(c.principal))
    .join("; ")}. Pick one; no request is made until you do.`;
  return { text: plainFallback(plain), blocks };
}
