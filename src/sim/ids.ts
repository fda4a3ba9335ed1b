/**
 * Identifiers as VB365 shapes them. A user or group id is opaque and long: the Entra object id
 * (the `msid`), the on-premises object GUID (zeros when there is none) and, for objects synced from
 * Active Directory, the SID in base64url. Everything here is deterministic so that generated
 * directories are the same on every run.
 */
import { randomBytes } from "node:crypto";

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const UUID = new RegExp(`^${GUID}$`);
const LEADING_GUIDS = new RegExp(`^(?:${GUID}){1,2}`);
const FIRST_GUID = new RegExp(`^${GUID}`);

export const ZERO_GUID = "00000000-0000-0000-0000-000000000000";

export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * The form ids are indexed under. GUIDs compare case-insensitively (VB365 parses them), the SID
 * part is base64 and stays case-sensitive.
 */
export function canonicalId(id: string): string {
  return id.replace(LEADING_GUIDS, (guids) => guids.toLowerCase());
}

/**
 * The same id as VB365 sometimes returns it (audit items): the leading GUID upper-cased. Clients
 * must not compare principals by id bytes.
 */
export function equivalentId(id: string): string {
  return id.replace(FIRST_GUID, (guid) => guid.toUpperCase());
}

/** murmur3's 32-bit finaliser: a bijection, so distinct inputs give distinct outputs. */
function mix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A pseudo-random 32-bit number for (seed, n), stable across runs. */
export function hash32(seed: number, n: number): number {
  return mix32(mix32(seed) ^ n);
}

const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const hex16 = (v: number) => `${BYTE_HEX[(v >>> 8) & 255]}${BYTE_HEX[v & 255]}`;
const hex32 = (v: number) => `${hex16(v >>> 16)}${hex16(v)}`;

/**
 * A version-4-shaped UUID determined by (seed, n); distinct n give distinct UUIDs for one seed
 * (the first word alone is a bijection of n). Table-driven: it runs for every generated user shown.
 */
export function deterministicUuid(seed: number, n: number): string {
  const w0 = hash32(seed, n);
  const w1 = (hash32(seed ^ 0x9e3779b9, n) & 0xffff0fff) | 0x4000;
  const w2 = (hash32(seed ^ 0x7f4a7c15, n) & 0x3fffffff) | 0x80000000;
  const w3 = hash32(seed ^ 0x6a09e667, n);
  return `${hex32(w0)}-${hex16(w1 >>> 16)}-${hex16(w1)}-${hex16(w2 >>> 16)}-${hex16(w2)}${hex32(w3)}`;
}

export const randomUuid = (): string => {
  const b = randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** An Active Directory domain: the three sub-authorities after S-1-5-21. */
export type SidDomain = readonly [number, number, number];

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Encodes domain SIDs `S-1-5-21-a-b-c-rid` in their binary form, base64url, as VB365 embeds them.
 * The first 24 bytes (the domain) encode to a fixed 32-character prefix, so only the RID's four
 * bytes are encoded per user: this runs for every generated user on every page.
 */
export function sidEncoder(domain: SidDomain): (rid: number) => string {
  const head = Buffer.alloc(24);
  head.set([1, 5, 0, 0, 0, 0, 0, 5]);
  head.writeUInt32LE(21, 8);
  head.writeUInt32LE(domain[0], 12);
  head.writeUInt32LE(domain[1], 16);
  head.writeUInt32LE(domain[2], 20);
  const prefix = head.toString("base64url");
  const c = (n: number) => B64URL[n & 63] ?? "";
  return (rid) => {
    // Little-endian bytes b0..b3 as base64: two full 6-bit groups per 3 bytes, then the tail.
    const b0 = rid & 0xff;
    const b1 = (rid >>> 8) & 0xff;
    const b2 = (rid >>> 16) & 0xff;
    const b3 = (rid >>> 24) & 0xff;
    return `${prefix}${c(b0 >> 2)}${c((b0 << 4) | (b1 >> 4))}${c((b1 << 2) | (b2 >> 6))}${c(b2)}${c(b3 >> 2)}${c(b3 << 4)}`;
  };
}

export const sidBase64 = (domain: SidDomain, rid: number): string => sidEncoder(domain)(rid);

export const sidString = (domain: SidDomain, rid: number): string =>
  `S-1-5-21-${domain[0]}-${domain[1]}-${domain[2]}-${rid}`;

export function parseSidBase64(text: string): { domain: SidDomain; rid: number } | undefined {
  if (text.length !== 38 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const b = Buffer.from(text, "base64url");
  if (b.length !== 28 || b[0] !== 1 || b[1] !== 5 || b.readUInt32LE(8) !== 21) return undefined;
  return { domain: [b.readUInt32LE(12), b.readUInt32LE(16), b.readUInt32LE(20)], rid: b.readUInt32LE(24) };
}

/** A principal id: cloud-only objects have no SID part. */
export function principalId(msid: string, sid?: { domain: SidDomain; rid: number }): string {
  return `${msid}${ZERO_GUID}${sid ? sidBase64(sid.domain, sid.rid) : ""}`;
}

/** Opaque secrets: access and refresh tokens. */
export const randomToken = (): string => randomBytes(32).toString("base64url");
