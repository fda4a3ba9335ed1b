/**
 * The page's own little state (who is acting, what is open, what is on screen) and the one call
 * it makes to the server for everything a person does.
 */
import type { Act, ActResult, Snapshot } from "../protocol.ts";

/** The conversation id of the App Home tab. */
export const HOME = "home";

export interface Notice {
  conversation: string;
  text: string;
}

export const page = {
  as: "",
  open: "",
  snap: undefined as Snapshot | undefined,
  /** Slack-style notes to the person ("/foo is not a valid command"), per conversation. */
  notices: [] as Notice[],
  /** What the VB365 buttons did, newest last. */
  controlLog: [] as string[],
  /** Per person and conversation, how many items they have seen there (for unread counts). */
  seen: {} as Record<string, number>,
  /** The modal on screen (id and view), so that typing is not lost to a refresh. */
  renderedModal: "",
  /** A command is being sent: keep the pane scrolled to the bottom for its answer. */
  busy: false,
};

export const $ = <T extends Element>(selector: string): T => {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`the page has no ${selector}`);
  return found;
};

export async function act(body: Act): Promise<ActResult> {
  const res = await fetch("/act", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as ActResult;
}
