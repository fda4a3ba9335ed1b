/**
 * Wall-clock time in an IANA time zone (`DIGEST_TIMEZONE`), for period keys and for what people read
 * in the digest and alerts. Formatters are cached per zone in a map the caller owns (no module
 * state); `Intl.DateTimeFormat` is slow to build and fast to use.
 */

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** Reads dates as wall-clock parts in one time zone. */
export class ZonedTime {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
    });
  }

  parts(date: Date): LocalParts {
    const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
    for (const p of this.#format.formatToParts(date)) {
      if (
        p.type === "year" ||
        p.type === "month" ||
        p.type === "day" ||
        p.type === "hour" ||
        p.type === "minute"
      ) {
        out[p.type] = Number(p.value);
      }
    }
    return out;
  }

  /** `2026-11-25` */
  dateKey(date: Date): string {
    const p = this.parts(date);
    return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  }

  /** `2026-11-25T09:00`: a minute as the zone's clocks show it. */
  minuteKey(date: Date): string {
    const p = this.parts(date);
    return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
  }

  /** `09:42` */
  clock(date: Date): string {
    const p = this.parts(date);
    return `${pad(p.hour)}:${pad(p.minute)}`;
  }

  /** `11 Mar 2025` */
  day(date: Date): string {
    const p = this.parts(date);
    return `${p.day} ${MONTHS[p.month - 1] ?? "?"} ${p.year}`;
  }

  /** `11 Mar 2025 09:42` */
  dateTime(date: Date): string {
    return `${this.day(date)} ${this.clock(date)}`;
  }

  /** `UTC`, or the zone's IANA name, so a reader knows which clock the times are on. */
  get label(): string {
    return this.timeZone === "UTC" || this.timeZone === "Etc/UTC" ? "UTC" : this.timeZone;
  }

  /** `11 Mar 2025 09:42–09:44 UTC`, with the end's date too when the range crosses a day. */
  range(from: Date, to: Date): string {
    if (to.getTime() < from.getTime()) return this.range(to, from);
    const sameDay = this.dateKey(from) === this.dateKey(to);
    const end = sameDay ? this.clock(to) : this.dateTime(to);
    const span =
      this.minuteKey(from) === this.minuteKey(to) ? this.clock(from) : `${this.clock(from)}–${end}`;
    return `${this.day(from)} ${span} ${this.label}`;
  }
}

/** "3 h", "2 d 4 h", "25 min": an age as people say it. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`;
}
