/**
 * What a member does, as the payload Slack would send the app: typing a slash command, clicking or
 * picking on what they see (a message, an ephemeral reply, their Home tab, an open modal),
 * submitting a modal, opening the Home tab. Each payload carries fresh trigger ids and response URLs
 * with Slack's limits. Throws when the member could not do it (nothing to click on screen).
 */
import {
  actionOf,
  appHomeOpenedPayload,
  blockActionsPayload,
  findElement,
  slashCommandPayload,
  stateValues,
  viewSubmissionPayload,
} from "./payloads.ts";
import type { Json, ResponseUrlReply } from "./types.ts";
import type { Workspace } from "./workspace.ts";

export interface SlashCommandInput {
  userId: string;
  text: string;
  channelId: string;
  command?: string;
}

export interface BlockActionInput {
  userId: string;
  actionId: string;
  value?: string;
  selectedValue?: string;
  on:
    | { message: { channel: string; ts: string } }
    | { response: ResponseUrlReply }
    | { home: string }
    | { view: string };
}

export interface ViewSubmissionInput {
  userId: string;
  viewId: string;
  values: Record<string, string>;
}

const actor = (ws: Workspace, userId: string) => ({ id: userId, name: ws.userName(userId) });

/** The form fields of `/vbo-audit <text>` typed by `userId` in `channelId`, with fresh URLs. */
export function slashCommand(ws: Workspace, input: SlashCommandInput): Record<string, string> {
  const { userId, text, channelId, command = "/vbo-audit" } = input;
  return slashCommandPayload({
    team: ws.team,
    appId: ws.appId,
    user: actor(ws, userId),
    channelId,
    channelName: ws.isDm(channelId) ? "directmessage" : ws.channelName(channelId),
    command,
    text,
    responseUrl: ws.mintResponseUrl({ channel: channelId, userId }),
    triggerId: ws.mintTrigger(userId),
  });
}

/** A `block_actions` payload for a click (or a menu pick with `selectedValue`). */
export function blockAction(ws: Workspace, input: BlockActionInput): Json {
  const { userId, actionId, value, selectedValue, on } = input;
  const common = {
    team: ws.team,
    appId: ws.appId,
    user: actor(ws, userId),
    triggerId: ws.mintTrigger(userId),
  };
  const actionTs = ws.nextTs();
  if ("message" in on) {
    const m = ws.message(on.message.channel, on.message.ts);
    if (!m || m.deleted)
      throw new Error(`Slack stand-in: no message ${on.message.ts} in ${on.message.channel}`);
    const found = findElement(m.blocks, actionId, value);
    return blockActionsPayload({
      ...common,
      action: actionOf(found, actionTs, selectedValue),
      container: { type: "message", message_ts: m.ts, channel_id: m.channel, is_ephemeral: false },
      channel: { id: m.channel, name: ws.isDm(m.channel) ? "directmessage" : ws.channelName(m.channel) },
      message: ws.messageJson(m),
      responseUrl: ws.mintResponseUrl({ channel: m.channel, userId, messageTs: m.ts }),
    });
  }
  if ("response" in on) {
    const found = findElement(on.response.blocks, actionId, value);
    const channel = on.response.context.channel ?? "";
    return blockActionsPayload({
      ...common,
      action: actionOf(found, actionTs, selectedValue),
      container: {
        type: "message",
        message_ts: ws.nextTs(),
        channel_id: channel,
        is_ephemeral: on.response.responseType === "ephemeral",
      },
      channel: { id: channel, name: ws.channelName(channel) },
      responseUrl: ws.mintResponseUrl({ channel, userId, replyTs: on.response.ts }),
    });
  }
  const view = "home" in on ? ws.homes.get(on.home) : ws.modals.find((v) => v.id === on.view);
  if (!view)
    throw new Error(`Slack stand-in: no such view ${"home" in on ? `(home of ${on.home})` : on.view}`);
  const found = findElement(view.view.blocks, actionId, value);
  return blockActionsPayload({
    ...common,
    action: actionOf(found, actionTs, selectedValue),
    container: { type: "view", view_id: view.id },
    view: ws.viewJson(view),
  });
}

/** A `view_submission` payload for an open modal, inputs filled from `{ action_id: value }`. */
export function viewSubmission(ws: Workspace, input: ViewSubmissionInput): Json {
  const view = ws.modals.find((v) => v.id === input.viewId);
  if (!view) throw new Error(`Slack stand-in: no open modal ${input.viewId}`);
  return viewSubmissionPayload({
    team: ws.team,
    appId: ws.appId,
    botId: ws.botId,
    user: actor(ws, input.userId),
    triggerId: ws.mintTrigger(input.userId),
    viewId: view.id,
    view: view.view,
    hash: view.hash,
    values: stateValues(view.view.blocks, input.values),
  });
}

/** The `event_callback` body of `app_home_opened` for `userId`. */
export function appHomeOpened(ws: Workspace, userId: string): Json {
  const home = ws.homes.get(userId);
  return appHomeOpenedPayload({
    team: ws.team,
    appId: ws.appId,
    botUserId: ws.botUserId,
    userId,
    channelId: ws.openDm(userId),
    eventTs: ws.nextTs(),
    ...(home ? { viewId: home.id } : {}),
  });
}
