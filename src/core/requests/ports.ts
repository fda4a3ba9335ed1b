/**
 * Ports between the parts of the bot: small interfaces that one side implements and the other
 * calls, so that the core, the Slack app and the scheduled jobs depend on each other's promises,
 * not on each other's code. Implementations are wired together in `src/main.ts`.
 */

/** A message as every part of the bot sends it: always a plain-text fallback, blocks optional. */
export interface OutgoingMessage {
  text: string;
  /** Block Kit blocks, already inside Slack's limits. */
  blocks?: unknown[];
}

/** Posting to Slack channels (implemented over the Web API by the Slack side). */
export interface ChatOut {
  post(
    channel: string,
    message: OutgoingMessage,
    options?: { threadTs?: string },
  ): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: OutgoingMessage): Promise<void>;
}

/**
 * Slack views of requests. The store is the truth; every Slack message about a request is a view of
 * it, re-rendered from the store whenever the request changes (implemented by the Slack side, called
 * by Slack handlers and by jobs after a retry, an expiry or an audit's end).
 */
export interface RequestNotifier {
  /** Posts a new request to the approvals channel with its buttons and records the message. */
  requestCreated(requestId: number): Promise<void>;
  /**
   * Re-renders every recorded message of the request, and tells the requester by direct message
   * when it reached an outcome they have not been told of yet (approved, applied, denied, expired,
   * cancelled, apply failed, audit ended). Safe to call more than once for the same state; rejects
   * (after trying everything) when Slack refused part of it, so that the caller can try again.
   */
  requestChanged(requestId: number): Promise<void>;
  /** Nudges the approvers who have not voted yet about a request still pending; rejects when it could not. */
  remind(requestId: number, approvers: readonly string[]): Promise<void>;
}

/**
 * Requests whose Slack views could not be re-rendered, kept until a job run re-renders them (the
 * jobs' `job_notifications` queue, src/store/jobs.ts, drained by `retry-applies` every minute).
 */
export interface RerenderQueue {
  /** Queues the request (once, however often); `error` is why `requestChanged` rejected. */
  enqueue(requestId: number, error: unknown): void;
}

/** Everyone who may approve right now: the configured user ids plus the user group's members. */
export interface ApproverRoster {
  members(): Promise<string[]>;
}

/** The digest, posted on demand (`/vbo-audit digest`) as well as on schedule (implemented by the jobs). */
export interface DigestPoster {
  /** Posts the digest to the digest channel now; resolves with how many messages were posted. */
  postNow(requestedBy: string): Promise<{ messages: number }>;
}
