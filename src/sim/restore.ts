/**
 * Restore sessions, the only record VB365 keeps of who looked at or took whose backed-up data,
 * and v8's change feed that announces them. A session's `eTag` grows whenever it changes; the feed
 * says so with a `RestoreSessionUpdate`.
 */
import { badRequest, SimHttpError } from "./http.ts";
import { randomToken, randomUuid } from "./ids.ts";
import type { SimRestoreEventInit, SimRestoreSessionInit } from "./types.ts";

export interface EventRecord {
  id: string;
  type: SimRestoreEventInit["type"];
  status: NonNullable<SimRestoreEventInit["status"]>;
  itemName: string;
  itemType?: string;
  itemSizeBytes?: number;
  source?: string;
  target?: string;
  startTime: string;
  endTime: string | null;
  duration?: string;
  title: string;
  message: string;
  order: number;
  userId?: string;
  groupId?: string;
}

export interface SessionRecord {
  id: string;
  organizationId: string;
  /** The organization's name, as sessions report it. */
  organization: string;
  type: NonNullable<SimRestoreSessionInit["type"]>;
  name: string;
  initiatedBy: string;
  clientHost: string;
  reason: string;
  scopeName: string;
  details: string;
  creationTime: string;
  endTime: string | null;
  state: NonNullable<SimRestoreSessionInit["state"]>;
  result: NonNullable<SimRestoreSessionInit["result"]>;
  eTag: number;
  events: EventRecord[];
}

function isoTime(value: string, what: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${what} is not a date: ${value}`);
  return new Date(ms).toISOString();
}

/** .NET TimeSpan text, as VB365 prints durations: `00:00:16`. */
function timeSpan(fromIso: string, toIso: string): string {
  const total = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

const VERBS: Record<EventRecord["type"], string> = {
  None: "Processed",
  Save: "Saved",
  Export: "Exported",
  Send: "Sent",
  Restore: "Restored",
  View: "Viewed",
};

function toEvent(init: SimRestoreEventInit, order: number): EventRecord {
  const startTime = isoTime(init.startTime, "event startTime");
  const endTime = init.endTime === undefined ? null : isoTime(init.endTime, "event endTime");
  const what = `${init.itemType ?? "item"} "${init.itemName}"`;
  const event: EventRecord = {
    id: randomUuid(),
    type: init.type,
    status: init.status ?? "Success",
    itemName: init.itemName,
    startTime,
    endTime,
    title: init.itemName,
    message: `${VERBS[init.type]} ${what}${init.source ? ` from ${init.source}` : ""}${init.target ? ` to ${init.target}` : ""}`,
    order,
  };
  if (init.itemType !== undefined) event.itemType = init.itemType;
  if (init.itemSizeBytes !== undefined) event.itemSizeBytes = init.itemSizeBytes;
  if (init.source !== undefined) event.source = init.source;
  if (init.target !== undefined) event.target = init.target;
  if (endTime) event.duration = timeSpan(startTime, endTime);
  if (init.userId !== undefined) event.userId = init.userId;
  if (init.groupId !== undefined) event.groupId = init.groupId;
  return event;
}

export interface Change {
  eventType: "RestoreSessionUpdate";
  id: string;
  eTag: number;
}

const MAX_WAIT_SECONDS = 5;

/**
 * `GET /v8/Events`: an append-only list of changes read from a change token. Tokens name a
 * position and this server's run, so a token from before a restart is outdated, as on VB365.
 */
export class ChangeFeed {
  private readonly run = randomToken().slice(0, 10);
  private readonly changes: Change[] = [];
  private readonly waiters = new Set<() => void>();

  private token(position: number): string {
    return Buffer.from(`${this.run}:${position}`).toString("base64url");
  }

  get latest(): string {
    return this.token(this.changes.length);
  }

  append(change: Change): void {
    this.changes.push(change);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** The position a token names; 400 when it is not one of this server's tokens. */
  position(token: string): number {
    if (token.toLowerCase() === "latest") return this.changes.length;
    const [run, position] = Buffer.from(token, "base64url").toString("utf8").split(":");
    const n = Number(position);
    if (run === undefined || position === undefined || !Number.isInteger(n) || n < 0) {
      throw badRequest(`The change token '${token}' is not valid.`);
    }
    if (run !== this.run || n > this.changes.length) {
      throw new SimHttpError(
        400,
        "The change token is outdated. Start again from 'latest'.",
        "OutdatedChangeToken",
      );
    }
    return n;
  }

  read(position: number, limit: number): { results: Change[]; nextToken: string } {
    const results = this.changes.slice(position, position + limit);
    return { results, nextToken: this.token(position + results.length) };
  }

  hasNews(position: number): boolean {
    return position < this.changes.length;
  }

  /** Resolves at the next change, after `seconds` (capped at a few), or when `signal` aborts. */
  wait(seconds: number, signal: AbortSignal): Promise<void> {
    const ms = Math.min(Math.max(seconds, 0), MAX_WAIT_SECONDS) * 1000;
    if (ms === 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

export interface SessionFilter {
  startFrom?: number;
  startTo?: number;
  endFrom?: number;
  endTo?: number;
  orderBy: "CreationTime" | "EndTime";
  ascending: boolean;
}

export class RestoreStore {
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(private readonly feed: ChangeFeed) {}

  add(init: SimRestoreSessionInit, organization: string): SessionRecord {
    const id = (init.id ?? randomUuid()).toLowerCase();
    if (this.sessions.has(id)) throw new Error(`restore session already exists: ${id}`);
    const creationTime = isoTime(init.creationTime, "session creationTime");
    const endTime = init.endTime == null ? null : isoTime(init.endTime, "session endTime");
    const scopeName = init.scopeName ?? organization;
    const session: SessionRecord = {
      id,
      organizationId: init.organizationId.toLowerCase(),
      organization,
      type: init.type ?? "Vex",
      name: init.name ?? `${scopeName} restore session`,
      initiatedBy: init.initiatedBy,
      clientHost: init.clientHost ?? "",
      reason: init.reason ?? "",
      scopeName,
      details: "",
      creationTime,
      endTime,
      state: init.state ?? (endTime ? "Stopped" : "Working"),
      result: init.result ?? "Success",
      eTag: 1,
      events: init.events.map((e, k) => toEvent(e, k + 1)),
    };
    session.details = this.details(session);
    this.sessions.set(id, session);
    this.feed.append({ eventType: "RestoreSessionUpdate", id, eTag: session.eTag });
    return session;
  }

  addEvents(sessionId: string, events: SimRestoreEventInit[]): SessionRecord {
    const session = this.get(sessionId);
    if (!session) throw new Error(`no restore session ${sessionId}`);
    for (const e of events) session.events.push(toEvent(e, session.events.length + 1));
    session.eTag++;
    session.details = this.details(session);
    this.feed.append({ eventType: "RestoreSessionUpdate", id: session.id, eTag: session.eTag });
    return session;
  }

  get(id: string): SessionRecord | undefined {
    return this.sessions.get(id.toLowerCase());
  }

  query(filter: SessionFilter): SessionRecord[] {
    const within = (value: string | null, from?: number, to?: number) => {
      if (from === undefined && to === undefined) return true;
      if (value === null) return false;
      const ms = Date.parse(value);
      return (from === undefined || ms >= from) && (to === undefined || ms <= to);
    };
    const key = (s: SessionRecord) =>
      Date.parse((filter.orderBy === "EndTime" ? s.endTime : s.creationTime) ?? "9999-12-31T00:00:00Z");
    return [...this.sessions.values()]
      .filter((s) => within(s.creationTime, filter.startFrom, filter.startTo))
      .filter((s) => within(s.endTime, filter.endFrom, filter.endTo))
      .sort((a, b) => (filter.ascending ? key(a) - key(b) : key(b) - key(a)));
  }

  private details(session: SessionRecord): string {
    const items = session.events.filter((e) => e.type !== "None").length;
    return `${items} item${items === 1 ? "" : "s"} processed`;
  }
}
