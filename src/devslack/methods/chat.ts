/** `chat.postMessage`, `chat.update`, `chat.postEphemeral`: messages, checked as Slack checks them. */
import { type Json, type MethodTable, refuse } from "../types.ts";
import { checkMessage, decodeNested } from "../validate/index.ts";
import type { Workspace } from "../workspace.ts";

/** The `blocks` argument decoded, or undefined when there are none. */
export function blocksArg(args: Json): unknown[] | undefined {
  const decoded = decodeNested(args.blocks);
  return decoded.ok && Array.isArray(decoded.value) ? (decoded.value as unknown[]) : undefined;
}

export function chatMethods(ws: Workspace): MethodTable {
  return {
    "chat.postMessage": {
      token: "bot",
      run: (args) => {
        const channel = ws.resolveChannel(args.channel);
        if (!channel) return refuse("channel_not_found");
        const verdict = checkMessage(args, ws.limits);
        if (!verdict.ok) return refuse(verdict.error, verdict.messages);
        const at = ws.now();
        const text = String(args.text);
        const blocks = blocksArg(args);
        const message = {
          channel,
          ts: ws.nextTs(),
          text,
          blocks,
          user: ws.botUserId,
          postedAt: at,
          versions: [{ text, blocks, at, via: "chat.postMessage" as const }],
          deleted: false,
          ...(typeof args.thread_ts === "string" ? { threadTs: args.thread_ts } : {}),
        };
        ws.addMessage(message);
        ws.changed({ kind: "message", channel });
        return { body: { ok: true, channel, ts: message.ts, message: ws.messageJson(message) } };
      },
    },
    "chat.update": {
      token: "bot",
      run: (args) => {
        const channel = ws.resolveChannel(args.channel);
        if (!channel) return refuse("channel_not_found");
        const message = typeof args.ts === "string" ? ws.message(channel, args.ts) : undefined;
        if (!message || message.deleted) return refuse("message_not_found");
        const verdict = checkMessage(args, ws.limits);
        if (!verdict.ok) return refuse(verdict.error, verdict.messages);
        message.text = String(args.text);
        // As Slack does: blocks left out keep the old ones; an empty array removes them.
        if (args.blocks !== undefined) message.blocks = blocksArg(args);
        message.versions.push({
          text: message.text,
          blocks: message.blocks,
          at: ws.now(),
          via: "chat.update",
        });
        ws.changed({ kind: "message", channel });
        return {
          body: { ok: true, channel, ts: message.ts, text: message.text, message: ws.messageJson(message) },
        };
      },
    },
    "chat.postEphemeral": {
      token: "bot",
      run: (args) => {
        const channel = ws.resolveChannel(args.channel);
        if (!channel) return refuse("channel_not_found");
        if (typeof args.user !== "string" || !ws.users.has(args.user)) return refuse("user_not_found");
        const verdict = checkMessage(args, ws.limits);
        if (!verdict.ok) return refuse(verdict.error, verdict.messages);
        const ts = ws.nextTs();
        ws.ephemerals.push({
          channel,
          user: args.user,
          ts,
          text: String(args.text),
          blocks: blocksArg(args),
          at: ws.now(),
        });
        ws.changed({ kind: "ephemeral", channel, userId: args.user });
        return { body: { ok: true, message_ts: ts } };
      },
    },
  };
}
