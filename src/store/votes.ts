/** Approvers' votes: one per approver per request, enforced by the database. */

import type { VoteRecords } from "../core/requests/ports.ts";
import type { Vote } from "../core/requests/types.ts";
import type { Database } from "./db.ts";

const iso = (d: Date) => d.toISOString();
const toVote = (r: { request_id: number; approver: string; at: string }): Vote => ({
  requestId: r.request_id,
  approver: r.approver,
  at: new Date(r.at),
});

export class VoteRepository implements VoteRecords {
  readonly #insert;
  readonly #list;
  readonly #all;
  readonly #remove;

  constructor(db: Database) {
    this.#insert = db.prepare<[number, string, string]>(
      "INSERT INTO votes (request_id, approver, at) VALUES (?, ?, ?) ON CONFLICT (request_id, approver) DO NOTHING",
    );
    this.#list = db.prepare<[number], { request_id: number; approver: string; at: string }>(
      "SELECT request_id, approver, at FROM votes WHERE request_id = ? ORDER BY id",
    );
    this.#remove = db.prepare<[number, string]>("DELETE FROM votes WHERE request_id = ? AND approver = ?");
    this.#all = db.prepare<[], { request_id: number; approver: string; at: string }>(
      "SELECT request_id, approver, at FROM votes ORDER BY id",
    );
  }

  /** Records one approver's vote; false when that approver had already voted. */
  add(requestId: number, approver: string, at: Date): boolean {
    return this.#insert.run(requestId, approver, iso(at)).changes === 1;
  }

  remove(requestId: number, approver: string): boolean {
    return this.#remove.run(requestId, approver).changes === 1;
  }

  /** Votes of a request, in the order they were cast. */
  list(requestId: number): Vote[] {
    return this.#list.all(requestId).map(toVote);
  }

  /** Every vote, by request (for checking them against the log). */
  byRequest(): Map<number, Vote[]> {
    const out = new Map<number, Vote[]>();
    for (const vote of this.#all.all().map(toVote)) {
      out.set(vote.requestId, [...(out.get(vote.requestId) ?? []), vote]);
    }
    return out;
  }
}
