/**
 * What one person sees in the workspace, as the page shows it: the channels and their DM with the
 * bot, every message the bot posted there, the ephemeral replies meant for them (and nobody else),
 * their Home tab and the modal they have open. Read-only: it never changes the workspace.
 */
import type { ResponseUrlReply } from "../types.ts";
import type { Workspace } from "../workspace.ts";
import type { Control, Conversation, Item, Person, Snapshot } from "./protocol.ts";

export interface PlaygroundSetup {
  /** The workspace's name in the sidebar. */
  workspace: string;
  botName: string;
  persons: Person[];
  controls: Control[];
}

/** Messages, ephemerals and replies share one `ts` sequence: its fractional part. */
const order = (ts: string) => Number(ts.slice(ts.indexOf(".") + 1));

/** A reply is shown unless it only replaced a message, deleted something, or was itself replaced. */
function shownTo(reply: ResponseUrlReply, userId: string): boolean {
  if (reply.superseded || reply.deleteOriginal) return false;
  if (reply.replaceOriginal && reply.context.messageTs) return false;
  return reply.responseType === "in_channel" || reply.context.userId === userId;
}

export function snapshotFor(ws: Workspace, setup: PlaygroundSetup, as: string, connected: boolean): Snapshot {
  const conversations: Conversation[] = [...ws.channels.values()].map((c) => ({
    id: c.id,
    name: ws.channelName(c.id),
    kind: "channel",
  }));
  const dm = ws.dmByUser.get(as);
  if (dm) conversations.push({ id: dm, name: setup.botName, kind: "dm" });

  const items: Record<string, Item[]> = {};
  for (const { id } of conversations) {
    const list: Item[] = [];
    for (const m of ws.messagesIn(id)) {
      if (m.deleted) continue;
      list.push({
        key: `m${m.ts}`,
        ts: m.ts,
        at: (m.versions.at(-1)?.at ?? m.postedAt).toISOString(),
        kind: "message",
        text: m.text,
        blocks: m.blocks,
        edited: m.versions.length > 1,
        target: { message: { channel: m.channel, ts: m.ts } },
      });
    }
    for (const e of ws.ephemerals) {
      if (e.channel !== id || e.user !== as) continue;
      list.push({
        key: `e${e.ts}`,
        ts: e.ts,
        at: e.at.toISOString(),
        kind: "ephemeral",
        text: e.text,
        blocks: e.blocks,
        edited: false,
        target: undefined,
      });
    }
    for (const r of ws.responses) {
      if (r.context.channel !== id || !shownTo(r, as)) continue;
      list.push({
        key: `r${r.ts}`,
        ts: r.ts,
        at: r.at.toISOString(),
        kind: r.responseType === "in_channel" ? "message" : "ephemeral",
        text: r.text ?? "",
        blocks: r.blocks,
        edited: false,
        target: { reply: r.ts },
      });
    }
    items[id] = list.sort((a, b) => order(a.ts) - order(b.ts));
  }

  const users: Record<string, string> = {};
  for (const u of ws.users.values()) users[u.id] = u.realName ?? ws.userName(u.id);
  users[ws.botUserId] = setup.botName;
  const channels: Record<string, string> = {};
  for (const c of conversations) channels[c.id] = c.name;

  const home = ws.homes.get(as);
  const modal = ws.modals.filter((v) => v.userId === as && !v.closed).at(-1);
  return {
    as,
    workspace: setup.workspace,
    bot: { id: ws.botUserId, name: setup.botName },
    persons: setup.persons,
    names: { users, channels },
    conversations,
    items,
    home: home ? { viewId: home.id, blocks: (home.view.blocks as unknown[] | undefined) ?? [] } : undefined,
    modal: modal ? { id: modal.id, view: modal.view } : undefined,
    controls: setup.controls,
    connected,
  };
}
