/**
 * Replies at a response URL: 5 within 30 minutes, checked like `chat.postMessage`; they can replace
 * or delete the message a click came from. Slack answers these with plain HTTP statuses.
 */
import type { Json, MethodResult, ResponseUrlReply } from "../types.ts";
import { checkMessage } from "../validate/index.ts";
import { RESPONSE_URL_TTL_MS, RESPONSE_URL_USES, type Workspace } from "../workspace.ts";
import { blocksArg } from "./chat.ts";

const truthy = (v: unknown) => v === true || v === "true";

export function postToResponseUrl(ws: Workspace, id: string, raw: string, contentType: string): MethodResult {
  const url = `${ws.baseUrl}/response/${id}`;
  const state = ws.responseUrls.get(id);
  const refuse = (
    status: number,
    error: string,
    messages: string[] = [],
    body: unknown = raw,
  ): MethodResult => {
    ws.responseFailures.push({ url, status, error, messages, body, at: ws.now() });
    return {
      status,
      body: { ok: false, error, ...(messages.length ? { response_metadata: { messages } } : {}) },
    };
  };
  if (!state) return refuse(404, "invalid_url");
  if (ws.now().getTime() - state.issuedAt > RESPONSE_URL_TTL_MS) return refuse(404, "expired_url");
  if (state.uses >= RESPONSE_URL_USES) return refuse(404, "used_url");
  let body: Json;
  try {
    body =
      contentType === "application/x-www-form-urlencoded"
        ? (JSON.parse(new URLSearchParams(raw).get("payload") ?? "") as Json)
        : (JSON.parse(raw) as Json);
  } catch {
    return refuse(400, "invalid_payload");
  }
  if (typeof body !== "object" || body === null) return refuse(400, "invalid_payload");
  state.uses++;
  const deleteOriginal = truthy(body.delete_original);
  if (!deleteOriginal) {
    const verdict = checkMessage(body, ws.limits);
    if (!verdict.ok) return refuse(400, verdict.error, verdict.messages, body);
  }
  const replaceOriginal = truthy(body.replace_original);
  const blocks = blocksArg(body);
  const reply: ResponseUrlReply = {
    url,
    ts: ws.nextTs(),
    body,
    text: typeof body.text === "string" ? body.text : undefined,
    blocks,
    responseType: body.response_type === "in_channel" ? "in_channel" : "ephemeral",
    replaceOriginal,
    deleteOriginal,
    at: ws.now(),
    context: state.context,
    superseded: false,
  };
  const { channel, messageTs, userId, replyTs } = state.context;
  // Replacing or deleting an ephemeral reply: the old one is no longer shown.
  const earlier = replyTs ? ws.responses.find((r) => r.ts === replyTs) : undefined;
  if (earlier && (replaceOriginal || deleteOriginal)) earlier.superseded = true;
  ws.responses.push(reply);
  const original = channel && messageTs ? ws.message(channel, messageTs) : undefined;
  if (original && deleteOriginal) original.deleted = true;
  if (original && replaceOriginal && !deleteOriginal) {
    original.text = String(body.text);
    original.blocks = blocks;
    original.versions.push({ text: original.text, blocks, at: ws.now(), via: "response_url" });
  }
  ws.changed({
    kind: original ? "message" : "response",
    ...(channel ? { channel } : {}),
    ...(userId ? { userId } : {}),
  });
  return { body: { ok: true } };
}
