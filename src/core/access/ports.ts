/**
 * The ports of the access watcher: its memory of restore sessions and alerts (src/store/access.ts),
 * a small key-value state for its cursor (src/store/jobs.ts), and how an alert reaches people (the
 * Slack side renders, posts and updates it).
 */
import type { AccessSummary } from "./match.ts";

export interface WatchedSession {
  /** Lower-cased. */
  sessionId: string;
  organization: string | null;
  creationTime: Date;
  state: string;
  /** null: the last examination failed; look again. */
  fingerprint: string | null;
  eventCount: number;
  failures: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface SeenSession {
  sessionId: string;
  organization: string | null;
  creationTime: Date;
  state: string;
  fingerprint: string;
  eventCount: number;
}

export interface PostedAlert {
  sessionId: string;
  organizationId: string | null;
  organizationName: string | null;
  channel: string;
  ts: string;
  contentHash: string;
  itemCount: number;
  postedAt: Date;
  updatedAt: Date;
}

export interface AccessStore {
  session(sessionId: string): WatchedSession | undefined;
  saveSession(seen: SeenSession, at: Date): void;
  markFailed(
    session: Pick<SeenSession, "sessionId" | "organization" | "creationTime" | "state">,
    at: Date,
  ): WatchedSession;
  /** Sessions still Working, or whose last examination failed, seen since `seenSince`. */
  toRevisit(seenSince: Date): WatchedSession[];
  alert(sessionId: string): PostedAlert | undefined;
  recordAlert(alert: Omit<PostedAlert, "updatedAt">): void;
  recordAlertUpdate(sessionId: string, contentHash: string, itemCount: number, at: Date): void;
  /** The directory cache's display name for an account's local part (`simon.service`), if one user has it. */
  displayNameOf(organizationId: string, localPart: string): string | undefined;
}

/** A little state that outlives the process, such as the watcher's cursor. */
export interface KeyValueState {
  get(key: string): string | undefined;
  set(key: string, value: string, at: Date): void;
}

/** Shows an access alert to people: renders it, posts it to `destination` and updates it in place. */
export interface AlertNotifier {
  post(summary: AccessSummary, destination: string): Promise<{ channel: string; ts: string }>;
  update(posted: { channel: string; ts: string }, summary: AccessSummary): Promise<void>;
}
