/**
 * The bot's one HTTP server, in both modes: `GET /healthz` (alive), `GET /readyz` (database open
 * and VB365's last call fine, else a generic reason), and in HTTP mode `POST /slack/events` for
 * Bolt. The server checks every Slack request itself (src/slack/signing.ts, the one owner of the
 * rule) before Bolt sees it: a body declared over 64 KiB gets 413 before anything else (Slack's own
 * payloads are far smaller); without a `v0=` signature, or with an `X-Slack-Request-Timestamp`
 * missing or more than five minutes away in EITHER direction, it is refused with 401 before its
 * body is read (Bolt refuses only old ones, and lets an unsigned `ssl_check` through); then the body
 * is read, up to 64 KiB (413 the moment a body sent without a length passes it), and the signature
 * checked (401 when wrong). Bolt gets the verified body and does not read the stream again.
 *
 * The server itself is bounded too: a number of connections, and timeouts for a request's headers
 * and for the whole request, so slow or idle clients cannot hold it.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Clock } from "../clock.ts";
import type { Readiness } from "../core/queries/health.ts";
import type { Logger } from "../logger.ts";
import { checkSlackTimestamp, type SignatureCheck, verifySlackSignature } from "../slack/signing.ts";

export const SLACK_EVENTS_PATH = "/slack/events";

/** The bounds of the server; the defaults suit Slack's traffic to one bot. */
export interface HttpLimits {
  /** The largest Slack request body read: Slack's payloads stay far below it. */
  maxBodyBytes: number;
  /** Connections open at once; more are closed as they come. */
  maxConnections: number;
  /** How long a client may take to send a request's headers. */
  headersTimeoutMs: number;
  /** How long a client may take to send a whole request. */
  requestTimeoutMs: number;
}

export const HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: 64 * 1024,
  maxConnections: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

export interface HttpServerDeps {
  port: number;
  /** Listen address; default all interfaces. */
  host?: string | undefined;
  clock: Clock;
  logger: Logger;
  readiness(): Readiness | Promise<Readiness>;
  /** HTTP mode only: Bolt's receiver, and the secret its requests are signed with. */
  slack?: { events: RequestListener; signingSecret: string } | undefined;
  limits?: Partial<HttpLimits> | undefined;
}

export interface HttpServer {
  start(): Promise<{ port: number }>;
  /** Stops taking connections and waits up to `graceMs` for requests in flight, then cuts the rest. */
  stop(graceMs?: number): Promise<void>;
}

/** The body as sent, or undefined when it is larger than `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const log = deps.logger.child({ component: "http" });
  const limits: HttpLimits = { ...HTTP_LIMITS, ...deps.limits };
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
      const answer = (readiness: Readiness) => json(res, readiness.ready ? 200 : 503, readiness);
      if (stopping) {
        answer({ ready: false, reason: "shutting_down" });
        return;
      }
      Promise.resolve(deps.readiness()).then(answer, (err: unknown) => {
        log.error("the readiness check failed", { error: err });
        answer({ ready: false, reason: "check_failed" });
      });
      return;
    }
    if (path === SLACK_EVENTS_PATH && deps.slack) {
      if (method !== "POST") {
        res.writeHead(405, { allow: "POST" }).end();
        return;
      }
      handleSlack(deps.slack, req, res);
      return;
    }
    json(res, 404, { error: "not found" });
  };

  const refuse = (res: ServerResponse, status: 401 | 413, reason: string) => {
    log.warn("refused a Slack request", { reason });
    // The connection is not reused: whatever of the body was not read stays unread.
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", connection: "close" });
    res.end(status === 413 ? "request body too large" : "invalid request signature or timestamp");
  };

  const handleSlack = (
    slack: NonNullable<HttpServerDeps["slack"]>,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      refuse(res, 413, "too_large");
      return;
    }
    const signature = req.headers["x-slack-signature"];
    const timestamp = req.headers["x-slack-request-timestamp"];
    const early: SignatureCheck =
      typeof signature === "string" && signature.startsWith("v0=")
        ? checkSlackTimestamp(timestamp, deps.clock.now())
        : { ok: false, reason: "missing" };
    if (!early.ok) {
      refuse(res, 401, early.reason);
      req.resume();
      return;
    }
    readBody(req, limits.maxBodyBytes).then(
      (body) => {
        if (body === undefined) return refuse(res, 413, "too_large");
        const check = verifySlackSignature({
          signingSecret: slack.signingSecret,
          timestamp: typeof timestamp === "string" ? timestamp : undefined,
          signature: typeof signature === "string" ? signature : undefined,
          rawBody: body,
          now: deps.clock.now(),
        });
        if (!check.ok) return refuse(res, 401, check.reason);
        // Bolt's receiver takes a body already read from here instead of reading the stream.
        Object.assign(req, { rawBody: body });
        slack.events(req, res);
      },
      (err: unknown) => {
        log.warn("reading a Slack request failed", { error: err });
        if (!res.headersSent) res.writeHead(400).end();
      },
    );
  };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often those timeouts are checked; Node's default (30 s) would let them run long.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, limits.headersTimeoutMs / 4)),
    },
    (req, res) => {
      try {
        handle(req, res);
      } catch (err) {
        log.error("the HTTP handler failed", { error: err });
        if (!res.headersSent) json(res, 500, { error: "internal error" });
        else res.destroy();
      }
    },
  );
  server.maxConnections = limits.maxConnections;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // A flood of connections is one warning a minute, with how many were refused since the last one.
  let dropped = 0;
  let droppedLoggedAt = Number.NEGATIVE_INFINITY;
  server.on("drop", () => {
    dropped++;
    const now = deps.clock.now().getTime();
    if (now - droppedLoggedAt < 60_000) return;
    log.warn("refused connections: too many open", { refused: dropped, max: limits.maxConnections });
    droppedLoggedAt = now;
    dropped = 0;
  });

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
