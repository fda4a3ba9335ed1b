/**
 * Durations as people type them for time-bound audits (`--for 30d`): a whole number and a unit,
 * several parts allowed (`1w2d`, `1d 12h`). Months and years are left out on purpose: their length
 * varies, and an audit's end should not be a guess.
 */

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  wk: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** The longest duration read at all (about ten years): beyond it a number is more likely a typo. */
export const MAX_DURATION_MS = 3650 * 86_400_000;

/**
 * How long a time-bound audit may last: the one rule, which the command parser asks about and
 * `submit` enforces. The texts say the same limits in words.
 */
export const AUDIT_FOR = {
  minMs: 3_600_000,
  maxMs: 365 * 86_400_000,
  minText: "1 hour",
  maxText: "365 days",
} as const;

/** Why `ms` cannot be a time-bound audit's length; undefined when it can. */
export function auditForProblem(ms: number): "too_short" | "too_long" | undefined {
  if (!Number.isFinite(ms) || ms < AUDIT_FOR.minMs) return "too_short";
  if (ms > AUDIT_FOR.maxMs) return "too_long";
  return undefined;
}

/** `30d` → 2592000000; undefined for anything that is not a positive duration in known units. */
export function parseDuration(text: string): number | undefined {
  const input = text.trim().toLowerCase();
  if (input === "") return undefined;
  // A sticky regex per call: its lastIndex is state, which must not live at module level.
  const part = /(\d+)\s*([a-z]+)/y;
  let total = 0;
  let index = 0;
  while (index < input.length) {
    part.lastIndex = index;
    const match = part.exec(input);
    if (!match?.[1] || !match[2]) return undefined;
    const unit = UNIT_MS[match[2]];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    index = part.lastIndex;
    while (input[index] === " ") index++;
  }
  return total > 0 && total <= MAX_DURATION_MS ? total : undefined;
}

/** 2592000000 → `30d`; 129600000 → `1d 12h`. Whole minutes; shorter remainders are dropped. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(ms / 60_000));
  for (const [unit, minutes] of [
    ["w", 10_080],
    ["d", 1_440],
    ["h", 60],
    ["m", 1],
  ] as const) {
    const n = Math.floor(rest / minutes);
    // Weeks only when exact: "30d" reads better than "4w 2d".
    if (n > 0 && (unit !== "w" || rest % minutes === 0)) {
      parts.push(`${n}${unit}`);
      rest -= n * minutes;
    }
  }
  return parts.length > 0 ? parts.join(" ") : "0m";
}
