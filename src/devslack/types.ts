/** The records the stand-in keeps and shows: what was called, posted, replied and opened. */

export type Json = Record<string, unknown>;

export interface WorkspaceUser {
  id: string;
  name?: string;
  realName?: string;
  /** Shown as `profile.email` (the bot has `users:read.email`). */
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface WorkspaceChannel {
  id: string;
  /** Without `#`; the id in lower case when omitted. */
  name?: string;
}

export type TokenKind = "bot" | "app" | "none" | "invalid";

export interface ApiCall {
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

export interface PostedMessage {
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

export interface EphemeralMessage {
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
  /** The ephemeral reply a click came from (its `ts`): `replace_original` / `delete_original` act on it. */
  replyTs?: string;
}

/** A reply accepted at a response URL. */
export interface ResponseUrlReply {
  url: string;
  /** Its place among the workspace's messages (ephemeral replies have a `ts` in Slack too). */
  ts: string;
  body: Json;
  text: string | undefined;
  blocks: unknown[] | undefined;
  responseType: "ephemeral" | "in_channel";
  replaceOriginal: boolean;
  deleteOriginal: boolean;
  at: Date;
  context: ResponseUrlContext;
  /** A later reply replaced or deleted this one (`replace_original` on a click on it). */
  superseded: boolean;
}

export interface ResponseUrlRefusal {
  url: string;
  status: number;
  error: string;
  messages: string[];
  body: unknown;
  at: Date;
}

export interface SlackView {
  id: string;
  type: "modal" | "home";
  /** The user who sees it: the modal's opener, or the Home tab's owner. */
  userId: string | undefined;
  view: Json;
  hash: string;
  versions: Array<{ view: Json; at: Date; via: string }>;
  /** A modal the user submitted or closed; Slack no longer shows it. */
  closed?: boolean;
}

export interface FailureOptions {
  /** HTTP status; 429 by default for `ratelimited`, otherwise 200 as Slack answers errors. */
  status?: number;
  /** Seconds, sent as `Retry-After`; 1 by default on a 429. */
  retryAfter?: number;
}

/** What a Web API method answers: Slack's JSON body, and the HTTP status and headers around it. */
export interface MethodResult {
  status?: number;
  body: Json;
  headers?: Record<string, string>;
}

/** One Web API method: the token kind it takes and what it does with decoded arguments. */
export interface WebApiMethod {
  token: "bot" | "app" | "any";
  run(args: Json): MethodResult;
}

export type MethodTable = Record<string, WebApiMethod>;

/** Slack's error answer: `{ ok: false, error }`, with `response_metadata.messages` when given. */
export function refuse(error: string, messages?: string[]): MethodResult {
  return { body: messages ? { ok: false, error, response_metadata: { messages } } : { ok: false, error } };
}
