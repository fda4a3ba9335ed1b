/**
 * The playground's HTTP routes, mounted on the stand-in's loopback server beside the Web API:
 * the page and its files, `GET /state?as=<user>` (what that person sees), `GET /events` (server-sent
 * events: something changed, fetch the state again) and `POST /act` (a person does something).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import * as z from "zod";
import { readBody } from "../server.ts";
import type { Workspace } from "../workspace.ts";
import { type ActContext, perform } from "./actions.ts";
import { CONTENT_SECURITY_POLICY, createScriptBundler, pageHtml, stylesheet } from "./assets.ts";
import type { Act } from "./protocol.ts";
import { type PlaygroundSetup, snapshotFor } from "./snapshot.ts";

/** An act is a few short strings; anything bigger is not from the page. */
const MAX_ACT_BYTES = 64 * 1024;
/** Keeps idle event streams open through proxies and tells the page the server is alive. */
const HEARTBEAT_MS = 20_000;

const id = z.string().min(1).max(255);
const clickTarget = z.union([
  z.object({ message: z.object({ channel: id, ts: id }) }),
  z.object({ reply: id }),
  z.object({ home: z.literal(true) }),
  z.object({ view: id }),
]);
const actSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("command"), as: id, channel: id, text: z.string().max(4000) }),
  z.object({
    kind: z.literal("click"),
    as: id,
    actionId: id,
    value: z.string().max(2000).optional(),
    selectedValue: z.string().max(2000).optional(),
    on: clickTarget,
  }),
  z.object({ kind: z.literal("submit"), as: id, viewId: id, values: z.record(id, z.string().max(3000)) }),
  z.object({ kind: z.literal("close"), as: id, viewId: id }),
  z.object({ kind: z.literal("home"), as: id }),
  z.object({ kind: z.literal("control"), as: id, id }),
]);

export interface PlaygroundRoutesOptions {
  ws: Workspace;
  setup: PlaygroundSetup;
  /** The current context: the bot's link appears once it has started. */
  context(): ActContext;
}

export function playgroundRoutes(options: PlaygroundRoutesOptions) {
  const { ws, setup } = options;
  const script = createScriptBundler();
  const isPerson = (userId: string | null) => setup.persons.some((p) => p.id === userId);

  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /":
        reply(res, 200, "text/html", pageHtml(`${setup.workspace}: vbo-audit playground`));
        return true;
      case "GET /app.css":
        stylesheet().then(
          (css) => reply(res, 200, "text/css", css),
          (err: unknown) => reply(res, 500, "text/plain", `the stylesheet cannot be read: ${String(err)}`),
        );
        return true;
      case "GET /app.js":
        script().then(
          (js) => reply(res, 200, "text/javascript", js),
          (err: unknown) => reply(res, 500, "text/plain", `the page script does not build: ${String(err)}`),
        );
        return true;
      case "GET /state": {
        // No person named (the page's first visit): the first one.
        const as = url.searchParams.get("as") ?? setup.persons[0]?.id ?? null;
        if (!isPerson(as)) {
          json(res, 400, { error: `as must be one of ${setup.persons.map((p) => p.id).join(", ")}` });
          return true;
        }
        json(res, 200, snapshotFor(ws, setup, as as string, options.context().link !== undefined));
        return true;
      }
      case "GET /events":
        streamChanges(ws, req, res);
        return true;
      case "POST /act":
        readAct(req)
          .then(async (act) => {
            if (typeof act === "string") return json(res, 400, { ok: false, notice: act });
            if (!isPerson(act.as))
              return json(res, 400, { ok: false, notice: `${act.as} is not a person here` });
            json(res, 200, await perform(options.context(), act));
          })
          .catch((err: unknown) =>
            json(res, 500, { ok: false, notice: `the playground failed: ${String(err)}` }),
          );
        return true;
      default:
        return false;
    }
  };
}

/** The act in the body, or why it is not one. */
async function readAct(req: IncomingMessage): Promise<Act | string> {
  const raw = await readBody(req, MAX_ACT_BYTES);
  if (raw === undefined) return "the request is too large";
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return "the request is not JSON";
  }
  const parsed = actSchema.safeParse(body);
  return parsed.success ? (parsed.data as Act) : `not an act: ${z.prettifyError(parsed.error)}`;
}

function streamChanges(ws: Workspace, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
  });
  res.write("retry: 1000\n\n");
  const stop = ws.onChange((change) => res.write(`data: ${JSON.stringify(change)}\n\n`));
  const heartbeat = setInterval(() => res.write(": still here\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  req.on("close", () => {
    stop();
    clearInterval(heartbeat);
  });
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  reply(res, status, "application/json", JSON.stringify(body));
}
