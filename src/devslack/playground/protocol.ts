/**
 * What the playground's page and server say to each other: the snapshot of what one person sees,
 * and the things that person can do. Types only, shared by both sides (the page is bundled from
 * ./page/, the server is ./routes.ts).
 */

/** One member of the workspace the page can act as. */
export interface Person {
  id: string;
  /** Slack handle, e.g. `priya`. */
  name: string;
  realName: string;
  email: string;
  /** What this person is in the demo, e.g. "requester", "approver". */
  role: string;
}

export interface Conversation {
  id: string;
  /** `approvals` for a channel; the bot's name for the DM. */
  name: string;
  kind: "channel" | "dm";
}

/** What a click acts on: a posted message, an ephemeral reply, the Home tab or an open modal. */
export type ClickTarget =
  | { message: { channel: string; ts: string } }
  | { reply: string }
  | { home: true }
  | { view: string };

export interface Item {
  /** Unique in the snapshot; also the element id on the page. */
  key: string;
  ts: string;
  /** ISO time it was posted (or last changed). */
  at: string;
  kind: "message" | "ephemeral";
  text: string;
  blocks: unknown[] | undefined;
  /** Changed in place after it was posted (`chat.update` or `replace_original`). */
  edited: boolean;
  /** Where clicks on its elements go; undefined: Slack would not send them to the app. */
  target: ClickTarget | undefined;
}

export interface ModalView {
  id: string;
  view: Record<string, unknown>;
}

export interface Control {
  id: string;
  label: string;
  /** One line under the label: what it does to the simulated VB365. */
  hint: string;
}

export interface Snapshot {
  as: string;
  workspace: string;
  bot: { id: string; name: string };
  persons: Person[];
  /** Display names for mentions: user id → real name, channel id → name. */
  names: { users: Record<string, string>; channels: Record<string, string> };
  conversations: Conversation[];
  /** Per conversation id, oldest first. */
  items: Record<string, Item[]>;
  home: { viewId: string; blocks: unknown[] } | undefined;
  modal: ModalView | undefined;
  controls: Control[];
  /** False until the bot is up and the playground knows where to reach it. */
  connected: boolean;
}

export type Act =
  | { kind: "command"; as: string; channel: string; text: string }
  | {
      kind: "click";
      as: string;
      actionId: string;
      value?: string;
      selectedValue?: string;
      on: ClickTarget;
    }
  | { kind: "submit"; as: string; viewId: string; values: Record<string, string> }
  | { kind: "close"; as: string; viewId: string }
  | { kind: "home"; as: string }
  | { kind: "control"; as: string; id: string };

export interface ActResult {
  ok: boolean;
  /** Shown to the person, like Slack's grey system notes ("/foo is not a valid command"). */
  notice?: string;
  /** Per input block id: the error a modal shows under that input (`response_action: "errors"`). */
  errors?: Record<string, string>;
}
