/**
 * Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `v0=` + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + rawBody)). The one owner of the rule:
 * the HTTP server checks every `POST /slack/events` with it before Bolt sees the request.
 *
 * Pure: the caller passes the clock's `now`. Unlike Bolt's own check, timestamps too far in the
 * FUTURE are refused as well, so a captured request cannot be replayed later by forging a clock skew.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack's replay window: a request more than this far from our clock, either way, is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export type SignatureRefusal = "missing" | "malformed" | "stale" | "future" | "mismatch";
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureRefusal };

export interface VerifySlackSignatureInput {
  signingSecret: string;
  /** `X-Slack-Request-Timestamp` header (seconds since the epoch), as received. */
  timestamp: string | null | undefined;
  /** `X-Slack-Signature` header, as received. */
  signature: string | null | undefined;
  /** The body exactly as it came off the wire: re-serialised JSON or form data would not match. */
  rawBody: string | Uint8Array;
  now: Date;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/i;

/**
 * The timestamp alone: present, a number, and within the window of `now` either way. Checked from
 * the header before the body is read, so a replayed request costs nothing.
 */
export function checkSlackTimestamp(
  timestamp: string | readonly string[] | null | undefined,
  now: Date,
): SignatureCheck {
  const value = (typeof timestamp === "string" ? timestamp : timestamp?.[0])?.trim();
  if (!value) return { ok: false, reason: "missing" };
  if (!TIMESTAMP.test(value)) return { ok: false, reason: "malformed" };
  const skew = Number(value) - Math.floor(now.getTime() / 1000);
  if (skew < -SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: "stale" };
  if (skew > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: "future" };
  return { ok: true };
}

export function verifySlackSignature(input: VerifySlackSignatureInput): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: "missing" };
  if (!TIMESTAMP.test(timestamp) || !SIGNATURE.test(signature)) return { ok: false, reason: "malformed" };
  // Checked before the HMAC so a replayed request costs us nothing.
  const timely = checkSlackTimestamp(timestamp, input.now);
  if (!timely.ok) return timely;

  const expected = createHmac("sha256", input.signingSecret)
    .update(`v0:${timestamp}:`)
    .update(input.rawBody)
    .digest();
  const given = Buffer.from(signature.slice(3), "hex");
  // Both are 32 bytes (the regex fixed the hex length), so timingSafeEqual cannot throw.
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: "mismatch" };
}
