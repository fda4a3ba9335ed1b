/**
 * `DigestNotifier` over Slack: the digest rendered (blocks/digest.ts, split over as many messages as
 * Slack's limits need) and posted, in order, to the channel the core names. A failure is thrown for
 * the caller (the digest job) to log and retry; nothing is recorded until every message is posted.
 */
import type { DigestNotifier } from "../../core/digest/ports.ts";
import { renderDigest } from "../blocks/digest.ts";
import type { ChatOut } from "../chat.ts";

export function createDigestNotifier(deps: { chat: ChatOut; timeZone: string }): DigestNotifier {
  return {
    async post(digest, destination) {
      const ts: string[] = [];
      let channel = destination;
      for (const message of renderDigest(digest, { timeZone: deps.timeZone })) {
        const posted = await deps.chat.post(destination, message);
        channel = posted.channel;
        ts.push(posted.ts);
      }
      return { channel, ts };
    },
  };
}
