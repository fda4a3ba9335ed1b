/**
 * `<!date^…>` as Slack shows it: in the viewer's time zone, with Slack's tokens ({date_num},
 * {date}, {date_short}, {date_long}, their `_pretty` forms that say Today, Yesterday or Tomorrow,
 * {time}, {time_secs}). Pure: the zone and today's date can be given, as the tests do.
 */

export interface DateOptions {
  /** IANA zone; the browser's own when omitted. */
  timeZone?: string;
  /** What "today" is; now when omitted. */
  now?: Date;
}

const ordinal = (day: number) => {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${["th", "st", "nd", "rd"][day % 10] ?? "th"}`;
};

function parts(date: Date, timeZone: string | undefined): Record<string, string> {
  const format = new Intl.DateTimeFormat("en-US", {
    ...(timeZone ? { timeZone } : {}),
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "long",
    hour: "numeric",
    minute: "2-digit",
    second: "2-digit",
    hour12: true,
  });
  const out: Record<string, string> = {};
  for (const p of format.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** The calendar day of `date` in the zone, as a number of days, for Today / Yesterday. */
function dayNumber(date: Date, timeZone: string | undefined): number {
  const p = parts(date, timeZone);
  return Date.UTC(Number(p.year), new Date(`${p.month} 1, 2000`).getMonth(), Number(p.day)) / 86_400_000;
}

export function slackDate(seconds: number, format: string, options: DateOptions = {}): string {
  const date = new Date(seconds * 1000);
  const { timeZone } = options;
  const p = parts(date, timeZone);
  const month = p.month ?? "";
  const day = Number(p.day);
  const monthNumber = String(new Date(`${month} 1, 2000`).getMonth() + 1).padStart(2, "0");
  const plain: Record<string, string> = {
    date_num: `${p.year}-${monthNumber}-${String(day).padStart(2, "0")}`,
    date: `${month} ${ordinal(day)}, ${p.year}`,
    date_short: `${month.slice(0, 3)} ${day}, ${p.year}`,
    date_long: `${p.weekday}, ${month} ${ordinal(day)}, ${p.year}`,
    time: `${p.hour}:${p.minute} ${p.dayPeriod}`,
    time_secs: `${p.hour}:${p.minute}:${p.second} ${p.dayPeriod}`,
  };
  const offset = dayNumber(date, timeZone) - dayNumber(options.now ?? new Date(), timeZone);
  const relative =
    offset === 0 ? "Today" : offset === -1 ? "Yesterday" : offset === 1 ? "Tomorrow" : undefined;
  return format.replace(/\{(\w+)\}/g, (whole, token: string) => {
    const pretty = /^(date(?:_short|_long)?)_pretty$/.exec(token);
    if (pretty) return relative ?? plain[pretty[1] as string] ?? whole;
    return plain[token] ?? whole;
  });
}
