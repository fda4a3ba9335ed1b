/**
 * The state of the stand-in's Slack workspace: its members (with profile e-mails), channels, user
 * groups and DMs, the messages and views the app put there, and the short-lived handles Slack gives
 * an app (trigger ids, response URLs). The Web API methods (./methods/) read and change it; the
 * server and the playground only look at it.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "../clock.ts";
import type {
  ApiCall,
  EphemeralMessage,
  FailureOptions,
  Json,
  PostedMessage,
  ResponseUrlContext,
  ResponseUrlRefusal,
  ResponseUrlReply,
  SlackView,
  WorkspaceChannel,
  WorkspaceUser,
} from "./types.ts";
import { DEFAULT_LIMITS, type MessageLimits } from "./validate/index.ts";

export interface WorkspaceOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Channels that exist (the bot is a member), by id or with a name. DMs come from `conversations.open`. */
  channels?: ReadonlyArray<string | WorkspaceChannel>;
  users?: readonly WorkspaceUser[];
  /** Usergroup id → member user ids. */
  usergroups?: Readonly<Record<string, readonly string[]>>;
  /** Drives message `ts`, trigger and response-URL expiry; the system clock when omitted. */
  clock?: Clock;
  limits?: Partial<MessageLimits>;
}

/** What changed, for whoever shows the workspace live (the playground). */
export interface WorkspaceChange {
  kind: "message" | "ephemeral" | "response" | "view";
  channel?: string;
  userId?: string;
}

export interface Trigger {
  issuedAt: number;
  used: boolean;
  userId: string | undefined;
}

export interface ResponseUrlState {
  issuedAt: number;
  uses: number;
  context: ResponseUrlContext;
}

/** Slack's limits on the handles it gives an app. */
export const TRIGGER_TTL_MS = 3_000;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_USES = 5;

export class Workspace {
  readonly botToken: string;
  readonly appToken: string;
  readonly team: { id: string; domain: string };
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly limits: MessageLimits;

  readonly channels = new Map<string, WorkspaceChannel>();
  readonly users = new Map<string, WorkspaceUser>();
  readonly usergroups = new Map<string, string[]>();
  readonly dmByUser = new Map<string, string>();

  /** Every Web API call, refused ones included, in order. */
  readonly calls: ApiCall[] = [];
  /** Messages per channel id (DMs under their D… id), oldest first. */
  readonly messages = new Map<string, PostedMessage[]>();
  readonly ephemerals: EphemeralMessage[] = [];
  /** What was accepted at response URLs; refusals are in `responseFailures`. */
  readonly responses: ResponseUrlReply[] = [];
  readonly responseFailures: ResponseUrlRefusal[] = [];
  readonly modals: SlackView[] = [];
  readonly homes = new Map<string, SlackView>();
  readonly triggers = new Map<string, Trigger>();
  readonly responseUrls = new Map<string, ResponseUrlState>();
  /** Failures queued per method by `failNext`. */
  readonly failures = new Map<string, Array<{ error: string } & FailureOptions>>();

  /** `http://127.0.0.1:<port>` once the server listens: response URLs point there. */
  baseUrl = "";

  readonly #clock: Clock | undefined;
  readonly #listeners = new Set<(change: WorkspaceChange) => void>();
  #sequence = 0;

  constructor(options: WorkspaceOptions = {}) {
    this.botToken = options.botToken ?? "xoxb-fake-bot-token";
    this.appToken = options.appToken ?? "xapp-fake-app-token";
    this.team = { id: options.teamId ?? "T0FAKE", domain: "fake-team" };
    this.botUserId = options.botUserId ?? "U0BOT";
    this.botId = options.botId ?? "B0BOT";
    this.appId = options.appId ?? "A0FAKE";
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#clock = options.clock;
    for (const channel of options.channels ?? []) this.addChannel(channel);
    for (const user of options.users ?? []) this.users.set(user.id, user);
    for (const [id, members] of Object.entries(options.usergroups ?? {}))
      this.usergroups.set(id, [...members]);
  }

  now(): Date {
    return this.#clock ? this.#clock.now() : new Date();
  }

  addChannel(channel: string | WorkspaceChannel): void {
    const record = typeof channel === "string" ? { id: channel } : channel;
    this.channels.set(record.id, record);
  }

  channelName(id: string): string {
    return this.channels.get(id)?.name ?? id.toLowerCase();
  }

  userName(id: string): string {
    return this.users.get(id)?.name ?? id.toLowerCase();
  }

  /** A `ts` Slack-style: seconds, then a sequence that keeps messages of the same second apart. */
  nextTs(): string {
    return `${Math.floor(this.now().getTime() / 1000)}.${String(++this.#sequence).padStart(6, "0")}`;
  }

  randomId(prefix: string): string {
    return `${prefix}${randomBytes(5).toString("hex").toUpperCase()}`;
  }

  newHash(): string {
    return `${Math.floor(this.now().getTime() / 1000)}.${randomBytes(4).toString("hex")}`;
  }

  /** The bot's DM with a user, opened on first use. */
  openDm(userId: string): string {
    let id = this.dmByUser.get(userId);
    if (!id) {
      id = `D${userId.replace(/^[UW]/, "")}`;
      this.dmByUser.set(userId, id);
      this.messages.set(id, this.messages.get(id) ?? []);
    }
    return id;
  }

  isDm(channel: string): boolean {
    return [...this.dmByUser.values()].includes(channel);
  }

  /** A channel id the bot may post to, or undefined (`channel_not_found`). User ids post to the DM. */
  resolveChannel(id: unknown): string | undefined {
    if (typeof id !== "string" || id === "") return undefined;
    if (this.channels.has(id) || this.isDm(id)) return id;
    if (this.users.has(id)) return this.openDm(id);
    return undefined;
  }

  messagesIn(channel: string): PostedMessage[] {
    return this.messages.get(channel) ?? [];
  }

  /** A message by channel and ts, deleted ones too (they keep their history). */
  message(channel: string, ts: string): PostedMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  addMessage(message: PostedMessage): void {
    const list = this.messages.get(message.channel) ?? [];
    list.push(message);
    this.messages.set(message.channel, list);
  }

  /** A message as the Web API and interaction payloads show it. */
  messageJson(m: PostedMessage): Json {
    const out: Json = {
      type: "message",
      user: m.user,
      bot_id: this.botId,
      app_id: this.appId,
      text: m.text,
      ts: m.ts,
      team: this.team.id,
    };
    if (m.blocks) out.blocks = m.blocks;
    if (m.threadTs) out.thread_ts = m.threadTs;
    return out;
  }

  /** A view as the Web API and interaction payloads show it. */
  viewJson(view: SlackView): Json {
    return {
      ...view.view,
      id: view.id,
      team_id: this.team.id,
      state: { values: {} },
      hash: view.hash,
      root_view_id: view.id,
      previous_view_id: null,
      app_id: this.appId,
      app_installed_team_id: this.team.id,
      bot_id: this.botId,
    };
  }

  /** A trigger_id: single use, valid for 3 seconds. */
  mintTrigger(userId?: string): string {
    const id = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString("hex")}`;
    this.triggers.set(id, { issuedAt: this.now().getTime(), used: false, userId });
    return id;
  }

  /** A response_url on this server: 5 uses within 30 minutes, like Slack's. */
  mintResponseUrl(context: ResponseUrlContext = {}): string {
    const id = `${this.team.id}/${randomBytes(6).toString("hex")}/${randomBytes(12).toString("hex")}`;
    this.responseUrls.set(id, { issuedAt: this.now().getTime(), uses: 0, context });
    return `${this.baseUrl}/response/${id}`;
  }

  onChange(listener: (change: WorkspaceChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(change: WorkspaceChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
