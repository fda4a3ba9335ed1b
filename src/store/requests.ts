/**
 * Requests. Every state change is a conditional
 * UPDATE (`… WHERE id = ? AND state = ?`) whose `changes` the caller checks: compare-and-swap on the
 * stored state, so two concurrent clicks or appliers cannot both win.
 */

import { DEFAULT_SERVER } from "../config.ts";
import type {
  AppliedChange,
  AttemptFailure,
  Closing,
  NewRequest,
  RequestRecords,
} from "../core/requests/ports.ts";
import {
  APPLICABLE_STATES,
  OPEN_STATES,
  type Request,
  type RequestKind,
  type RequestState,
} from "../core/requests/types.ts";
import { samePrincipal } from "../vbo/principals.ts";
import type { PrincipalRef } from "../vbo/schemas.ts";
import type { Database } from "./db.ts";
import { COLUMNS, principalKey, type RequestRow, toRequest } from "./request-rows.ts";

/** An SQL list of states, from the core's own lists (never restated here). */
const sqlStates = (states: readonly RequestState[]) => `(${states.map((s) => `'${s}'`).join(", ")})`;
const OPEN = sqlStates(OPEN_STATES);
const APPLICABLE = sqlStates(APPLICABLE_STATES);

const iso = (d: Date) => d.toISOString();

export class RequestRepository implements RequestRecords {
  readonly #insert;
  readonly #get;
  readonly #findOpen;
  readonly #listOpen;
  readonly #listAll;
  readonly #listPending;
  readonly #listByRequester;
  readonly #listUpdatedSince;
  readonly #listStalePending;
  readonly #listDueForApply;
  readonly #listAuditExpiriesDue;
  readonly #laterApplied;
  readonly #touchPending;
  readonly #close;
  readonly #cancel;
  readonly #claim;
  readonly #beginWrite;
  readonly #markApplied;
  readonly #markApplyFailed;
  readonly #markFailed;
  readonly #claimAuditExpiry;
  readonly #beginExpiryWrite;
  readonly #markAuditExpired;
  readonly #markAuditExpiryFailed;

  constructor(db: Database) {
    this.#insert = db.prepare<
      [
        {
          kind: string;
          organization_id: string;
          organization_name: string;
          server: string;
          principal_type: string;
          principal_id: string;
          principal_name: string;
          principal_display_name: string;
          principal_msid: string | null;
          principal_key: string;
          requester: string;
          reason: string | null;
          at: string;
          audit_for_ms: number | null;
        },
      ]
    >(
      `INSERT INTO requests (kind, organization_id, organization_name, server, principal_type, principal_id,
         principal_name, principal_display_name, principal_msid, principal_key, requester, reason, state,
         created_at, updated_at, audit_for_ms)
       VALUES (@kind, @organization_id, @organization_name, @server, @principal_type, @principal_id, @principal_name,
         @principal_display_name, @principal_msid, @principal_key, @requester, @reason, 'pending', @at, @at,
         @audit_for_ms)`,
    );
    this.#get = db.prepare<[number], RequestRow>(`SELECT ${COLUMNS} FROM requests WHERE id = ?`);
    // Candidates by organization; `samePrincipal` picks the principal (open requests are few).
    this.#findOpen = db.prepare<[string, string], RequestRow>(
      `SELECT ${COLUMNS} FROM requests
       WHERE organization_id = ? AND kind = ? AND state IN ${OPEN}
       ORDER BY id`,
    );
    this.#listOpen = db.prepare<[], RequestRow>(
      `SELECT ${COLUMNS} FROM requests WHERE state IN ${OPEN} ORDER BY created_at, id`,
    );
    this.#listAll = db.prepare<[], RequestRow>(`SELECT ${COLUMNS} FROM requests ORDER BY id`);
    this.#listPending = db.prepare<[], RequestRow>(
      `SELECT ${COLUMNS} FROM requests WHERE state = 'pending' ORDER BY created_at, id`,
    );
    this.#listByRequester = db.prepare<[string, number], RequestRow>(
      `SELECT ${COLUMNS} FROM requests WHERE requester = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    );
    this.#listUpdatedSince = db.prepare<[string], RequestRow>(
      `SELECT ${COLUMNS} FROM requests WHERE updated_at >= ? ORDER BY updated_at, id`,
    );
    this.#listStalePending = db.prepare<[string], RequestRow>(
      `SELECT ${COLUMNS} FROM requests WHERE state = 'pending' AND created_at <= ? ORDER BY id`,
    );
    this.#listDueForApply = db.prepare<{ now: string }, RequestRow>(
      `SELECT ${COLUMNS} FROM requests
       WHERE state IN ${APPLICABLE}
         AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
         AND (lease_until IS NULL OR lease_until <= @now)
       ORDER BY next_attempt_at, id`,
    );
    this.#listAuditExpiriesDue = db.prepare<{ now: string }, RequestRow>(
      `SELECT ${COLUMNS} FROM requests
       WHERE state = 'applied' AND kind = 'add' AND audit_expires_at IS NOT NULL
         AND audit_expired_at IS NULL AND audit_expires_at <= @now
         AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
         AND (lease_until IS NULL OR lease_until <= @now)
       ORDER BY audit_expires_at, id`,
    );
    this.#laterApplied = db.prepare<[string, string, number], RequestRow>(
      `SELECT ${COLUMNS} FROM requests
       WHERE organization_id = ? AND principal_type = ? AND id > ? AND state = 'applied'
       ORDER BY id DESC`,
    );
    this.#touchPending = db.prepare<[string, number]>(
      "UPDATE requests SET updated_at = ? WHERE id = ? AND state = 'pending'",
    );
    this.#close = db.prepare<
      [{ id: number; to: string; by: string; at: string; deny_reason: string | null; next: string | null }]
    >(
      `UPDATE requests SET state = @to, decided_by = @by, decided_at = @at, updated_at = @at,
         deny_reason = @deny_reason, next_attempt_at = @next
       WHERE id = @id AND state = 'pending'`,
    );
    // A write whose outcome is unknown may have reached VB365: such a request can no longer be cancelled.
    this.#cancel = db.prepare<[{ id: number; by: string; at: string }]>(
      `UPDATE requests SET state = 'cancelled', decided_by = @by, decided_at = @at, updated_at = @at,
         next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND state IN ${OPEN} AND write_started_at IS NULL`,
    );
    this.#claim = db.prepare<[{ id: number; owner: string; now: string; until: string }]>(
      `UPDATE requests SET lease_owner = @owner, lease_until = @until, apply_attempts = apply_attempts + 1
       WHERE id = @id AND state IN ${APPLICABLE} AND (lease_until IS NULL OR lease_until <= @now)`,
    );
    this.#beginWrite = db.prepare<[{ id: number; owner: string; now: string; until: string }]>(
      `UPDATE requests SET write_started_at = @now
       WHERE id = @id AND lease_owner = @owner AND lease_until >= @until AND state IN ${APPLICABLE}`,
    );
    this.#markApplied = db.prepare<
      [
        {
          id: number;
          owner: string;
          at: string;
          expires: string | null;
          created: number | null;
          item: string | null;
        },
      ]
    >(
      `UPDATE requests SET state = 'applied', applied_at = @at, updated_at = @at, audit_expires_at = @expires,
         audit_item_created = @created, audit_item_id = @item, write_started_at = NULL,
         last_error = NULL, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state IN ${APPLICABLE}`,
    );
    this.#markApplyFailed = db.prepare<
      [
        {
          id: number;
          owner: string;
          at: string;
          error: string;
          next: string;
          definite: number;
          settled: number;
        },
      ]
    >(
      `UPDATE requests SET state = 'apply_failed', updated_at = @at, last_error = @error, next_attempt_at = @next,
         definite_failures = definite_failures + @definite,
         write_started_at = CASE WHEN @settled = 1 THEN NULL ELSE write_started_at END,
         lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state IN ${APPLICABLE}`,
    );
    this.#markFailed = db.prepare<[{ id: number; owner: string; at: string; error: string }]>(
      `UPDATE requests SET state = 'failed', updated_at = @at, last_error = @error, next_attempt_at = NULL,
         definite_failures = definite_failures + 1, write_started_at = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state IN ${APPLICABLE}`,
    );
    this.#claimAuditExpiry = db.prepare<[{ id: number; owner: string; now: string; until: string }]>(
      `UPDATE requests SET lease_owner = @owner, lease_until = @until
       WHERE id = @id AND state = 'applied' AND audit_expired_at IS NULL AND audit_expires_at <= @now
         AND (lease_until IS NULL OR lease_until <= @now)`,
    );
    this.#beginExpiryWrite = db.prepare<[{ id: number; owner: string; now: string; until: string }]>(
      `UPDATE requests SET write_started_at = @now
       WHERE id = @id AND lease_owner = @owner AND lease_until >= @until AND state = 'applied'
         AND audit_expired_at IS NULL`,
    );
    this.#markAuditExpired = db.prepare<[{ id: number; owner: string; at: string }]>(
      `UPDATE requests SET audit_expired_at = @at, updated_at = @at, last_error = NULL, next_attempt_at = NULL,
         write_started_at = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND audit_expired_at IS NULL`,
    );
    this.#markAuditExpiryFailed = db.prepare<
      [{ id: number; owner: string; at: string; error: string; next: string; settled: number }]
    >(
      `UPDATE requests SET last_error = @error, next_attempt_at = @next, expiry_attempts = expiry_attempts + 1,
         write_started_at = CASE WHEN @settled = 1 THEN NULL ELSE write_started_at END,
         updated_at = @at, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND audit_expired_at IS NULL`,
    );
  }

  /**
   * Creates a pending request. Throws a `StoreError` of kind `conflict` when an open request for the
   * same organization, principal and kind exists (the caller then points to that one).
   */
  create(input: NewRequest): Request {
    const result = this.#insert.run({
      kind: input.kind,
      organization_id: input.organization.id,
      organization_name: input.organization.name,
      server: input.organization.server ?? DEFAULT_SERVER,
      principal_type: input.principal.type,
      principal_id: input.principal.id,
      principal_name: input.principal.name,
      principal_display_name: input.principal.displayName,
      principal_msid: input.principal.msid ?? null,
      principal_key: principalKey(input.principal),
      requester: input.requester,
      reason: input.reason,
      at: iso(input.at),
      audit_for_ms: input.auditForMs,
    });
    return this.getOrThrow(Number(result.lastInsertRowid));
  }

  get(id: number): Request | undefined {
    const row = this.#get.get(id);
    return row === undefined ? undefined : toRequest(row);
  }

  getOrThrow(id: number): Request {
    const request = this.get(id);
    if (request === undefined) throw new Error(`request ${id} does not exist`);
    return request;
  }

  /** The open (pending, approved or apply_failed) request for this principal and kind, if any. */
  findOpen(organizationId: string, principal: PrincipalRef, kind: RequestKind): Request | undefined {
    return this.#findOpen
      .all(organizationId, kind)
      .map(toRequest)
      .find((r) => samePrincipal(r.principal, principal));
  }

  /** Pending, approved and apply_failed requests, oldest first. */
  listOpen(): Request[] {
    return this.#listOpen.all().map(toRequest);
  }

  /** Every request, oldest first (for checking them against the log). */
  listAll(): Request[] {
    return this.#listAll.all().map(toRequest);
  }

  listPending(): Request[] {
    return this.#listPending.all().map(toRequest);
  }

  /** A requester's requests, newest first. */
  listByRequester(requester: string, limit = 20): Request[] {
    return this.#listByRequester.all(requester, limit).map(toRequest);
  }

  /** Requests that changed at or after `since` (for digests). */
  listUpdatedSince(since: Date): Request[] {
    return this.#listUpdatedSince.all(iso(since)).map(toRequest);
  }

  /** Pending requests created at or before `createdBefore`. */
  listStalePending(createdBefore: Date): Request[] {
    return this.#listStalePending.all(iso(createdBefore)).map(toRequest);
  }

  /** Approved or apply_failed requests whose next attempt is due and that nobody is applying. */
  listDueForApply(now: Date): Request[] {
    return this.#listDueForApply.all({ now: iso(now) }).map(toRequest);
  }

  /** Applied time-bound adds whose audit has ended but whose audit item was not removed yet. */
  listAuditExpiriesDue(now: Date): Request[] {
    return this.#listAuditExpiriesDue.all({ now: iso(now) }).map(toRequest);
  }

  /** The newest applied request for the same principal made after `afterId`, if any. */
  findLaterApplied(request: Pick<Request, "id" | "organization" | "principal">): Request | undefined {
    return this.#laterApplied
      .all(request.organization.id, request.principal.type, request.id)
      .map(toRequest)
      .find((r) => samePrincipal(r.principal, request.principal));
  }

  /** Bumps `updated_at` of a pending request; false when it is no longer pending. */
  touchPending(id: number, at: Date): boolean {
    return this.#touchPending.run(iso(at), id).changes === 1;
  }

  /**
   * Moves a pending request to its end state; false when it was not pending any more (someone else
   * won). Approval also makes the request due for applying at once.
   */
  close(id: number, closing: Closing, at: Date): boolean {
    return (
      this.#close.run({
        id,
        to: closing.to,
        by: closing.by,
        at: iso(at),
        deny_reason: closing.to === "denied" ? closing.reason : null,
        next: closing.to === "approved" ? iso(at) : null,
      }).changes === 1
    );
  }

  cancel(id: number, by: string, at: Date): boolean {
    return this.#cancel.run({ id, by, at: iso(at) }).changes === 1;
  }

  /**
   * Takes the right to apply an approved or apply_failed request until `until`, counting an
   * attempt; false when it is not applicable or someone else holds an unexpired lease.
   */
  claimApply(id: number, owner: string, now: Date, until: Date): boolean {
    return this.#claim.run({ id, owner, now: iso(now), until: iso(until) }).changes === 1;
  }

  beginWrite(id: number, owner: string, now: Date, until: Date): boolean {
    return this.#beginWrite.run({ id, owner, now: iso(now), until: iso(until) }).changes === 1;
  }

  /** Records success by the lease holder. */
  markApplied(id: number, owner: string, at: Date, change: AppliedChange): boolean {
    return (
      this.#markApplied.run({
        id,
        owner,
        at: iso(at),
        expires: change.auditExpiresAt ? iso(change.auditExpiresAt) : null,
        created: change.auditItemCreated === null ? null : change.auditItemCreated ? 1 : 0,
        item: change.auditItemId,
      }).changes === 1
    );
  }

  markApplyFailed(id: number, owner: string, at: Date, failure: AttemptFailure): boolean {
    return (
      this.#markApplyFailed.run({
        id,
        owner,
        at: iso(at),
        error: failure.error,
        next: iso(failure.nextAttemptAt),
        definite: failure.definite ? 1 : 0,
        settled: failure.writeSettled ? 1 : 0,
      }).changes === 1
    );
  }

  markFailed(id: number, owner: string, at: Date, error: string): boolean {
    return this.#markFailed.run({ id, owner, at: iso(at), error }).changes === 1;
  }

  /** Takes the right to end a time-bound audit whose expiry has passed. */
  claimAuditExpiry(id: number, owner: string, now: Date, until: Date): boolean {
    return this.#claimAuditExpiry.run({ id, owner, now: iso(now), until: iso(until) }).changes === 1;
  }

  beginExpiryWrite(id: number, owner: string, now: Date, until: Date): boolean {
    return this.#beginExpiryWrite.run({ id, owner, now: iso(now), until: iso(until) }).changes === 1;
  }

  markAuditExpired(id: number, owner: string, at: Date): boolean {
    return this.#markAuditExpired.run({ id, owner, at: iso(at) }).changes === 1;
  }

  /** Records a failed removal at expiry; the caller computes the backoff from `expiryAttempts`. */
  markAuditExpiryFailed(id: number, owner: string, at: Date, failure: AttemptFailure): boolean {
    return (
      this.#markAuditExpiryFailed.run({
        id,
        owner,
        at: iso(at),
        error: failure.error,
        next: iso(failure.nextAttemptAt),
        settled: failure.writeSettled ? 1 : 0,
      }).changes === 1
    );
  }
}
