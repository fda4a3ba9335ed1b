/**
 * The resolver's decision on one index, with no I/O: what a person typed → exactly one principal,
 * several to pick from, or a miss. Pure, so the benchmark can time it on an index built from an
 * array, and the resolver only adds "when to ask VB365" around it.
 */
import type { Lookup, PrincipalRef } from "../vocabulary.ts";
import { type DirectoryEntry, entryKey, toPrincipal } from "./entry.ts";
import { localPart, looksLikeAddress } from "./normalize.ts";
import type { MatchKind } from "./rank.ts";
import type { DirectoryIndex } from "./search-index.ts";

export interface Candidate {
  principal: PrincipalRef;
  /** User: User, Shared or Public. Group: Office365, Security, Distribution or DynamicDistribution. */
  subtype?: string | undefined;
  /** How it matched; `fuzzy` only ever in suggestions. */
  match: MatchKind;
}

export interface AnswerLimits {
  /** Candidates listed when several match; `total` still counts them all. */
  maxCandidates: number;
}

export type LocalAnswer =
  | ({ kind: "one" } & Candidate)
  | { kind: "many"; candidates: Candidate[]; total: number }
  | { kind: "miss" };

export function toCandidate(match: { entry: DirectoryEntry; kind: MatchKind }): Candidate {
  const candidate: Candidate = { principal: toPrincipal(match.entry), match: match.kind };
  if (match.entry.subtype) candidate.subtype = match.entry.subtype;
  return candidate;
}

/** Whether `who` names an address, which only ever matches a UPN exactly. */
export function isAddress(who: Lookup): boolean {
  return who.kind === "email" || who.kind === "memberEmail" || looksLikeAddress(who.value);
}

export function answerFrom(index: DirectoryIndex, who: Lookup, limits: AnswerLimits): LocalAnswer {
  const value = who.value.trim();
  if (value === "") return { kind: "miss" };
  const { matches, total } = isAddress(who)
    ? { matches: index.exact(value), total: -1 }
    : index.lookupTop(value, Math.max(1, limits.maxCandidates));
  const count = total < 0 ? matches.length : total;
  const [first] = matches;
  if (!first) return { kind: "miss" };
  if (count === 1) return { kind: "one", ...toCandidate(first) };
  return { kind: "many", candidates: matches.slice(0, limits.maxCandidates).map(toCandidate), total: count };
}

/**
 * The closest names for a miss. For an address that is not a UPN (a Slack profile often uses
 * another domain than Microsoft 365), the same local part elsewhere comes first, then near misses.
 */
export function suggestionsFrom(index: DirectoryIndex, who: Lookup, limit: number): Candidate[] {
  const value = who.value.trim();
  if (value === "" || limit <= 0) return [];
  const local = isAddress(who) ? localPart(value) : undefined;
  const matches =
    local === undefined
      ? index.suggest(value, limit)
      : [...index.byLocalPart(local), ...index.suggest(local, limit)];
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const match of matches) {
    const key = entryKey(match.entry);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(toCandidate(match));
    if (out.length === limit) break;
  }
  return out;
}
