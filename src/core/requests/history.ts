/**
 * A request as its log entries tell it: replay them and say which state they lead to and whose
 * approvals count. Every state change is written in the same transaction as its log entry, so the
 * stored request and the replay always agree; where they do not, the database was changed behind
 * the bot's back (a state set to `approved` by hand, a vote inserted). Pure: `verify-log` checks
 * every request with it, and the applier refuses to apply a request whose approval the log does
 * not hold.
 */
import { type LogEvent, plural } from "../vocabulary.ts";
import type { Request, RequestState, Vote } from "./types.ts";

export interface Replay {
  /** Undefined: no entry created the request. */
  state: RequestState | undefined;
  /** Approvers whose approval counts, in the order they voted. */
  voters: string[];
  /** Entries that could not follow the ones before them. */
  problems: string[];
}

type Entry = Pick<LogEvent, "id" | "kind" | "actor" | "detail">;

/** Which states each kind of entry may follow, and where it leads (undefined: the state stays). */
const STEPS: Partial<Record<string, { from: readonly (RequestState | undefined)[]; to?: RequestState }>> = {
  requested: { from: [undefined], to: "pending" },
  voted: { from: ["pending"] },
  vote_discounted: { from: ["pending"] },
  approved: { from: ["pending"], to: "approved" },
  denied: { from: ["pending"], to: "denied" },
  expired: { from: ["pending"], to: "expired" },
  cancelled: { from: ["pending", "approved", "apply_failed"], to: "cancelled" },
  apply_attempted: { from: ["approved", "apply_failed"] },
  apply_succeeded: { from: ["approved", "apply_failed"], to: "applied" },
  apply_failed: { from: ["approved", "apply_failed"], to: "apply_failed" },
  failed: { from: ["approved", "apply_failed"], to: "failed" },
  audit_expired: { from: ["applied"] },
  audit_expiry_failed: { from: ["applied"] },
};

/** Replays one request's entries, oldest first. */
export function replay(entries: readonly Entry[]): Replay {
  let state: RequestState | undefined;
  const voters: string[] = [];
  const problems: string[] = [];
  for (const e of entries) {
    const step = STEPS[e.kind];
    if (step === undefined) continue;
    if (!step.from.includes(state)) {
      problems.push(`entry ${e.id} (${e.kind}) cannot follow ${state === undefined ? "no entry" : state}`);
      continue;
    }
    if (e.kind === "voted" && !voters.includes(e.actor)) voters.push(e.actor);
    if (e.kind === "vote_discounted") {
      const approver = e.detail.approver;
      const at = voters.indexOf(typeof approver === "string" ? approver : "");
      if (at >= 0) voters.splice(at, 1);
    }
    if (step.to !== undefined) state = step.to;
  }
  return { state, voters, problems };
}

/**
 * Where a stored request and its votes disagree with its log entries: one line each, empty when
 * they agree.
 */
export function crossCheck(
  request: Pick<Request, "id" | "state">,
  votes: readonly Pick<Vote, "approver">[],
  entries: readonly Entry[],
): string[] {
  const told = replay(entries);
  const out = told.problems.map((p) => `request #${request.id}: ${p}`);
  if (told.state !== request.state) {
    out.push(
      told.state === undefined
        ? `request #${request.id} is ${request.state}, but the log has no entry of it`
        : `request #${request.id} is ${request.state}, but its log entries leave it ${told.state}`,
    );
  }
  const stored = new Set(votes.map((v) => v.approver));
  for (const approver of stored) {
    if (!told.voters.includes(approver))
      out.push(`request #${request.id} has an approval by ${approver} that the log does not hold`);
  }
  for (const approver of told.voters) {
    if (!stored.has(approver))
      out.push(`request #${request.id}: the log holds an approval by ${approver} that its votes lack`);
  }
  return out;
}

/** `crossCheck` over every request, plus log entries naming a request that does not exist. */
export function crossCheckAll(
  requests: readonly Pick<Request, "id" | "state">[],
  votes: ReadonlyMap<number, readonly Pick<Vote, "approver">[]>,
  entries: ReadonlyMap<number, readonly Entry[]>,
): string[] {
  const out = requests.flatMap((r) => crossCheck(r, votes.get(r.id) ?? [], entries.get(r.id) ?? []));
  const known = new Set(requests.map((r) => r.id));
  for (const [requestId, list] of entries) {
    if (!known.has(requestId))
      out.push(
        `the log has ${plural(list.length, "entry", "entries")} of request #${requestId}, which does not exist`,
      );
  }
  return out;
}
