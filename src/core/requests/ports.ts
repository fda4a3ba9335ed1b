/**
 * The ports of the request feature: what the lifecycle needs from the store (requests, votes, the
 * messages that show them, choices among matches, the re-render queue) and from the chat side (who
 * approves, telling people). Declared here, implemented outside: src/store and src/slack.
 */
import type { Candidate } from "../directory/answer.ts";
import type { EventLog, Transactions } from "../ports.ts";
import type { OrganizationRef, PrincipalRef } from "../vocabulary.ts";
import type { Request, RequestKind, Vote } from "./types.ts";

export interface NewRequest {
  kind: RequestKind;
  organization: OrganizationRef;
  principal: PrincipalRef;
  requester: string;
  reason: string | null;
  /** Time-bound adds only. */
  auditForMs: number | null;
  at: Date;
}

/** The end of a pending request's life. */
export type Closing =
  | { to: "approved"; by: string }
  | { to: "denied"; by: string; reason: string }
  | { to: "cancelled"; by: string }
  | { to: "expired"; by: string };

/** What a successful apply records. */
export interface AppliedChange {
  /** Time-bound adds whose item this request created: when the audit ends. */
  auditExpiresAt: Date | null;
  /** Adds: whether this request's POST created the audit item (false: VB365 audited them already). */
  auditItemCreated: boolean | null;
  auditItemId: string | null;
}

/** What a failed attempt records. */
export interface AttemptFailure {
  /** Safe to show in Slack. */
  error: string;
  nextAttemptAt: Date;
  /** VB365 refused the change for good (a 4xx other than 401/408/429): counts towards ending it. */
  definite: boolean;
  /** The attempt's write is known not to have reached VB365: the unsettled-write mark is cleared. */
  writeSettled: boolean;
}

/**
 * The stored requests. Every state change is a compare-and-swap on the stored state: it answers
 * false when the request was not in the state it needs (someone else won).
 */
export interface RequestRecords {
  /** Throws a `StoreError` of kind `conflict` when an open request for the principal and kind exists. */
  create(input: NewRequest): Request;
  get(id: number): Request | undefined;
  getOrThrow(id: number): Request;
  /** The open (pending, approved or apply_failed) request for this principal and kind, if any. */
  findOpen(organizationId: string, principal: PrincipalRef, kind: RequestKind): Request | undefined;
  /** Open requests, oldest first. */
  listOpen(): Request[];
  listPending(): Request[];
  /** A requester's requests, newest first. */
  listByRequester(requester: string, limit?: number): Request[];
  /** Requests that changed at or after `since`. */
  listUpdatedSince(since: Date): Request[];
  /** Pending requests created at or before `createdBefore`. */
  listStalePending(createdBefore: Date): Request[];
  /** Approved or apply_failed requests whose next attempt is due and that nobody is applying. */
  listDueForApply(now: Date): Request[];
  /** Applied time-bound adds whose audit has ended but whose item was not removed yet. */
  listAuditExpiriesDue(now: Date): Request[];
  /** The newest applied request for the same principal made after `request`, if any. */
  findLaterApplied(request: Pick<Request, "id" | "organization" | "principal">): Request | undefined;
  /** Bumps `updatedAt` of a pending request; false when it is no longer pending. */
  touchPending(id: number, at: Date): boolean;
  /** Moves a pending request to its end state (approval also makes it due for applying). */
  close(id: number, closing: Closing, at: Date): boolean;
  /**
   * Cancels a request that has not reached VB365: pending, or approved (or apply_failed) with no
   * write outstanding. False otherwise.
   */
  cancel(id: number, by: string, at: Date): boolean;
  /** Takes the right to apply an approved or apply_failed request until `until`, counting an attempt. */
  claimApply(id: number, owner: string, now: Date, until: Date): boolean;
  /**
   * Just before a write to VB365: true, and the write marked as started, only when `owner` still
   * holds the lease until at least `until` and the request is still applicable.
   */
  beginWrite(id: number, owner: string, now: Date, until: Date): boolean;
  markApplied(id: number, owner: string, at: Date, change: AppliedChange): boolean;
  markApplyFailed(id: number, owner: string, at: Date, failure: AttemptFailure): boolean;
  /** Ends the request as failed: VB365 kept refusing it. */
  markFailed(id: number, owner: string, at: Date, error: string): boolean;
  /** Takes the right to end a time-bound audit whose end has passed. */
  claimAuditExpiry(id: number, owner: string, now: Date, until: Date): boolean;
  /** `beginWrite` for the removal at the end of a time-bound audit. */
  beginExpiryWrite(id: number, owner: string, now: Date, until: Date): boolean;
  markAuditExpired(id: number, owner: string, at: Date): boolean;
  markAuditExpiryFailed(id: number, owner: string, at: Date, failure: AttemptFailure): boolean;
}

export interface VoteRecords {
  /** Records one approver's vote; false when that approver had already voted. */
  add(requestId: number, approver: string, at: Date): boolean;
  /** Takes back a vote that no longer counts; false when there was none. */
  remove(requestId: number, approver: string): boolean;
  /** In the order they were cast. */
  list(requestId: number): Vote[];
}

/** A chat message that shows a request: every one is re-rendered after the request changes. */
export interface RequestMessage {
  requestId: number;
  channel: string;
  ts: string;
  /** What the message is, e.g. "approval" (the channel post) or "dm:<outcome>". */
  purpose: string;
  createdAt: Date;
}

export interface MessageRecords {
  /** Remembers a message that shows a request (idempotent per channel and ts). */
  add(requestId: number, channel: string, ts: string, purpose: string, at: Date): void;
  list(requestId: number): RequestMessage[];
  find(channel: string, ts: string): RequestMessage | undefined;
}

/** A choice among several matching principals, kept server-side until the requester picks. */
export interface PendingChoice {
  id: string;
  requester: string;
  kind: RequestKind;
  organization: OrganizationRef;
  /** In the order shown; a pick names an index. */
  candidates: Candidate[];
  /** How many matched in all (more than shown when the list was cut). */
  total: number;
  reason: string | null;
  auditForMs: number | null;
  createdAt: Date;
  expiresAt: Date;
}

export type TakeResult =
  | { kind: "taken"; choice: PendingChoice }
  | { kind: "not_found" }
  | { kind: "expired" }
  | { kind: "used" }
  | { kind: "not_yours"; requester: string };

export interface ChoiceStore {
  save(choice: PendingChoice): void;
  /** Marks the choice used, only for its requester and before it expires; once. */
  take(id: string, requester: string, now: Date): TakeResult;
  /** Makes a taken choice pickable again (the pick could not be carried out). */
  release(id: string): void;
  /** Deletes choices that expired before `before`. */
  purge(before: Date): number;
}

export interface QueuedRerender {
  requestId: number;
  queuedAt: Date;
  attempts: number;
  lastError: string | null;
}

/** Requests whose chat views could not be re-rendered, kept until a later try succeeds. */
export interface RerenderQueue {
  /** Queues the request (once, however often); `error` says why the last try failed. */
  enqueue(requestId: number, at: Date, error: string): void;
  list(limit?: number): QueuedRerender[];
  done(requestId: number): void;
  failed(requestId: number, error: string): void;
}

/** Who may approve (implemented by the Slack side: configured user ids plus a user group). */
export interface Approvers {
  isApprover(userId: string): Promise<boolean>;
  /** Everyone who may approve right now. */
  members(): Promise<string[]>;
}

/**
 * Chat views of requests. The store is the truth; every message about a request is a view of it,
 * re-rendered from the store whenever the request changes (implemented by the Slack side).
 */
export interface RequestNotifier {
  /** Posts a new request for its approvers, with its buttons, and records the message. */
  requestCreated(requestId: number): Promise<void>;
  /**
   * Re-renders every recorded message of the request, and tells the requester when it reached an
   * outcome they have not been told of yet. Safe to call more than once for one state; rejects
   * (after trying everything) when part of it failed, so that the caller can try again.
   */
  requestChanged(requestId: number): Promise<void>;
  /** Nudges the approvers who have not voted yet about a request still pending. */
  remind(requestId: number, approvers: readonly string[]): Promise<void>;
}

/** The store as the request lifecycle and the applier use it. */
export interface RequestStore extends Transactions {
  readonly requests: RequestRecords;
  readonly votes: VoteRecords;
  readonly messages: MessageRecords;
  readonly log: EventLog;
}
