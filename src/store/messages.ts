/**
 * The Slack messages that show each request. The store is the source of truth and these are views
 * of it: after every change each one is re-rendered from the stored request.
 */
import type { MessageRecords, RequestMessage } from "../core/requests/ports.ts";
import type { Database } from "./db.ts";

const iso = (d: Date) => d.toISOString();

export class MessageRepository implements MessageRecords {
  readonly #insert;
  readonly #list;
  readonly #find;

  constructor(db: Database) {
    this.#insert = db.prepare<[number, string, string, string, string]>(
      `INSERT INTO request_messages (request_id, channel, ts, purpose, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (channel, ts) DO NOTHING`,
    );
    type Row = { request_id: number; channel: string; ts: string; purpose: string; created_at: string };
    const toMessage = (r: Row): RequestMessage => ({
      requestId: r.request_id,
      channel: r.channel,
      ts: r.ts,
      purpose: r.purpose,
      createdAt: new Date(r.created_at),
    });
    const list = db.prepare<[number], Row>(
      "SELECT request_id, channel, ts, purpose, created_at FROM request_messages WHERE request_id = ? ORDER BY id",
    );
    const find = db.prepare<[string, string], Row>(
      "SELECT request_id, channel, ts, purpose, created_at FROM request_messages WHERE channel = ? AND ts = ?",
    );
    this.#list = (requestId: number) => list.all(requestId).map(toMessage);
    this.#find = (channel: string, ts: string) => {
      const row = find.get(channel, ts);
      return row === undefined ? undefined : toMessage(row);
    };
  }

  /** Remembers a message that shows a request (idempotent per channel and ts). */
  add(requestId: number, channel: string, ts: string, purpose: string, at: Date): void {
    this.#insert.run(requestId, channel, ts, purpose, iso(at));
  }

  /** Every message showing a request, to re-render them all after a change. */
  list(requestId: number): RequestMessage[] {
    return this.#list(requestId);
  }

  /** The message at `channel`/`ts`, if it shows a request. */
  find(channel: string, ts: string): RequestMessage | undefined {
    return this.#find(channel, ts);
  }
}
