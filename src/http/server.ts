/**
 * The bot's one HTTP server, in both modes: `GET /healthz` (alive), `GET /readyz` (database open
 * and VB365's last call fine), and in HTTP mode `POST /slack/events` for Bolt. Before Bolt sees a
 * Slack request, one whose `X-Slack-Request-Timestamp` is missing or more than five minutes away
 * in EITHER direction is refused with 401 and its body is not read: Bolt refuses only old ones, and
 * a future timestamp would let a captured request be replayed later. So is one without a `v0=`
 * signature (Bolt would let an unsigned `ssl_check` through). Bolt then checks the signature
 * itself (401 when wrong).
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Clock } from "../clock.ts";
import type { Readiness } from "../core/queries/queries.ts";
import type { Logger } from "../logger.ts";
import { SIGNATURE_TOLERANCE_SECONDS } from "../slack/signing.ts";

export const SLACK_EVENTS_PATH = "/slack/events";

export interface HttpServerDeps {
  port: number;
  /** Listen address; default all interfaces. */
  host?: string | undefined;
  clock: Clock;
  logger: Logger;
  readiness(): Readiness | Promise<Readiness>;
  /** HTTP mode only: Bolt's receiver. */
  slackEvents?: RequestListener | undefined;
}

export interface HttpServer {
  start(): Promise<{ port: number }>;
  /** Stops taking connections and waits up to `graceMs` for requests in flight, then cuts the rest. */
  stop(graceMs?: number): Promise<void>;
}

export type TimestampCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "future" };

/** Pure: whether a Slack request's timestamp is present and within five minutes of `now`, either way. */
export function checkSlackTimestamp(header: string | string[] | undefined, now: Date): TimestampCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return { ok: false, reason: "missing" };
  if (!/^\d{1,12}$/.test(value.trim())) return { ok: false, reason: "malformed" };
  const skew = Number(value) - Math.floor(now.getTime() / 1000);
  if (skew < -SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: "stale" };
  if (skew > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: "future" };
  return { ok: true };
}

export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const log = deps.logger.child({ component: "http" });
  const sockets = new Set<Socket>();
  let stopping = false;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const method = (req.method ?? "GET").toUpperCase();

    if (path === "/healthz" && (method === "GET" || method === "HEAD")) {
      json(res, 200, { ok: true });
      return;
    }
    if (path === "/readyz" && (method === "GET" || method === "HEAD")) {
      const answer = (readiness: Readiness) =>
        json(res, readiness.ready ? 200 : 503, readiness.ready ? { ready: true } : readiness);
      if (stopping) {
        answer({ ready: false, reason: "the bot is shutting down" });
        return;
      }
      Promise.resolve(deps.readiness()).then(answer, (err: unknown) => {
        log.error("the readiness check failed", { error: err });
        answer({ ready: false, reason: "the readiness check failed" });
      });
      return;
    }
    if (path === SLACK_EVENTS_PATH && deps.slackEvents) {
      if (method !== "POST") {
        res.writeHead(405, { allow: "POST" }).end();
        return;
      }
      const signature = req.headers["x-slack-signature"];
      const check =
        typeof signature === "string" && signature.startsWith("v0=")
          ? checkSlackTimestamp(req.headers["x-slack-request-timestamp"], deps.clock.now())
          : ({ ok: false, reason: "missing signature" } as const);
      if (!check.ok) {
        log.warn("refused a Slack request: no signature, or a timestamp not within five minutes", {
          reason: check.reason,
        });
        // Nothing of the body is read or processed; the connection is not reused.
        res.writeHead(401, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        res.end("invalid request signature or timestamp");
        req.resume();
        return;
      }
      deps.slackEvents(req, res);
      return;
    }
    json(res, 404, { error: "not found" });
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      log.error("the HTTP handler failed", { error: err });
      if (!res.headersSent) json(res, 500, { error: "internal error" });
      else res.destroy();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Bolt answers a slow request itself after 3 s; anything slower than this is a stuck client.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;

  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(deps.port, deps.host, () => {
          server.off("error", reject);
          const { port } = server.address() as AddressInfo;
          log.info("http server listening", { port, host: deps.host ?? "all interfaces" });
          resolve({ port });
        });
      }),
    stop: async (graceMs = 5_000) => {
      stopping = true;
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}
