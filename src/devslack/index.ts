/**
 * A local stand-in for Slack: a real HTTP server on 127.0.0.1 that speaks the part of the Web API
 * the bot uses, keeps a workspace (members, channels, messages, views), refuses what Slack refuses
 * with Slack's error names, and builds the payloads a member's command, click or submission produces.
 * Point `SLACK_API_URL` (or a WebClient's `slackApiUrl`) at `apiUrl`.
 *
 * The tests, the benchmark and `npm run demo`'s playground share it. The bot itself never loads it.
 */
import type { ExtraRoutes } from "./server.ts";
import { startServer } from "./server.ts";
import type {
  ApiCall,
  EphemeralMessage,
  FailureOptions,
  MethodTable,
  PostedMessage,
  ResponseUrlContext,
  ResponseUrlRefusal,
  ResponseUrlReply,
  SlackView,
  WorkspaceChannel,
  WorkspaceUser,
} from "./types.ts";
import {
  appHomeOpened,
  type BlockActionInput,
  blockAction,
  type SlashCommandInput,
  slashCommand,
  type ViewSubmissionInput,
  viewSubmission,
} from "./user-actions.ts";
import { standardMethods } from "./web-api.ts";
import { Workspace, type WorkspaceOptions } from "./workspace.ts";

export type { ExtraRoutes } from "./server.ts";
export type * from "./types.ts";
export type { BlockActionInput, SlashCommandInput, ViewSubmissionInput } from "./user-actions.ts";
export type { Workspace, WorkspaceChange } from "./workspace.ts";

export interface DevSlackOptions extends WorkspaceOptions {
  /** 0 (any free port) when omitted. The host is always 127.0.0.1. */
  port?: number;
  /** Methods beyond the standard ones (a test's Socket Mode adds `apps.connections.open`). */
  methods?: (ws: Workspace) => MethodTable;
  /** Routes beyond the Web API and response URLs (the playground's page). */
  extraRoutes?: (ws: Workspace) => ExtraRoutes;
}

export interface DevSlack {
  /** Base of the Web API, ending in "/api/": SLACK_API_URL. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly server: import("node:http").Server;
  /** The state behind everything below, for whoever shows it (the playground). */
  readonly workspace: Workspace;
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  /** Every Web API call, refused ones included, in order. */
  readonly calls: ApiCall[];
  callsTo(method: string): ApiCall[];
  /** Messages per channel id (DMs under their D… id), oldest first. */
  readonly messages: Map<string, PostedMessage[]>;
  messagesIn(channel: string): PostedMessage[];
  message(channel: string, ts: string): PostedMessage | undefined;
  readonly ephemerals: EphemeralMessage[];
  /** The DM channel id the bot has with a user, once opened. */
  dmChannelOf(userId: string): string | undefined;
  /** What was accepted at response URLs; refusals are in `responseFailures`. */
  readonly responses: ResponseUrlReply[];
  readonly responseFailures: ResponseUrlRefusal[];
  /** A response_url on this server: 5 uses within 30 minutes, like Slack's. */
  responseUrl(context?: ResponseUrlContext): string;
  /** A trigger_id: single use, valid for 3 seconds. */
  triggerId(userId?: string): string;
  readonly views: { modals: SlackView[]; homes: Map<string, SlackView> };
  addUser(user: WorkspaceUser): void;
  addChannel(channel: string | WorkspaceChannel): void;
  setUsergroup(id: string, members: readonly string[]): void;
  /** The next call to `method` fails with `error` (queued: several calls queue several failures). */
  failNext(method: string, error: string, options?: FailureOptions): void;
  /** Resolves with the predicate's first truthy value; rejects after `timeoutMs` (5 s by default). */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  /** The form fields of `/vbo-audit <text>` typed by `userId` in `channelId`, with fresh URLs. */
  slashCommand(input: SlashCommandInput): Record<string, string>;
  /**
   * A `block_actions` payload for a click (or a menu pick with `selectedValue`) on what the user sees:
   * a posted message, a response_url reply, their Home tab or an open modal. Throws when the element
   * is not there.
   */
  blockAction(input: BlockActionInput): Record<string, unknown>;
  /** A `view_submission` payload for an open modal, inputs filled from `{ action_id: value }`. */
  viewSubmission(input: ViewSubmissionInput): Record<string, unknown>;
  /** The `event_callback` body of `app_home_opened` for `userId`. */
  appHomeOpened(userId: string): Record<string, unknown>;
  close(): Promise<void>;
}

export async function createDevSlack(options: DevSlackOptions = {}): Promise<DevSlack> {
  const ws = new Workspace(options);
  const http = await startServer({
    ws,
    methods: { ...standardMethods(ws), ...options.methods?.(ws) },
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes(ws) } : {}),
  });
  ws.baseUrl = http.url;
  let closed = false;

  return {
    apiUrl: `${http.url}/api/`,
    url: http.url,
    server: http.server,
    workspace: ws,
    botToken: ws.botToken,
    appToken: ws.appToken,
    teamId: ws.team.id,
    botUserId: ws.botUserId,
    botId: ws.botId,
    appId: ws.appId,
    calls: ws.calls,
    callsTo: (method) => ws.calls.filter((c) => c.method === method),
    messages: ws.messages,
    messagesIn: (channel) => ws.messagesIn(channel),
    message: (channel, ts) => ws.message(channel, ts),
    ephemerals: ws.ephemerals,
    dmChannelOf: (userId) => ws.dmByUser.get(userId),
    responses: ws.responses,
    responseFailures: ws.responseFailures,
    responseUrl: (context) => ws.mintResponseUrl(context),
    triggerId: (userId) => ws.mintTrigger(userId),
    views: { modals: ws.modals, homes: ws.homes },
    addUser: (user) => {
      ws.users.set(user.id, user);
    },
    addChannel: (channel) => ws.addChannel(channel),
    setUsergroup: (id, members) => {
      ws.usergroups.set(id, [...members]);
    },
    failNext: (method, error, failure = {}) => {
      const queue = ws.failures.get(method) ?? [];
      queue.push({ error, ...failure });
      ws.failures.set(method, queue);
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
          throw new Error(`Slack stand-in: timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    slashCommand: (input) => slashCommand(ws, input),
    blockAction: (input) => blockAction(ws, input),
    viewSubmission: (input) => viewSubmission(ws, input),
    appHomeOpened: (userId) => appHomeOpened(ws, userId),
    close: async () => {
      if (closed) return;
      closed = true;
      await http.close();
    },
  };
}
