/**
 * Pending choices among several matching principals (migrations/030_pending_choices.sql): what the
 * person asked, and the candidates they were shown, kept server-side so a button carries only an id
 * and an index. Taking a choice is a conditional UPDATE, so a double click creates one request.
 */

import type { Candidate } from "../core/directory/resolver.ts";
import type { ChoiceStore, PendingChoice, TakeResult } from "../core/requests/ports.ts";
import type { Database } from "./db.ts";

interface ChoiceRow {
  id: string;
  requester: string;
  kind: "add" | "remove";
  organization_id: string;
  organization_name: string;
  /** NULL in choices saved before servers (the server named `default`). */
  server: string | null;
  candidates: string;
  total: number;
  reason: string | null;
  audit_for_ms: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

const COLUMNS =
  "id, requester, kind, organization_id, organization_name, server, candidates, total, reason, audit_for_ms, created_at, expires_at, used_at";

function toChoice(row: ChoiceRow): PendingChoice {
  return {
    id: row.id,
    requester: row.requester,
    kind: row.kind,
    organization: {
      id: row.organization_id,
      name: row.organization_name,
      ...(row.server === null ? {} : { server: row.server }),
    },
    candidates: JSON.parse(row.candidates) as Candidate[],
    total: row.total,
    reason: row.reason,
    auditForMs: row.audit_for_ms,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}

export class ChoiceRepository implements ChoiceStore {
  readonly #insert;
  readonly #get;
  readonly #take;
  readonly #release;
  readonly #purge;

  constructor(db: Database) {
    this.#insert = db.prepare<Omit<ChoiceRow, "used_at">>(
      `INSERT INTO pending_choices (${COLUMNS.replace(", used_at", "")})
       VALUES (@id, @requester, @kind, @organization_id, @organization_name, @server, @candidates, @total, @reason,
               @audit_for_ms, @created_at, @expires_at)`,
    );
    this.#get = db.prepare<[string], ChoiceRow>(`SELECT ${COLUMNS} FROM pending_choices WHERE id = ?`);
    this.#take = db.prepare<{ id: string; requester: string; now: string }>(
      `UPDATE pending_choices SET used_at = @now
       WHERE id = @id AND requester = @requester AND used_at IS NULL AND expires_at > @now`,
    );
    this.#release = db.prepare<[string]>("UPDATE pending_choices SET used_at = NULL WHERE id = ?");
    this.#purge = db.prepare<[string]>("DELETE FROM pending_choices WHERE expires_at <= ?");
  }

  save(choice: PendingChoice): void {
    this.#insert.run({
      id: choice.id,
      requester: choice.requester,
      kind: choice.kind,
      organization_id: choice.organization.id,
      organization_name: choice.organization.name,
      server: choice.organization.server ?? null,
      candidates: JSON.stringify(choice.candidates),
      total: choice.total,
      reason: choice.reason,
      audit_for_ms: choice.auditForMs,
      created_at: choice.createdAt.toISOString(),
      expires_at: choice.expiresAt.toISOString(),
    });
  }

  take(id: string, requester: string, now: Date): TakeResult {
    if (this.#take.run({ id, requester, now: now.toISOString() }).changes === 1) {
      const row = this.#get.get(id);
      if (row) return { kind: "taken", choice: toChoice(row) };
    }
    const row = this.#get.get(id);
    if (row === undefined) return { kind: "not_found" };
    if (row.requester !== requester) return { kind: "not_yours", requester: row.requester };
    if (row.used_at !== null) return { kind: "used" };
    return { kind: "expired" };
  }

  release(id: string): void {
    this.#release.run(id);
  }

  purge(before: Date): number {
    return this.#purge.run(before.toISOString()).changes;
  }
}
