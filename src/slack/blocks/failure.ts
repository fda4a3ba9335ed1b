/**
 * What a person is told when the bot failed while handling what they did (listeners/guard.ts):
 * what happened, what that means for what they asked, and a short reference that ties the answer
 * to the one log line about it. Nothing of the error itself is shown: it may hold what only the
 * logs should.
 */
import type { HomeView } from "@slack/types";
import type { FailureKind } from "../../errors.ts";
import { fallbackFromMrkdwn } from "./format.ts";
import { inlineCode, type OutgoingMessage, section } from "./kit.ts";
import { homeView } from "./surfaces.ts";

/** What happened, and what it means for what the person asked: one sentence each, plain text. */
const WORDS: Record<FailureKind, { what: string; meaning: string }> = {
  database: {
    what: "The bot's database failed",
    meaning: "so this was not recorded: each change is kept whole or not at all. Try again in a moment",
  },
  vbo: {
    what: "VB365 could not be reached",
    meaning: "so nothing was changed there or recorded here. Try again in a few minutes",
  },
  slack: {
    what: "Slack refused part of the bot's work",
    meaning: "so what you asked may or may not have been done: look at the request before trying again",
  },
  unexpected: {
    what: "Something went wrong inside the bot",
    meaning:
      "so what you asked may or may not have been done: check `/vbo-audit pending` or the request before trying again",
  },
};

/** One line, plain text: for a modal's field error, which shows no formatting. */
export function failureText(kind: FailureKind, ref: string): string {
  const { what, meaning } = WORDS[kind];
  return `${what}, ${meaning.replaceAll("`", "")}. If it keeps happening, tell whoever runs the bot: ref ${ref}.`;
}

function failureMrkdwn(kind: FailureKind, ref: string): string {
  const { what, meaning } = WORDS[kind];
  const icon = kind === "vbo" || kind === "slack" ? ":warning:" : ":x:";
  return `${icon} ${what}, ${meaning}. If it keeps happening, tell whoever runs the bot and quote ${inlineCode(`ref ${ref}`)}.`;
}

/** The ephemeral answer to a command or a click that failed. */
export function failureReply(kind: FailureKind, ref: string): OutgoingMessage {
  const mrkdwn = failureMrkdwn(kind, ref);
  return { text: fallbackFromMrkdwn(mrkdwn), blocks: [section(mrkdwn)] };
}

/** The Home tab when it could not be put together: nothing was asked, so nothing changed. */
export function failureHome(kind: FailureKind, ref: string): HomeView {
  const text = `:x: ${WORDS[kind].what}, so this tab could not be shown. Open it again in a moment; if it keeps happening, tell whoever runs the bot and quote ${inlineCode(`ref ${ref}`)}.`;
  return homeView({ blocks: [section(text)] });
}
