/**
 * The stand-in's HTTP server, on 127.0.0.1 only: the Web API under `/api/<method>`, response URLs
 * under `/response/<id>`, and whatever else a caller mounts (the playground's page). It never
 * listens beyond loopback: it has no authentication, and it exists for one person's machine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { postToResponseUrl } from "./methods/response-urls.ts";
import type { MethodResult, MethodTable } from "./types.ts";
import { callWebApi } from "./web-api.ts";
import type { Workspace } from "./workspace.ts";

export const LOOPBACK = "127.0.0.1";

/** Far above any call the bot makes; only stops a runaway client from filling memory. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Serves a request the standard routes do not: true when it answered (or will answer) it. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

export interface StandInServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(options: {
  ws: Workspace;
  methods: MethodTable;
  port?: number;
  extraRoutes?: ExtraRoutes;
}): Promise<StandInServer> {
  const { ws, methods } = options;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const isApi = req.method === "POST" && url.pathname.startsWith("/api/");
    const isResponse = req.method === "POST" && url.pathname.startsWith("/response/");
    if (!isApi && !isResponse) {
      if (!options.extraRoutes?.(req, res, url))
        send(res, { status: 404, body: { ok: false, error: "not_found" } });
      return;
    }
    readBody(req, MAX_BODY_BYTES)
      .then((raw) => {
        if (raw === undefined)
          return send(res, { status: 413, body: { ok: false, error: "request_too_large" } });
        const contentType = mediaType(req);
        const result = isApi
          ? callWebApi(ws, methods, {
              method: decodeURIComponent(url.pathname.slice("/api/".length)),
              authorization: req.headers.authorization,
              contentType,
              query: url.searchParams,
              raw,
            })
          : postToResponseUrl(ws, url.pathname.slice("/response/".length), raw, contentType);
        send(res, result);
      })
      .catch((error: unknown) => {
        send(res, { status: 500, body: { ok: false, error: "fatal_error", detail: String(error) } });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const url = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request's media type, lower case, without parameters ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** The body as text, or undefined once it passes `maxBytes` (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function send(res: ServerResponse, result: MethodResult): void {
  const body = JSON.stringify(result.body);
  res.writeHead(result.status ?? 200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...result.headers,
  });
  res.end(body);
}
