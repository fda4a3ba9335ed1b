/**
 * `AlertNotifier` over Slack: one access alert per restore session (blocks/alert.ts), posted to the
 * channel the core names and later updated in place as more matching events arrive.
 */
import type { AlertNotifier } from "../../core/access/ports.ts";
import { renderAccessAlert } from "../blocks/alert.ts";
import type { ChatOut } from "../chat.ts";

export function createAlertNotifier(deps: { chat: ChatOut; timeZone: string }): AlertNotifier {
  const render = (summary: Parameters<AlertNotifier["post"]>[0]) =>
    renderAccessAlert(summary, { timeZone: deps.timeZone });
  return {
    post: (summary, destination) => deps.chat.post(destination, render(summary)),
    update: (posted, summary) => deps.chat.update(posted.channel, posted.ts, render(summary)),
  };
}
