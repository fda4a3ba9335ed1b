/**
 * How the approval log's rows are hashed (./log.ts chains them). Each row records the scheme it was
 * written with, and a chain never goes back to a weaker one:
 * 1. SHA-256 over the previous hash and the content: every row written before migration 050;
 * 2. SHA-256 over the previous hash, the scheme, the row's sequence number (its id) and the
 *    content: renumbering breaks the chain;
 * 3. scheme 2 as an HMAC-SHA-256 keyed with `LOG_HMAC_KEY`: someone who can write the database but
 *    does not hold the key cannot write a row that verifies, so cannot rebuild the chain.
 */
import { createHash, createHmac } from "node:crypto";

/** The `prev_hash` of the first row. */
export const GENESIS_HASH = "0".repeat(64);

/** The hash schemes, weakest first (see above). */
export const SCHEME = { content: 1, sequenced: 2, keyed: 3 } as const;
export type Scheme = (typeof SCHEME)[keyof typeof SCHEME];

/** A row of `events` as SQLite reads it back. */
export interface EventRow {
  id: number;
  at: string;
  kind: string;
  actor: string;
  request_id: number | null;
  organization_id: string | null;
  organization_name: string | null;
  principal_type: string | null;
  principal_id: string | null;
  principal_name: string | null;
  principal_display_name: string | null;
  detail: string;
  /** The organization's VB365 server; NULL in rows from before migration 060. */
  server: string | null;
  prev_hash: string;
  hash: string;
  scheme: number;
}

/** What a row's hash covers besides the chain: every column but `id`, `prev_hash`, `hash`, `scheme`. */
export type RowContent = Omit<EventRow, "id" | "hash" | "prev_hash" | "scheme">;

function contentList(row: RowContent): unknown[] {
  return [
    row.at,
    row.kind,
    row.actor,
    row.request_id,
    row.organization_id,
    row.organization_name,
    row.principal_type,
    row.principal_id,
    row.principal_name,
    row.principal_display_name,
    row.detail,
    // Rows from before servers were recorded hash as they always did.
    ...(row.server === null ? [] : [row.server]),
  ];
}

/** Scheme 1, kept to verify the rows written before migration 050. */
export function hashRow(prevHash: string, row: RowContent): string {
  return createHash("sha256")
    .update(prevHash + JSON.stringify(contentList(row)))
    .digest("hex");
}

/** A row's hash under `scheme`; scheme 3 needs the key. */
export function hashEntry(
  scheme: Scheme,
  seq: number,
  prevHash: string,
  row: RowContent,
  key?: string | undefined,
): string {
  if (scheme === SCHEME.content) return hashRow(prevHash, row);
  const text = prevHash + JSON.stringify([scheme, seq, ...contentList(row)]);
  if (scheme === SCHEME.sequenced) return createHash("sha256").update(text).digest("hex");
  if (key === undefined) throw new Error("a keyed log entry needs the key");
  return createHmac("sha256", key).update(text).digest("hex");
}
