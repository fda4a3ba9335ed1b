/**
 * Sends what a member did to the bot the way Slack does: a POST to its `/slack/events`, signed with
 * its signing secret at the current time, so the bot's real verification and listeners handle it.
 */
import { formBody, interactionBody, signSlackRequest } from "../signing.ts";

/** Where the bot listens and the secret it checks signatures with; known once it has started. */
export interface AppLink {
  eventsUrl: string;
  signingSecret: string;
}

export interface Delivery {
  status: number;
  /** The HTTP answer's body: Slack shows a non-empty one (an ack with a message, a modal's errors). */
  body: string;
}

/** Bolt answers within 3 s or gives up; a little more covers a busy machine. */
const DELIVERY_TIMEOUT_MS = 10_000;

export type Envelope =
  | { kind: "command"; fields: Record<string, string> }
  | { kind: "interaction"; payload: unknown }
  | { kind: "event"; body: unknown };

export function encode(envelope: Envelope): string {
  if (envelope.kind === "command") return formBody(envelope.fields);
  if (envelope.kind === "interaction") return interactionBody(envelope.payload);
  return JSON.stringify(envelope.body);
}

export async function deliver(link: AppLink, envelope: Envelope): Promise<Delivery> {
  const body = encode(envelope);
  const headers = signSlackRequest(link.signingSecret, body, Date.now() / 1000);
  const res = await fetch(link.eventsUrl, {
    method: "POST",
    headers,
    body,
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  return { status: res.status, body: await res.text() };
}
