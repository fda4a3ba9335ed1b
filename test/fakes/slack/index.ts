/**
 * A fake Slack for tests: a real HTTP server on 127.0.0.1 (port 0) that speaks the part of the Web API
 * the bot uses, records every call, and refuses what Slack refuses with Slack's error names. Point
 * `SLACK_API_URL` (or a WebClient's `slackApiUrl`) at `apiUrl`.
 *
 * It also mints `response_url`s and `trigger_id`s with Slack's limits, builds the payloads a user's
 * command, click or submission produces, and serves Socket Mode (see ./socket.ts).
 *
 * Block checks live in ./validate.ts and are written independently of src/slack/blocks.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../../src/clock.ts";
import {
  actionOf,
  appHomeOpenedPayload,
  blockActionsPayload,
  findElement,
  slashCommandPayload,
  stateValues,
  viewSubmissionPayload,
} from "./payloads.ts";
import { createSocketModeServer, type FakeSocketMode } from "./socket.ts";
import { checkMessage, checkView, DEFAULT_LIMITS, decodeNested, type MessageLimits } from "./validate.ts";

export type { EnvelopeInput, FakeSocketMode, SocketAck } from "./socket.ts";

type Json = Record<string, unknown>;

export interface FakeUserInput {
  id: string;
  name?: string;
  realName?: string;
  /** Shown as `profile.email` (the bot has `users:read.email`). */
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Channel ids that exist (the bot is a member). DMs are created by `conversations.open`. */
  channels?: readonly string[];
  users?: readonly FakeUserInput[];
  /** Usergroup id → member user ids. */
  usergroups?: Readonly<Record<string, readonly string[]>>;
  /** Drives message `ts`, trigger and response-URL expiry; the system clock when omitted. */
  clock?: Clock;
  limits?: Partial<MessageLimits>;
  socketPingIntervalMs?: number;
}

export type TokenKind = "bot" | "app" | "none" | "invalid";

export interface FakeCall {
  method: string;
  /** Decoded arguments (nested JSON such as `blocks` or `view` parsed), without the token. */
  args: Json;
  time: Date;
  token: TokenKind;
  ok: boolean;
  error?: string;
  status: number;
}

export interface MessageVersion {
  text: string;
  blocks: unknown[] | undefined;
  at: Date;
  via: "chat.postMessage" | "chat.update" | "response_url";
}

export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  /** The current text and blocks; `versions` holds every state, the original first. */
  text: string;
  blocks: unknown[] | undefined;
  user: string;
  postedAt: Date;
  versions: MessageVersion[];
  deleted: boolean;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks: unknown[] | undefined;
  at: Date;
}

export interface ResponseUrlContext {
  channel?: string;
  userId?: string;
  /** The message a click came from: `replace_original` / `delete_original` act on it. */
  messageTs?: string;
}

export interface FakeResponse {
  url: string;
  body: Json;
  text: string | undefined;
  blocks: unknown[] | undefined;
  responseType: "ephemeral" | "in_channel";
  replaceOriginal: boolean;
  deleteOriginal: boolean;
  at: Date;
  context: ResponseUrlContext;
}

export interface FakeResponseFailure {
  url: string;
  status: number;
  error: string;
  messages: string[];
  body: unknown;
  at: Date;
}

export interface FakeView {
  id: string;
  type: "modal" | "home";
  /** The user who sees it: the modal's opener, or the Home tab's owner. */
  userId: string | undefined;
  view: Json;
  hash: string;
  versions: Array<{ view: Json; at: Date; via: string }>;
}

export interface FailureOptions {
  /** HTTP status; 429 by default for `ratelimited`, otherwise 200 as Slack answers errors. */
  status?: number;
  /** Seconds, sent as `Retry-After`; 1 by default on a 429. */
  retryAfter?: number;
}

export interface FakeSlack {
  /** Base of the Web API, ending in "/api/": SLACK_API_URL. */
  readonly apiUrl: string;
  readonly url: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  /** Every Web API call, refused ones included, in order. */
  readonly calls: FakeCall[];
  callsTo(method: string): FakeCall[];
  /** Messages per channel id (DMs under their D… id), oldest first. */
  readonly messages: Map<string, FakeMessage[]>;
  messagesIn(channel: string): FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  readonly ephemerals: FakeEphemeral[];
  /** The DM channel id the bot has with a user, once opened. */
  dmChannelOf(userId: string): string | undefined;
  /** What was accepted at response URLs; refusals are in `responseFailures`. */
  readonly responses: FakeResponse[];
  readonly responseFailures: FakeResponseFailure[];
  /** A response_url on this server: 5 uses within 30 minutes, like Slack's. */
  responseUrl(context?: ResponseUrlContext): string;
  /** A trigger_id: single use, valid for 3 seconds. */
  triggerId(userId?: string): string;
  readonly views: { modals: FakeView[]; homes: Map<string, FakeView> };
  addUser(user: FakeUserInput): void;
  addChannel(id: string): void;
  setUsergroup(id: string, members: readonly string[]): void;
  /** The next call to `method` fails with `error` (queued: several calls queue several failures). */
  failNext(method: string, error: string, options?: FailureOptions): void;
  /** Resolves with the predicate's first truthy value; rejects after `timeoutMs` (5 s by default). */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  /** The form fields of `/vbo-audit <text>` typed by `userId` in `channelId`, with fresh URLs. */
  slashCommand(input: {
    userId: string;
    text: string;
    channelId: string;
    command?: string;
  }): Record<string, string>;
  /**
   * A `block_actions` payload for a click (or a menu pick with `selectedValue`) on what the user sees:
   * a posted message, a response_url reply, their Home tab or an open modal. Throws when the element
   * is not there.
   */
  blockAction(input: {
    userId: string;
    actionId: string;
    value?: string;
    selectedValue?: string;
    on:
      | { message: { channel: string; ts: string } }
      | { response: FakeResponse }
      | { home: string }
      | { view: string };
  }): Json;
  /** A `view_submission` payload for an open modal, inputs filled from `{ action_id: value }`. */
  viewSubmission(input: { userId: string; viewId: string; values: Record<string, string> }): Json;
  /** The `event_callback` body of `app_home_opened` for `userId`. */
  appHomeOpened(userId: string): Json;
  readonly socket: FakeSocketMode;
  close(): Promise<void>;
}

interface Trigger {
  issuedAt: number;
  used: boolean;
  userId: string | undefined;
}

interface ResponseUrlState {
  issuedAt: number;
  uses: number;
  context: ResponseUrlContext;
}

interface Result {
  status?: number;
  body: Json;
  headers?: Record<string, string>;
}

const TRIGGER_TTL_MS = 3_000;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const RESPONSE_URL_USES = 5;
const NESTED_ARGS = new Set(["blocks", "attachments", "view", "metadata"]);

const fail = (error: string, messages?: string[]): Result => ({
  body: messages ? { ok: false, error, response_metadata: { messages } } : { ok: false, error },
});

export async function createFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? "xoxb-fake-bot-token";
  const appToken = options.appToken ?? "xapp-fake-app-token";
  const teamId = options.teamId ?? "T0FAKE";
  const team = { id: teamId, domain: "fake-team" };
  const botUserId = options.botUserId ?? "U0BOT";
  const botId = options.botId ?? "B0BOT";
  const appId = options.appId ?? "A0FAKE";
  const limits: MessageLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = () => (options.clock ? options.clock.now() : new Date());

  const channels = new Set(options.channels ?? []);
  const users = new Map<string, FakeUserInput>();
  const usergroups = new Map<string, string[]>();
  const dmByUser = new Map<string, string>();
  const calls: FakeCall[] = [];
  const messages = new Map<string, FakeMessage[]>();
  const ephemerals: FakeEphemeral[] = [];
  const responses: FakeResponse[] = [];
  const responseFailures: FakeResponseFailure[] = [];
  const triggers = new Map<string, Trigger>();
  const responseUrls = new Map<string, ResponseUrlState>();
  const modals: FakeView[] = [];
  const homes = new Map<string, FakeView>();
  const failures = new Map<string, Array<{ error: string } & FailureOptions>>();
  let sequence = 0;

  for (const user of options.users ?? []) users.set(user.id, user);
  for (const [id, members] of Object.entries(options.usergroups ?? {})) usergroups.set(id, [...members]);

  const nextTs = () => `${Math.floor(now().getTime() / 1000)}.${String(++sequence).padStart(6, "0")}`;
  const randomId = (prefix: string) => `${prefix}${randomBytes(5).toString("hex").toUpperCase()}`;

  function userName(id: string): string {
    return users.get(id)?.name ?? id.toLowerCase();
  }

  function openDm(userId: string): string {
    let id = dmByUser.get(userId);
    if (!id) {
      id = `D${userId.replace(/^[UW]/, "")}`;
      dmByUser.set(userId, id);
      messages.set(id, messages.get(id) ?? []);
    }
    return id;
  }

  /** A channel id the bot may post to, or undefined (`channel_not_found`). User ids post to the DM. */
  function resolveChannel(id: unknown): string | undefined {
    if (typeof id !== "string" || id === "") return undefined;
    if (channels.has(id)) return id;
    if ([...dmByUser.values()].includes(id)) return id;
    if (users.has(id)) return openDm(id);
    return undefined;
  }

  function blocksArg(args: Json): unknown[] | undefined {
    const decoded = decodeNested(args.blocks);
    return decoded.ok && Array.isArray(decoded.value) ? (decoded.value as unknown[]) : undefined;
  }

  function messageJson(m: FakeMessage): Json {
    const out: Json = {
      type: "message",
      user: m.user,
      bot_id: botId,
      app_id: appId,
      text: m.text,
      ts: m.ts,
      team: teamId,
    };
    if (m.blocks) out.blocks = m.blocks;
    if (m.threadTs) out.thread_ts = m.threadTs;
    return out;
  }

  function storedView(view: FakeView): Json {
    return {
      ...view.view,
      id: view.id,
      team_id: teamId,
      state: { values: {} },
      hash: view.hash,
      root_view_id: view.id,
      previous_view_id: null,
      app_id: appId,
      app_installed_team_id: teamId,
      bot_id: botId,
    };
  }

  function newHash(): string {
    return `${Math.floor(now().getTime() / 1000)}.${randomBytes(4).toString("hex")}`;
  }

  const methods: Record<string, { token: "bot" | "app" | "any"; run: (args: Json) => Result }> = {
    "auth.test": {
      token: "any",
      run: () => ({
        body: {
          ok: true,
          url: "https://fake-team.slack.com/",
          team: "Fake Team",
          user: "vbo-audit",
          team_id: teamId,
          user_id: botUserId,
          bot_id: botId,
          is_enterprise_install: false,
        },
      }),
    },
    "chat.postMessage": {
      token: "bot",
      run: (args) => {
        const channel = resolveChannel(args.channel);
        if (!channel) return fail("channel_not_found");
        const verdict = checkMessage(args, limits);
        if (!verdict.ok) return fail(verdict.error, verdict.messages);
        const at = now();
        const text = String(args.text);
        const blocks = blocksArg(args);
        const message: FakeMessage = {
          channel,
          ts: nextTs(),
          text,
          blocks,
          user: botUserId,
          postedAt: at,
          versions: [{ text, blocks, at, via: "chat.postMessage" }],
          deleted: false,
        };
        if (typeof args.thread_ts === "string") message.threadTs = args.thread_ts;
        const list = messages.get(channel) ?? [];
        list.push(message);
        messages.set(channel, list);
        return { body: { ok: true, channel, ts: message.ts, message: messageJson(message) } };
      },
    },
    "chat.update": {
      token: "bot",
      run: (args) => {
        const channel = resolveChannel(args.channel);
        if (!channel) return fail("channel_not_found");
        const message = messages.get(channel)?.find((m) => m.ts === args.ts && !m.deleted);
        if (!message) return fail("message_not_found");
        const verdict = checkMessage(args, limits);
        if (!verdict.ok) return fail(verdict.error, verdict.messages);
        message.text = String(args.text);
        // As Slack does: blocks left out keep the old ones; an empty array removes them.
        if (args.blocks !== undefined) message.blocks = blocksArg(args);
        message.versions.push({ text: message.text, blocks: message.blocks, at: now(), via: "chat.update" });
        return {
          body: { ok: true, channel, ts: message.ts, text: message.text, message: messageJson(message) },
        };
      },
    },
    "chat.postEphemeral": {
      token: "bot",
      run: (args) => {
        const channel = resolveChannel(args.channel);
        if (!channel) return fail("channel_not_found");
        if (typeof args.user !== "string" || !users.has(args.user)) return fail("user_not_found");
        const verdict = checkMessage(args, limits);
        if (!verdict.ok) return fail(verdict.error, verdict.messages);
        const ts = nextTs();
        ephemerals.push({
          channel,
          user: args.user,
          ts,
          text: String(args.text),
          blocks: blocksArg(args),
          at: now(),
        });
        return { body: { ok: true, message_ts: ts } };
      },
    },
    "conversations.open": {
      token: "bot",
      run: (args) => {
        const ids = typeof args.users === "string" ? args.users.split(",").map((s) => s.trim()) : [];
        if (ids.length === 0) return fail("users_list_not_supplied");
        if (ids.length > 1) return fail("not_supported", ["[ERROR] the fake only opens one-to-one DMs"]);
        const userId = ids[0] as string;
        if (!users.has(userId)) return fail("user_not_found");
        return { body: { ok: true, channel: { id: openDm(userId) } } };
      },
    },
    "users.info": {
      token: "bot",
      run: (args) => {
        const user = typeof args.user === "string" ? users.get(args.user) : undefined;
        if (!user) return fail("user_not_found");
        const name = user.name ?? user.id.toLowerCase();
        const realName = user.realName ?? name;
        const profile: Json = { real_name: realName, display_name: name, real_name_normalized: realName };
        if (user.email !== undefined) profile.email = user.email;
        return {
          body: {
            ok: true,
            user: {
              id: user.id,
              team_id: teamId,
              name,
              real_name: realName,
              deleted: user.deleted ?? false,
              is_bot: user.isBot ?? false,
              tz: "Pacific/Auckland",
              profile,
            },
          },
        };
      },
    },
    "usergroups.users.list": {
      token: "bot",
      run: (args) => {
        const members = typeof args.usergroup === "string" ? usergroups.get(args.usergroup) : undefined;
        if (!members) return fail("no_such_subteam");
        return { body: { ok: true, users: [...members] } };
      },
    },
    "views.open": {
      token: "bot",
      run: (args) => {
        const id = typeof args.trigger_id === "string" ? args.trigger_id : "";
        const trigger = triggers.get(id);
        if (!trigger) return fail("invalid_trigger_id");
        if (trigger.used) return fail("exchanged_trigger_id");
        if (now().getTime() - trigger.issuedAt > TRIGGER_TTL_MS) return fail("expired_trigger_id");
        trigger.used = true;
        const verdict = checkView(args.view, "modal");
        if (!verdict.ok) return fail(verdict.error, verdict.messages);
        const view = decodeNested(args.view) as { ok: true; value: Json };
        const fake: FakeView = {
          id: randomId("V"),
          type: "modal",
          userId: trigger.userId,
          view: view.value,
          hash: newHash(),
          versions: [{ view: view.value, at: now(), via: "views.open" }],
        };
        modals.push(fake);
        return { body: { ok: true, view: storedView(fake) } };
      },
    },
    "views.update": {
      token: "bot",
      run: (args) => {
        const all = [...modals, ...homes.values()];
        const existing =
          typeof args.view_id === "string"
            ? all.find((v) => v.id === args.view_id)
            : all.find(
                (v) => typeof args.external_id === "string" && v.view.external_id === args.external_id,
              );
        if (!existing) return fail("not_found");
        if (typeof args.hash === "string" && args.hash !== existing.hash) return fail("hash_conflict");
        const verdict = checkView(args.view, existing.type);
        if (!verdict.ok) return fail(verdict.error, verdict.messages);
        existing.view = (decodeNested(args.view) as { ok: true; value: Json }).value;
        existing.hash = newHash();
        existing.versions.push({ view: existing.view, at: now(), via: "views.update" });
        return { body: { ok: true, view: storedView(existing) } };
      },
    },
    "views.publish": {
      token: "bot",
      run: (args) => {
        const userId = typeof args.user_id === "string" ? args.user_id : "";
        if (!users.has(userId)) return fail("user_not_found");
        const verdict = checkView(args.view, "home");
        if (!verdict.ok) return fail(verdict.error, verdict.messages);
        const view = (decodeNested(args.view) as { ok: true; value: Json }).value;
        let home = homes.get(userId);
        if (home && typeof args.hash === "string" && args.hash !== home.hash) return fail("hash_conflict");
        if (!home) {
          home = { id: randomId("V"), type: "home", userId, view, hash: newHash(), versions: [] };
          homes.set(userId, home);
        }
        home.view = view;
        home.hash = newHash();
        home.versions.push({ view, at: now(), via: "views.publish" });
        return { body: { ok: true, view: storedView(home) } };
      },
    },
    "apps.connections.open": {
      token: "app",
      run: () => ({ body: { ok: true, url: socketServer.issueUrl() } }),
    },
  };

  function tokenKind(req: IncomingMessage, args: Json): TokenKind {
    const header = req.headers.authorization;
    const bearer = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    const token = bearer || (typeof args.token === "string" ? args.token : undefined);
    if (!token) return "none";
    if (token === botToken) return "bot";
    if (token === appToken) return "app";
    return "invalid";
  }

  function webApi(method: string, req: IncomingMessage, url: URL, raw: string): Result {
    const parsed = parseArgs(req, url, raw);
    const args = parsed.ok ? parsed.args : {};
    const token = tokenKind(req, args);
    const recorded: Json = {};
    for (const [key, value] of Object.entries(args)) {
      if (key === "token") continue;
      const decoded = NESTED_ARGS.has(key) ? decodeNested(value) : { ok: false as const };
      recorded[key] = decoded.ok ? decoded.value : value;
    }
    const result = dispatch(method, token, parsed.ok ? args : undefined, parsed.ok ? "" : parsed.error);
    const body = result.body;
    const call: FakeCall = {
      method,
      args: recorded,
      time: now(),
      token,
      ok: body.ok === true,
      status: result.status ?? 200,
    };
    if (typeof body.error === "string") call.error = body.error;
    calls.push(call);
    return result;
  }

  function dispatch(method: string, token: TokenKind, args: Json | undefined, parseError: string): Result {
    const handler = methods[method];
    if (!handler) return fail("unknown_method");
    if (token === "none") return fail("not_authed");
    if (token === "invalid") return fail("invalid_auth");
    if (handler.token !== "any" && handler.token !== token) return fail("not_allowed_token_type");
    if (!args) return fail(parseError);
    const queued = failures.get(method)?.shift();
    if (queued) {
      const status = queued.status ?? (queued.error === "ratelimited" ? 429 : 200);
      const headers: Record<string, string> = {};
      if (status === 429 || queued.retryAfter !== undefined)
        headers["retry-after"] = String(queued.retryAfter ?? 1);
      return { status, headers, body: { ok: false, error: queued.error } };
    }
    return handler.run(args);
  }

  function responseUrlPost(id: string, raw: string, req: IncomingMessage): Result {
    const url = `${base()}/response/${id}`;
    const state = responseUrls.get(id);
    const refuse = (status: number, error: string, messages: string[] = [], body: unknown = raw): Result => {
      responseFailures.push({ url, status, error, messages, body, at: now() });
      return {
        status,
        body: { ok: false, error, ...(messages.length ? { response_metadata: { messages } } : {}) },
      };
    };
    if (!state) return refuse(404, "invalid_url");
    if (now().getTime() - state.issuedAt > RESPONSE_URL_TTL_MS) return refuse(404, "expired_url");
    if (state.uses >= RESPONSE_URL_USES) return refuse(404, "used_url");
    let body: Json;
    try {
      const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
      body =
        type === "application/x-www-form-urlencoded"
          ? (JSON.parse(new URLSearchParams(raw).get("payload") ?? "") as Json)
          : (JSON.parse(raw) as Json);
    } catch {
      return refuse(400, "invalid_payload");
    }
    if (typeof body !== "object" || body === null) return refuse(400, "invalid_payload");
    state.uses++;
    const deleteOriginal = body.delete_original === true || body.delete_original === "true";
    if (!deleteOriginal) {
      const verdict = checkMessage(body, limits);
      if (!verdict.ok) return refuse(400, verdict.error, verdict.messages, body);
    }
    const replaceOriginal = body.replace_original === true || body.replace_original === "true";
    const blocks = blocksArg(body);
    const response: FakeResponse = {
      url,
      body,
      text: typeof body.text === "string" ? body.text : undefined,
      blocks,
      responseType: body.response_type === "in_channel" ? "in_channel" : "ephemeral",
      replaceOriginal,
      deleteOriginal,
      at: now(),
      context: state.context,
    };
    responses.push(response);
    const { channel, messageTs } = state.context;
    const original =
      channel && messageTs ? messages.get(channel)?.find((m) => m.ts === messageTs) : undefined;
    if (original && deleteOriginal) original.deleted = true;
    if (original && replaceOriginal && !deleteOriginal) {
      original.text = String(body.text);
      original.blocks = blocks;
      original.versions.push({ text: original.text, blocks, at: now(), via: "response_url" });
    }
    return { body: { ok: true } };
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        const url = new URL(req.url ?? "/", "http://fake");
        let result: Result;
        if (req.method === "POST" && url.pathname.startsWith("/api/")) {
          result = webApi(decodeURIComponent(url.pathname.slice(5)), req, url, raw);
        } else if (req.method === "POST" && url.pathname.startsWith("/response/")) {
          result = responseUrlPost(url.pathname.slice(10), raw, req);
        } else {
          result = { status: 404, body: { ok: false, error: "not_found" } };
        }
        send(res, result);
      })
      .catch((error: unknown) => {
        send(res, { status: 500, body: { ok: false, error: "fatal_error", detail: String(error) } });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = () => `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = () => `http://${host()}`;
  const socketServer = createSocketModeServer({
    server,
    host,
    appId,
    pingIntervalMs: options.socketPingIntervalMs ?? 10_000,
  });

  function mintResponseUrl(context: ResponseUrlContext = {}): string {
    const id = `${teamId}/${randomBytes(6).toString("hex")}/${randomBytes(12).toString("hex")}`;
    responseUrls.set(id, { issuedAt: now().getTime(), uses: 0, context });
    return `${base()}/response/${id}`;
  }

  function mintTrigger(userId?: string): string {
    const id = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString("hex")}`;
    triggers.set(id, { issuedAt: now().getTime(), used: false, userId });
    return id;
  }

  const actor = (userId: string) => ({ id: userId, name: userName(userId) });
  let closed = false;

  const fake: FakeSlack = {
    apiUrl: `${base()}/api/`,
    url: base(),
    botToken,
    appToken,
    teamId,
    botUserId,
    botId,
    appId,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages,
    messagesIn: (channel) => messages.get(channel) ?? [],
    message: (channel, ts) => messages.get(channel)?.find((m) => m.ts === ts),
    ephemerals,
    dmChannelOf: (userId) => dmByUser.get(userId),
    responses,
    responseFailures,
    responseUrl: mintResponseUrl,
    triggerId: mintTrigger,
    views: { modals, homes },
    addUser: (user) => {
      users.set(user.id, user);
    },
    addChannel: (id) => {
      channels.add(id);
    },
    setUsergroup: (id, members) => {
      usergroups.set(id, [...members]);
    },
    failNext: (method, error, failure = {}) => {
      const queue = failures.get(method) ?? [];
      queue.push({ error, ...failure });
      failures.set(method, queue);
    },
    waitFor: async <T>(
      predicate: () => T | undefined | null | false,
      timeoutMs = 5_000,
      what = "condition",
    ) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value) return value;
        if (Date.now() > deadline)
          throw new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    slashCommand: ({ userId, text, channelId, command = "/vbo-audit" }) =>
      slashCommandPayload({
        team,
        appId,
        user: actor(userId),
        channelId,
        command,
        text,
        responseUrl: mintResponseUrl({ channel: channelId, userId }),
        triggerId: mintTrigger(userId),
      }),
    blockAction: ({ userId, actionId, value, selectedValue, on }) => {
      const user = actor(userId);
      const triggerId = mintTrigger(userId);
      const actionTs = nextTs();
      if ("message" in on) {
        const m = messages.get(on.message.channel)?.find((x) => x.ts === on.message.ts && !x.deleted);
        if (!m) throw new Error(`fake Slack: no message ${on.message.ts} in ${on.message.channel}`);
        const found = findElement(m.blocks, actionId, value);
        return blockActionsPayload({
          team,
          appId,
          user,
          triggerId,
          action: actionOf(found, actionTs, selectedValue),
          container: { type: "message", message_ts: m.ts, channel_id: m.channel, is_ephemeral: false },
          channel: { id: m.channel, name: m.channel.startsWith("D") ? "directmessage" : "channel" },
          message: messageJson(m),
          responseUrl: mintResponseUrl({ channel: m.channel, userId, messageTs: m.ts }),
        });
      }
      if ("response" in on) {
        const found = findElement(on.response.blocks, actionId, value);
        const channel = on.response.context.channel ?? "";
        return blockActionsPayload({
          team,
          appId,
          user,
          triggerId,
          action: actionOf(found, actionTs, selectedValue),
          container: {
            type: "message",
            message_ts: nextTs(),
            channel_id: channel,
            is_ephemeral: on.response.responseType === "ephemeral",
          },
          channel: { id: channel, name: "channel" },
          responseUrl: mintResponseUrl({ channel, userId }),
        });
      }
      const view = "home" in on ? homes.get(on.home) : modals.find((v) => v.id === on.view);
      if (!view)
        throw new Error(`fake Slack: no such view ${"home" in on ? `(home of ${on.home})` : on.view}`);
      const found = findElement(view.view.blocks, actionId, value);
      return blockActionsPayload({
        team,
        appId,
        user,
        triggerId,
        action: actionOf(found, actionTs, selectedValue),
        container: { type: "view", view_id: view.id },
        view: storedView(view),
      });
    },
    viewSubmission: ({ userId, viewId, values }) => {
      const view = modals.find((v) => v.id === viewId);
      if (!view) throw new Error(`fake Slack: no open modal ${viewId}`);
      return viewSubmissionPayload({
        team,
        appId,
        botId,
        user: actor(userId),
        triggerId: mintTrigger(userId),
        viewId: view.id,
        view: view.view,
        hash: view.hash,
        values: stateValues(view.view.blocks, values),
      });
    },
    appHomeOpened: (userId) =>
      appHomeOpenedPayload({
        team,
        appId,
        botUserId,
        userId,
        channelId: openDm(userId),
        eventTs: nextTs(),
        ...(homes.get(userId) ? { viewId: homes.get(userId)?.id as string } : {}),
      }),
    socket: socketServer.api,
    close: async () => {
      if (closed) return;
      closed = true;
      await socketServer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function parseArgs(
  req: IncomingMessage,
  url: URL,
  raw: string,
): { ok: true; args: Json } | { ok: false; error: string } {
  const args: Json = Object.fromEntries(url.searchParams);
  if (raw.length === 0) return { ok: true, args };
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json") {
    try {
      const body: unknown = JSON.parse(raw);
      if (typeof body !== "object" || body === null || Array.isArray(body))
        return { ok: false, error: "invalid_json" };
      return { ok: true, args: { ...args, ...(body as Json) } };
    } catch {
      return { ok: false, error: "invalid_json" };
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return { ok: true, args: { ...args, ...Object.fromEntries(new URLSearchParams(raw)) } };
  }
  return { ok: false, error: type === "" ? "missing_post_type" : "invalid_post_type" };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, result: Result): void {
  const body = JSON.stringify(result.body);
  res.writeHead(result.status ?? 200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...result.headers,
  });
  res.end(body);
}
