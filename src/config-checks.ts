/**
 * Checks shared by the environment (config.ts, env-routing.ts) and the routing file
 * (routing-file.ts), so that a Slack id or a URL is judged the same way wherever it is written, and
 * the zod helpers the environment's variables are read with. Messages never echo a secret.
 */
import * as z from "zod";

/**
 * A Slack id: its kind's first letter, then letters and digits, upper case. Loose on length on
 * purpose: it catches a name given for an id (`#approvals`, `@boss`), and a lower-case id, which
 * Slack never sends and so would silently never match.
 */
const slackId = (first: string, kind: string, example: string, notA: string) => {
  const shape = new RegExp(`^[${first}][A-Z0-9]+$`);
  const anyCase = new RegExp(`^[${first}][A-Z0-9]+$`, "i");
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? "is required" : `must be Slack ${kind} ids such as ${example}`,
    })
    .superRefine((value, ctx) => {
      if (shape.test(value)) return;
      ctx.addIssue({
        code: "custom",
        message: anyCase.test(value)
          ? `must be upper case: Slack writes ${kind} ids as ${value.toUpperCase()}, so ${value} would never match`
          : `must be Slack ${kind} ids such as ${example}, not ${notA}`,
      });
    });
};
export const channelId = slackId("CG", "channel", "C0123ABCD", "a channel name");
export const memberId = slackId("UW", "user", "U0123ABCD", "names");
export const usergroupId = slackId("S", "user group", "S0123ABCD", "a handle");

export const httpUrl = (what: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? "is required" : `must be an http(s) URL${what}`),
    })
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return u.protocol === "http:" || u.protocol === "https:";
        } catch {
          return false;
        }
      },
      { message: `must be an http(s) URL${what}` },
    );

// The environment's variables: a blank value is unset, and each problem says what is wanted.
export const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
export const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
export const req = <T extends z.ZodType>(schema: T) =>
  z
    .preprocess(blankToUndefined, schema.optional())
    .refine((v) => v !== undefined, { message: "is required" })
    .transform((v) => v as z.output<T>);
export const bool = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z.stringbool({ error: "must be true or false" }).optional().default(fallback),
  );
/** A number variable with a default: `pattern` decides the accepted text, `check` the range. */
const numeric = (fallback: number, pattern: RegExp, patternMessage: string, check: z.ZodNumber) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .default(String(fallback))
      .pipe(z.string().regex(pattern, { message: patternMessage }).transform(Number).pipe(check)),
  );
export const int = (fallback: number, min: number, max: number) =>
  numeric(
    fallback,
    /^\d+$/,
    "must be a whole number",
    z
      .number()
      .min(min, { message: `must be at least ${min}` })
      .max(max, { message: `must be at most ${max}` }),
  );
export const hours = (fallback: number, min: number, max: number) =>
  numeric(
    fallback,
    /^\d+(\.\d+)?$/,
    "must be a number of hours",
    z
      .number()
      .min(min, { message: `must be at least ${min}` })
      .max(max, { message: `must be at most ${max}` }),
  );

/** A comma-separated list of member ids; one given twice counts once. */
export const memberIds = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(memberId))
    .transform((ids) => [...new Set(ids)]),
);

/** Whether `tz` is an IANA time zone this Node.js knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** One line per issue, with only our own messages: zod's may echo the value, which can be a secret. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "config");
    const message =
      issue.code === "custom" || issue.message.startsWith("must") || issue.message.startsWith("is")
        ? issue.message
        : "is invalid";
    return `${name}: ${message}`;
  });
}
