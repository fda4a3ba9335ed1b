/**
 * `ChatOut` over the Slack Web API: posting and updating channel messages for every part of the bot
 * (approval messages, DMs, the digest, alerts). A failure is logged with Slack's error code and
 * rethrown as a `SlackCallError`, so the caller decides whether it matters; none of them crash.
 */
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { ChatOut, OutgoingMessage } from "../core/requests/ports.ts";
import type { Logger } from "../logger.ts";
import { callSlack, SlackCallError } from "./errors.ts";

export function createChatOut(web: WebClient, logger: Logger): ChatOut {
  const log = logger.child({ component: "slack-chat" });
  // The port's blocks are already inside Slack's limits (built with blocks/kit.ts).
  const blocksOf = (message: OutgoingMessage) => (message.blocks ?? []) as KnownBlock[];

  return {
    async post(channel, message, options = {}) {
      try {
        const result = await callSlack("chat.postMessage", () =>
          web.chat.postMessage({
            channel,
            text: message.text,
            ...(message.blocks ? { blocks: blocksOf(message) } : {}),
            ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
          }),
        );
        if (typeof result.ts !== "string" || typeof result.channel !== "string") {
          throw new SlackCallError("chat.postMessage", "no_ts_in_answer");
        }
        log.debug("slack message posted", { channel: result.channel, ts: result.ts });
        return { channel: result.channel, ts: result.ts };
      } catch (err) {
        log.warn("posting a Slack message failed", { channel, error: describe(err) });
        throw err;
      }
    },

    async update(channel, ts, message) {
      try {
        // Blocks always go with an update: left out, Slack would keep the old ones (and their buttons).
        await callSlack("chat.update", () =>
          web.chat.update({ channel, ts, text: message.text, blocks: blocksOf(message) }),
        );
        log.debug("slack message updated", { channel, ts });
      } catch (err) {
        log.warn("updating a Slack message failed", { channel, ts, error: describe(err) });
        throw err;
      }
    },
  };
}

function describe(err: unknown): string {
  return err instanceof SlackCallError ? err.slackError : "unexpected error";
}
