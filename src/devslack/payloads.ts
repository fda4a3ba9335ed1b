/**
 * The payloads Slack sends to an app, shaped as Slack shapes them, for whoever plays the member:
 * a slash command, a button click or menu pick, a modal submission, the Home tab being opened.
 * The same payload goes over HTTP (signed, form-encoded) or inside a Socket Mode envelope.
 */

export interface Team {
  id: string;
  domain: string;
}

export interface Actor {
  id: string;
  name: string;
}

type Json = Record<string, unknown>;

const VERIFICATION_TOKEN = "fake-verification-token";

export function slashCommandPayload(input: {
  team: Team;
  appId: string;
  user: Actor;
  channelId: string;
  channelName?: string;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: input.team.id,
    team_domain: input.team.domain,
    channel_id: input.channelId,
    channel_name: input.channelName ?? "channel",
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: input.appId,
    is_enterprise_install: "false",
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  };
}

/** The interactive element a click or pick targets, found in the blocks the user was looking at. */
export interface FoundElement {
  blockId: string;
  element: Json;
}

/**
 * Finds an element by `action_id` (and, for buttons, `value`) in `blocks`, as Slack would render
 * them; throws when there is none, since a user cannot click what is not on screen.
 */
export function findElement(blocks: unknown, actionId: string, value?: string): FoundElement {
  const list = Array.isArray(blocks) ? (blocks as Json[]) : [];
  const seen: string[] = [];
  for (const [index, block] of list.entries()) {
    const candidates: Json[] = [];
    if (block.type === "actions" && Array.isArray(block.elements))
      candidates.push(...(block.elements as Json[]));
    if (block.type === "section" && block.accessory) candidates.push(block.accessory as Json);
    if (block.type === "input" && block.element) candidates.push(block.element as Json);
    for (const element of candidates) {
      if (typeof element.action_id !== "string") continue;
      seen.push(
        element.value === undefined ? element.action_id : `${element.action_id}=${String(element.value)}`,
      );
      if (element.action_id !== actionId) continue;
      if (value !== undefined && element.type === "button" && element.value !== value) continue;
      return { blockId: typeof block.block_id === "string" ? block.block_id : `block-${index}`, element };
    }
  }
  throw new Error(
    `Slack stand-in: no element with action_id ${actionId}${value === undefined ? "" : ` and value ${value}`} on screen; there are: ${seen.join(", ") || "none"}`,
  );
}

/** The `actions[0]` Slack reports for a click on a button or a pick in a menu. */
export function actionOf(found: FoundElement, actionTs: string, selectedValue?: string): Json {
  const { element, blockId } = found;
  const action: Json = {
    action_id: element.action_id,
    block_id: blockId,
    type: element.type,
    action_ts: actionTs,
  };
  if (element.type === "button") {
    action.text = element.text;
    if (element.value !== undefined) action.value = element.value;
    if (element.style !== undefined) action.style = element.style;
    return action;
  }
  if (element.type === "static_select" || element.type === "overflow" || element.type === "radio_buttons") {
    const options = allOptions(element);
    const option = options.find((o) => o.value === selectedValue);
    if (!option) {
      throw new Error(
        `Slack stand-in: ${String(element.action_id)} has no option ${String(selectedValue)}; options: ${options.map((o) => String(o.value)).join(", ")}`,
      );
    }
    action.selected_option = option;
    return action;
  }
  throw new Error(`Slack stand-in: clicking a ${String(element.type)} is not simulated`);
}

function allOptions(element: Json): Json[] {
  const direct = Array.isArray(element.options) ? (element.options as Json[]) : [];
  const grouped = Array.isArray(element.option_groups)
    ? (element.option_groups as Json[]).flatMap((g) =>
        Array.isArray(g.options) ? (g.options as Json[]) : [],
      )
    : [];
  return [...direct, ...grouped];
}

export function blockActionsPayload(input: {
  team: Team;
  appId: string;
  user: Actor;
  triggerId: string;
  action: Json;
  container: Json;
  channel?: { id: string; name: string };
  message?: Json;
  view?: Json;
  responseUrl?: string;
}): Json {
  const payload: Json = {
    type: "block_actions",
    user: { id: input.user.id, username: input.user.name, name: input.user.name, team_id: input.team.id },
    api_app_id: input.appId,
    token: VERIFICATION_TOKEN,
    container: input.container,
    trigger_id: input.triggerId,
    team: input.team,
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [input.action],
  };
  if (input.channel) payload.channel = input.channel;
  if (input.message) payload.message = input.message;
  if (input.view) payload.view = input.view;
  if (input.responseUrl) payload.response_url = input.responseUrl;
  return payload;
}

/**
 * `state.values` for a modal's input blocks, from `{ action_id: value }`: a string fills a text
 * input, and picks the option with that value in a select.
 */
export function stateValues(
  blocks: unknown,
  values: Record<string, string>,
): Record<string, Record<string, Json>> {
  const out: Record<string, Record<string, Json>> = {};
  const remaining = new Set(Object.keys(values));
  for (const [index, block] of (Array.isArray(blocks) ? (blocks as Json[]) : []).entries()) {
    if (block.type !== "input" || typeof block.element !== "object" || block.element === null) continue;
    const element = block.element as Json;
    const actionId = String(element.action_id);
    const blockId = typeof block.block_id === "string" ? block.block_id : `block-${index}`;
    const given = values[actionId];
    remaining.delete(actionId);
    let state: Json;
    if (element.type === "static_select") {
      const option = allOptions(element).find((o) => o.value === given);
      state = { type: element.type, selected_option: option ?? null };
    } else {
      state = { type: element.type, value: given ?? null };
    }
    out[blockId] = { [actionId]: state };
  }
  if (remaining.size > 0) {
    throw new Error(`Slack stand-in: the view has no input with action_id ${[...remaining].join(", ")}`);
  }
  return out;
}

export function viewSubmissionPayload(input: {
  team: Team;
  appId: string;
  botId: string;
  user: Actor;
  triggerId: string;
  viewId: string;
  view: Json;
  hash: string;
  values: Record<string, Record<string, Json>>;
}): Json {
  return {
    type: "view_submission",
    team: input.team,
    user: { id: input.user.id, username: input.user.name, name: input.user.name, team_id: input.team.id },
    api_app_id: input.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId,
    view: {
      id: input.viewId,
      team_id: input.team.id,
      type: "modal",
      private_metadata: "",
      callback_id: "",
      external_id: "",
      ...input.view,
      state: { values: input.values },
      hash: input.hash,
      previous_view_id: null,
      root_view_id: input.viewId,
      app_id: input.appId,
      app_installed_team_id: input.team.id,
      bot_id: input.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function appHomeOpenedPayload(input: {
  team: Team;
  appId: string;
  botUserId: string;
  userId: string;
  channelId: string;
  eventTs: string;
  viewId?: string;
}): Json {
  const event: Json = {
    type: "app_home_opened",
    user: input.userId,
    channel: input.channelId,
    tab: "home",
    event_ts: input.eventTs,
  };
  if (input.viewId) event.view = { id: input.viewId };
  return {
    token: VERIFICATION_TOKEN,
    team_id: input.team.id,
    api_app_id: input.appId,
    event,
    type: "event_callback",
    event_id: `Ev${input.eventTs.replace(".", "")}`,
    event_time: Math.floor(Number(input.eventTs)),
    authorizations: [{ team_id: input.team.id, user_id: input.botUserId, is_bot: true }],
    is_ext_shared_channel: false,
  };
}
