/**
 * A pure parser for the text of `/vbo-audit` (syntax.ts says what it parses into, tokens.ts how the
 * text is cut up). Everything the user may get wrong answers with a message that says how to get it
 * right: mrkdwn with every user-supplied fragment escaped, ready for a reply.
 */
import { boundedDistance } from "../../core/directory/distance.ts";
import { AUDIT_FOR, auditForProblem, parseDuration } from "../../core/requests/duration.ts";
import type { Who } from "../../core/vocabulary.ts";
import { inlineCode, truncate } from "../blocks/kit.ts";
import {
  COMMAND,
  parseError as error,
  MAX_REASON_LENGTH,
  MAX_TEXT_LENGTH,
  type ParseError,
  type ParseResult,
  SUBCOMMANDS,
  type Subcommand,
  type WithOrg,
} from "./syntax.ts";
import { plainFromSlack, QUOTES, type Token, tokenize, whoFrom } from "./tokens.ts";

// ---------------------------------------------------------------------------------------------------
// Durations

/**
 * `--for` as an audit duration: `30d`, `12h`, `2w`, `1w2d` (the units and limits of
 * `core/requests/duration.ts`). A bare number or `m` is refused: minutes or months? Nobody should
 * have to guess.
 */
export function parseAuditFor(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const example = `${inlineCode("12h")}, ${inlineCode("30d")} or ${inlineCode("2w")}`;
  const trimmed = text.trim();
  if (/^\d+\s*$/.test(trimmed) || /^\d+\s*(m|mo|min|mins|minutes?|months?)$/i.test(trimmed)) {
    return {
      ok: false,
      message: `Say which unit ${inlineCode(truncate(text, 30))} is in: ${example} (hours, days or weeks).`,
    };
  }
  const ms = /^0+\s*[a-z]+$/i.test(trimmed) ? 0 : parseDuration(trimmed);
  if (ms === undefined) {
    return { ok: false, message: `${inlineCode(truncate(text, 30))} is not a duration: use ${example}.` };
  }
  switch (auditForProblem(ms)) {
    case "too_short":
      return { ok: false, message: `\`--for\` must be at least ${AUDIT_FOR.minText}.` };
    case "too_long":
      return { ok: false, message: `\`--for\` can be at most ${AUDIT_FOR.maxText}.` };
    case undefined:
      return { ok: true, ms };
  }
}

// ---------------------------------------------------------------------------------------------------
// Did you mean

// Words people reach for; suggested, never run, so the table in the contract stays the only syntax.
const SYNONYMS: Readonly<Record<string, Subcommand>> = {
  audit: "add",
  request: "add",
  start: "add",
  rm: "remove",
  del: "remove",
  delete: "remove",
  stop: "remove",
  ls: "list",
  search: "find",
  lookup: "find",
  who: "find",
  history: "log",
  queue: "pending",
  health: "status",
  info: "status",
  "?": "help",
};

function suggest(word: string): Subcommand | undefined {
  const w = word.toLowerCase();
  const synonym = SYNONYMS[w];
  if (synonym) return synonym;
  if (w.length >= 2) {
    const prefixed = SUBCOMMANDS.filter((c) => c.startsWith(w));
    if (prefixed.length === 1) return prefixed[0];
  }
  let best: { kind: Subcommand; distance: number } | undefined;
  for (const kind of SUBCOMMANDS) {
    const tolerance = Math.max(1, Math.floor(kind.length / 3));
    const distance = boundedDistance(w, kind, tolerance);
    if (distance <= tolerance && (!best || distance < best.distance)) {
      best = { kind, distance };
    }
  }
  return best?.kind;
}

// ---------------------------------------------------------------------------------------------------
// The parser

const FLAG = /^(--|—|–)([A-Za-z][\w-]*)(?:=([\s\S]*))?$/;
const FLAGS = ["org", "for"] as const;
type FlagName = (typeof FLAGS)[number];

function isKnownFlag(name: string): name is FlagName {
  return (FLAGS as readonly string[]).includes(name);
}

interface Flags {
  org?: string;
  for?: string;
  /** Where the flags and their values were in the text, to cut them out of a reason. */
  spans: Array<[number, number]>;
}

function extractFlags(tokens: readonly Token[]): { flags: Flags; rest: Token[] } | ParseError {
  const flags: Flags = { spans: [] };
  const rest: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const match = token.quoted ? null : FLAG.exec(token.raw);
    if (!match) {
      rest.push(token);
      continue;
    }
    const name = (match[2] as string).toLowerCase();
    // macOS turns "--" into an em dash; treat "—org" as a flag, but "—really" stays prose.
    if (match[1] !== "--" && !isKnownFlag(name)) {
      rest.push(token);
      continue;
    }
    if (!isKnownFlag(name)) {
      return error(
        `I don't know the option ${inlineCode(truncate(token.raw, 40))}. Options are ${inlineCode("--org <name-or-id>")} and ${inlineCode("--for <duration>")}.`,
      );
    }
    if (flags[name] !== undefined) return error(`${inlineCode(`--${name}`)} is given twice: give it once.`);
    let value: string;
    let end = token.end;
    if (match[3] !== undefined) {
      value = unquote(match[3]);
    } else {
      const next = tokens[i + 1];
      if (!next || isFlagToken(next)) return error(missingValue(name));
      value = next.value;
      end = next.end;
      i++;
    }
    value = plainFromSlack(value).trim();
    if (value === "") {
      return error(missingValue(name).replace(/ needs /, " is empty: give "));
    }
    flags[name] = value;
    flags.spans.push([token.start, end]);
  }
  return { flags, rest };
}

function isFlagToken(token: Token): boolean {
  const match = token.quoted ? null : FLAG.exec(token.raw);
  return match !== null && (match[1] === "--" || isKnownFlag((match[2] as string).toLowerCase()));
}

function unquote(value: string): string {
  const first = value[0];
  const last = value[value.length - 1];
  return value.length >= 2 && first && last && QUOTES.has(first) && QUOTES.has(last)
    ? value.slice(1, -1)
    : value;
}

function missingValue(name: FlagName): string {
  return name === "org"
    ? `${inlineCode("--org")} needs an organization's name or id, e.g. ${inlineCode('--org "Contoso Ltd"')}.`
    : `${inlineCode("--for")} needs a duration, e.g. ${inlineCode("--for 30d")} (hours ${inlineCode("h")}, days ${inlineCode("d")} or weeks ${inlineCode("w")}).`;
}

/** The text between `from` and `to`, with flags cut out, as plain single-spaced text. */
function freeText(text: string, from: number, to: number, spans: ReadonlyArray<[number, number]>): string {
  let out = "";
  let at = from;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (e <= at || s >= to) continue;
    out += `${text.slice(at, Math.max(at, s))} `;
    at = Math.max(at, e);
  }
  out += text.slice(at, to);
  return plainFromSlack(out)
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
}

export function parseCommand(input: string): ParseResult {
  if (input.length > MAX_TEXT_LENGTH) {
    return error(
      `That is ${input.length} characters; keep a command under ${MAX_TEXT_LENGTH} (a reason under ${MAX_REASON_LENGTH}).`,
    );
  }
  const tokens = tokenize(input);
  if (!Array.isArray(tokens)) return tokens;
  const extracted = extractFlags(tokens);
  if ("kind" in extracted) return extracted;
  const { flags, rest } = extracted;
  const withOrg = <T extends object>(command: T): T & WithOrg =>
    flags.org === undefined ? command : { ...command, org: flags.org };

  const first = rest[0];
  if (!first) {
    if (flags.for !== undefined) return error(forOnlyOnAdd());
    return withOrg({ kind: "help" as const });
  }
  const word = first.value.toLowerCase();
  const kind = SUBCOMMANDS.find((c) => c === word);
  if (!kind) return unknownSubcommand(first);
  if (flags.for !== undefined && kind !== "add") return error(forOnlyOnAdd());
  const args = rest.slice(1);
  const afterTarget = (target: Token) => freeText(input, target.end, input.length, flags.spans);

  switch (kind) {
    case "help":
      return withOrg({ kind });
    case "list":
    case "pending":
    case "status":
    case "digest": {
      const extra = args[0];
      if (extra) {
        return error(
          `${inlineCode(kind)} takes no arguments (only ${inlineCode("--org")}), but got ${inlineCode(truncate(extra.raw, 40))}.`,
        );
      }
      return withOrg({ kind });
    }
    case "find": {
      const target = args[0];
      if (!target)
        return error(
          `${inlineCode("find")} needs something to look for, e.g. ${inlineCode(`${COMMAND} find ben`)}.`,
        );
      // Several words are one query ("find Ben Young"); quotes around any of them are not part of it.
      const query = plainFromSlack(args.map((t) => t.value).join(" "))
        .replace(/\s+/g, " ")
        .trim();
      const who = args.length === 1 ? whoFrom(target) : ({ kind: "text", value: query } as const);
      if (who.kind === "error") return who;
      return withOrg({ kind, query, who });
    }
    case "add":
    case "remove": {
      const target = args[0];
      if (!target) {
        return error(
          `${inlineCode(kind)} needs someone to ${kind === "add" ? "audit" : "stop auditing"}, e.g. ${inlineCode(`${COMMAND} ${kind} ben.young ${kind === "add" ? "legal hold #4411" : "case closed"}`)}.`,
        );
      }
      const who = whoFrom(target);
      if (who.kind === "error") return who;
      const reason = truncate(afterTarget(target), MAX_REASON_LENGTH);
      if (kind === "remove") return withOrg(reason ? { kind, who, reason } : { kind, who });
      const command: { kind: "add"; who: Who; reason?: string; auditFor?: number } = { kind, who };
      if (reason) command.reason = reason;
      if (flags.for !== undefined) {
        const duration = parseAuditFor(flags.for);
        if (!duration.ok) return error(duration.message);
        command.auditFor = duration.ms;
      }
      return withOrg(command);
    }
    case "cancel": {
      const number = /^#?(\d{1,9})$/.exec(args[0]?.value ?? "");
      if (!number?.[1] || args.length > 1 || Number(number[1]) < 1) {
        return error(
          `${inlineCode("cancel")} takes the number of a request, the ${inlineCode("#12")} in its message: ${inlineCode(`${COMMAND} cancel 12`)}.`,
        );
      }
      return withOrg({ kind, requestId: Number(number[1]) });
    }
    case "log": {
      const target = args[0];
      if (!target) return withOrg({ kind });
      if (args.length > 1) {
        return error(
          `${inlineCode("log")} takes one user or group. Put a display name in quotes: ${inlineCode(`${COMMAND} log "Ben Young"`)}.`,
        );
      }
      const who = whoFrom(target);
      if (who.kind === "error") return who;
      return withOrg({ kind, who });
    }
  }
}

function forOnlyOnAdd(): string {
  return `${inlineCode("--for")} only goes with ${inlineCode("add")}: it sets when an audit ends, e.g. ${inlineCode(`${COMMAND} add ben.young --for 30d`)}.`;
}

function unknownSubcommand(token: Token): ParseError {
  const shown = inlineCode(truncate(plainFromSlack(token.raw), 40));
  const who = whoFrom(token);
  if (who.kind === "email" || who.kind === "member" || who.kind === "quoted") {
    return error(
      `Start with what to do with ${shown}: ${inlineCode(`${COMMAND} add …`)}, ${inlineCode(`${COMMAND} remove …`)}, ${inlineCode(`${COMMAND} find …`)} or ${inlineCode(`${COMMAND} log …`)}.`,
    );
  }
  const guess = suggest(token.value);
  const list = SUBCOMMANDS.map((c) => inlineCode(c)).join(", ");
  return error(
    guess
      ? `I don't know the command ${shown}. Did you mean ${inlineCode(`${COMMAND} ${guess}`)}? (${inlineCode(`${COMMAND} help`)} lists them all.)`
      : `I don't know the command ${shown}. Commands: ${list}.`,
  );
}
