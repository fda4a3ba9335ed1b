/**
 * `ChatOut` over the Slack Web API: posting and updating channel messages for every part of the bot
 * (approval messages, DMs, the digest, alerts). A failure is thrown as a `SlackCallError` and not
 * logged here: the caller decides whether it matters, and logs it once.
 */
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { callSlack, SlackCallError } from "../errors.ts";
import type { OutgoingMessage } from "./blocks/kit.ts";

/** Posting to Slack channels and updating what was posted. */
export interface ChatOut {
  post(
    channel: string,
    message: OutgoingMessage,
    options?: { threadTs?: string },
  ): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: OutgoingMessage): Promise<void>;
}

import type { Logger } from "../logger.ts";

export function createChatOut(web: WebClient, logger: Logger): ChatOut {
  const log = logger.child({ component: "slack-chat" });
  // The port's blocks are already inside Slack's limits (built with blocks/kit.ts).
  const blocksOf = (message: OutgoingMessage) => (message.blocks ?? []) as KnownBlock[];

  return {
    async post(channel, message, options = {}) {
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
    },

    async update(channel, ts, message) {
      // Blocks always go with an update: left out, Slack would keep the old ones (and their buttons).
      await callSlack("chat.update", () =>
        web.chat.update({ channel, ts, text: message.text, blocks: blocksOf(message) }),
      );
      log.debug("slack message updated", { channel, ts });
    },
  };
}
