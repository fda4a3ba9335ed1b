/**
 * Checks shared by the environment (config.ts) and the routing file (routing-file.ts), so that a
 * Slack id or a URL is judged the same way wherever it is written. Messages never echo a secret.
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
