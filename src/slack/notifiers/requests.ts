/**
 * `RequestNotifier` over Slack: the approval message in the approvals channel of the request's
 * route, its re-rendering after every change, reminders, and the requester's direct message once
 * per outcome.
 *
 * The store is the truth and every message a view of it. Each posted message is recorded
 * (`request_messages`) with a purpose: `approval` (the channel post), `reminder` (a nudge in its
 * thread), `dm:<outcome>` (a DM to the requester), `notice:failed` (its approvers told, in the
 * thread, that a request they approved failed). After a change every recorded message except
 * DMs and notices is re-rendered from the store; a DM is sent only when no `dm:<outcome>` row exists yet, so
 * calling `requestChanged` twice for one state tells the requester once. Work on one request is
 * serialized inside this notifier, so two concurrent calls cannot both send the same DM.
 *
 * Slack failures are survived, not logged here: `requestChanged` tries every view, then rejects
 * naming what failed, for its caller to log once and retry; calling it again (the next change, or
 * the jobs' retry queue) redoes what is missing: a failed update, an unsent DM, an approval message
 * that could not be posted.
 *
 * deps: `web` (conversations.open for DMs), `store` (requests, votes, messages), `chat` (posting and
 * updating, see chat.ts), `routing` (each request's channel and policy), `clock`, `logger`.
 */
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../../clock.ts";
import type {
  MessageRecords,
  RequestMessage,
  RequestNotifier,
  RequestRecords,
  VoteRecords,
} from "../../core/requests/ports.ts";
import type { Request, Vote } from "../../core/requests/types.ts";
import type { Routing } from "../../core/routing.ts";
import { callSlack, SlackCallError, slackErrorCode } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import {
  outcomeOf,
  type RequestCardInput,
  renderFailureNotice,
  renderOutcomeMessage,
  renderRequestMessage,
} from "../blocks/request.ts";
import type { ChatOut } from "../chat.ts";

export interface RequestNotifierDeps {
  web: WebClient;
  store: {
    readonly requests: Pick<RequestRecords, "get">;
    readonly votes: Pick<VoteRecords, "list">;
    readonly messages: MessageRecords;
  };
  chat: ChatOut;
  routing: Routing;
  clock: Clock;
  logger: Logger;
}

export const PURPOSE = {
  approval: "approval",
  reminder: "reminder",
  /** A reply in the approval message's thread telling its approvers that the request failed. */
  failedNotice: "notice:failed",
  dm: (outcome: string) => `dm:${outcome}`,
} as const;

/** Messages that tell someone something once (a DM, a notice in the thread): never re-rendered as the card. */
const isNotice = (message: RequestMessage) =>
  message.purpose.startsWith("dm:") || message.purpose === PURPOSE.failedNotice;

export function createRequestNotifier(deps: RequestNotifierDeps): RequestNotifier {
  return new SlackRequestNotifier(deps);
}

class SlackRequestNotifier implements RequestNotifier {
  readonly #deps: RequestNotifierDeps;
  readonly #log: Logger;
  /** The tail of each request's queue of work, so one request's messages change one call at a time. */
  readonly #queues = new Map<number, Promise<void>>();

  constructor(deps: RequestNotifierDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: "notifier" });
  }

  /** Rejects when the message could not be posted (the request stays; the caller says so). */
  requestCreated(requestId: number): Promise<void> {
    return this.#serial(requestId, async () => {
      const card = this.#card(requestId);
      if (card === undefined) return;
      if (this.#messages(requestId).some((m) => m.purpose === PURPOSE.approval)) return;
      await this.#postApproval(card);
    });
  }

  /**
   * Tries every view and the DM even when one fails, then rejects if any failed, so that a caller
   * that can retry (the jobs' notification queue) does; calling again redoes only what is missing.
   */
  requestChanged(requestId: number): Promise<void> {
    return this.#serial(requestId, async () => {
      const card = this.#card(requestId);
      if (card === undefined) {
        this.#log.warn("asked to re-render a request that does not exist", { requestId });
        return;
      }
      const failed: string[] = [];
      const messages = this.#messages(requestId);
      if (card.request.state === "pending" && !messages.some((m) => m.purpose === PURPOSE.approval)) {
        // Its first post failed: the request still needs to reach the approvers.
        await this.#postApproval(card).catch((err: unknown) =>
          failed.push(`chat.postMessage: ${slackErrorCode(err)}`),
        );
      }
      const view = renderRequestMessage(card);
      for (const message of messages.filter((m) => !isNotice(m))) {
        await this.#deps.chat.update(message.channel, message.ts, view).catch((err: unknown) => {
          failed.push(`chat.update: ${slackErrorCode(err)}`);
        });
      }
      await this.#tellRequester(card, messages).catch((err: unknown) => {
        failed.push(`direct message: ${slackErrorCode(err)}`);
      });
      await this.#tellApproversOfFailure(card, messages).catch((err: unknown) => {
        failed.push(`notice to the approvers: ${slackErrorCode(err)}`);
      });
      if (failed.length > 0) throw new SlackCallError("requestChanged", failed.join("; "));
    });
  }

  /** Posts in the approval message's thread, mentioning `approvers`; rejects when Slack refused it. */
  remind(requestId: number, approvers: readonly string[]): Promise<void> {
    return this.#serial(requestId, async () => {
      const card = this.#card(requestId);
      if (card === undefined || card.request.state !== "pending" || approvers.length === 0) return;
      const approval = this.#messages(requestId).find((m) => m.purpose === PURPOSE.approval);
      const channel =
        approval?.channel ?? this.#deps.routing.of(card.request.organization).destinations.approvals;
      const posted = await this.#deps.chat.post(
        channel,
        renderRequestMessage({ ...card, remind: approvers }),
        approval ? { threadTs: approval.ts } : {},
      );
      this.#record(requestId, posted, PURPOSE.reminder);
    });
  }

  async #postApproval(card: RequestCardInput): Promise<void> {
    const { request } = card;
    const channel = this.#deps.routing.of(request.organization).destinations.approvals;
    const posted = await this.#deps.chat.post(channel, renderRequestMessage(card));
    this.#record(request.id, posted, PURPOSE.approval);
    this.#log.info("request posted for approval", { requestId: request.id, ts: posted.ts });
  }

  /** Sends the requester one DM per outcome; a recorded `dm:<outcome>` row means it was sent. */
  async #tellRequester(card: RequestCardInput, messages: readonly RequestMessage[]): Promise<void> {
    const { request } = card;
    const outcome = outcomeOf(request);
    if (outcome === undefined) return;
    // Someone who cancels their own request knows already.
    if (outcome === "cancelled" && request.decidedBy === request.requester) return;
    if (messages.some((m) => m.purpose === PURPOSE.dm(outcome))) return;
    const opened = await callSlack("conversations.open", () =>
      this.#deps.web.conversations.open({ users: request.requester }),
    );
    const channel = opened.channel?.id;
    if (!channel) throw new SlackCallError("conversations.open", "no_channel_in_answer");
    const posted = await this.#deps.chat.post(channel, renderOutcomeMessage(card, outcome));
    this.#record(request.id, posted, PURPOSE.dm(outcome));
    this.#log.info("requester told of the outcome", { requestId: request.id, outcome });
  }

  /**
   * A request that ended as failed: its approvers are told in the approval message's thread (they
   * approved something that did not happen), once.
   */
  async #tellApproversOfFailure(card: RequestCardInput, messages: readonly RequestMessage[]): Promise<void> {
    const { request } = card;
    if (request.state !== "failed" || messages.some((m) => m.purpose === PURPOSE.failedNotice)) return;
    const approval = messages.find((m) => m.purpose === PURPOSE.approval);
    if (approval === undefined) return;
    const approvers = [...new Set(card.votes.map((v) => v.approver))];
    const posted = await this.#deps.chat.post(approval.channel, renderFailureNotice(card, approvers), {
      threadTs: approval.ts,
    });
    this.#record(request.id, posted, PURPOSE.failedNotice);
  }

  #card(requestId: number): RequestCardInput | undefined {
    const request: Request | undefined = this.#deps.store.requests.get(requestId);
    if (request === undefined) return undefined;
    const votes: Vote[] = this.#deps.store.votes.list(requestId);
    return { request, votes, policy: this.#deps.routing.of(request.organization).policy };
  }

  #messages(requestId: number): RequestMessage[] {
    return this.#deps.store.messages.list(requestId);
  }

  #record(requestId: number, posted: { channel: string; ts: string }, purpose: string): void {
    this.#deps.store.messages.add(requestId, posted.channel, posted.ts, purpose, this.#deps.clock.now());
  }

  #serial(requestId: number, work: () => Promise<void>): Promise<void> {
    const previous = this.#queues.get(requestId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(requestId, tail);
    void tail.then(() => {
      if (this.#queues.get(requestId) === tail) this.#queues.delete(requestId);
    });
    return run;
  }
}
