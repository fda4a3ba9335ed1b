/**
 * Socket Mode on the fake Slack (test-only: it needs `ws`): `apps.connections.open` hands out a
 * single-use `ws://` URL on the same 127.0.0.1 server; a client that connects gets Slack's `hello`,
 * then whatever envelopes the test sends, and must acknowledge each with `{ envelope_id, payload? }`.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

export interface EnvelopeInput {
  type: EnvelopeType;
  payload: unknown;
  /** Generated when omitted. */
  envelope_id?: string;
  /** Defaults to Slack's: true for slash commands and interactions, false for events. */
  accepts_response_payload?: boolean;
  /** Events API redeliveries carry these. */
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

export interface FakeSocketMode {
  /** Resolves once a client has connected and been sent `hello`. */
  readonly connected: Promise<void>;
  /** Open connections right now. */
  readonly connections: number;
  /** Every acknowledgement received, in order. */
  readonly acks: SocketAck[];
  /** Delivers an envelope to the newest connection and resolves with that client's ack. */
  send(envelope: EnvelopeInput, options?: { timeoutMs?: number }): Promise<SocketAck>;
  /** Asks clients to reconnect, as Slack does before it recycles a connection. */
  requestReconnect(): void;
}

export interface SocketModeServer {
  api: FakeSocketMode;
  /** A fresh single-use URL, as `apps.connections.open` returns. */
  issueUrl(): string;
  close(): Promise<void>;
}

interface Pending {
  resolve(ack: SocketAck): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export function createSocketModeServer(options: {
  server: Server;
  host: () => string;
  appId: string;
  pingIntervalMs: number;
}): SocketModeServer {
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Set<string>();
  const open: WebSocket[] = [];
  const acks: SocketAck[] = [];
  const pending = new Map<string, Pending>();
  let markConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    markConnected = resolve;
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (url.pathname !== "/link/" || !tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  };
  options.server.on("upgrade", onUpgrade);

  function accept(ws: WebSocket) {
    open.push(ws);
    // Slack pings; the Socket Mode client gives up on a server that stays silent for 30 s.
    const ping = setInterval(() => ws.ping(), options.pingIntervalMs);
    ping.unref();
    ws.on("close", () => {
      clearInterval(ping);
      open.splice(open.indexOf(ws), 1);
    });
    ws.on("message", (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof message !== "object" || message === null) return;
      const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
      if (typeof envelopeId !== "string") return;
      const ack: SocketAck =
        payload === undefined ? { envelope_id: envelopeId } : { envelope_id: envelopeId, payload };
      acks.push(ack);
      const waiter = pending.get(envelopeId);
      if (waiter) {
        pending.delete(envelopeId);
        clearTimeout(waiter.timer);
        waiter.resolve(ack);
      }
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: open.length,
        debug_info: { host: "fake-slack", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: options.appId },
      }),
    );
    markConnected();
  }

  const api: FakeSocketMode = {
    connected,
    get connections() {
      return open.length;
    },
    acks,
    send(envelope, sendOptions = {}) {
      const ws = open.at(-1);
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        return Promise.reject(new Error("fake Slack: no Socket Mode client is connected"));
      }
      const envelopeId = envelope.envelope_id ?? randomUUID();
      const message = {
        envelope_id: envelopeId,
        type: envelope.type,
        payload: envelope.payload,
        accepts_response_payload: envelope.accepts_response_payload ?? envelope.type !== "events_api",
        ...(envelope.retry_attempt === undefined ? {} : { retry_attempt: envelope.retry_attempt }),
        ...(envelope.retry_reason === undefined ? {} : { retry_reason: envelope.retry_reason }),
      };
      const timeoutMs = sendOptions.timeoutMs ?? 10_000;
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelopeId);
          reject(
            new Error(
              `fake Slack: envelope ${envelopeId} (${envelope.type}) was not acknowledged within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        pending.set(envelopeId, { resolve, reject, timer });
        ws.send(JSON.stringify(message));
      });
    },
    requestReconnect() {
      for (const ws of open) {
        ws.send(
          JSON.stringify({
            type: "disconnect",
            reason: "refresh_requested",
            debug_info: { host: "fake-slack" },
          }),
        );
      }
    },
  };

  return {
    api,
    issueUrl() {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `ws://${options.host()}/link/?ticket=${ticket}&app_id=${options.appId}`;
    },
    async close() {
      options.server.off("upgrade", onUpgrade);
      for (const [id, waiter] of pending) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`fake Slack closed before envelope ${id} was acknowledged`));
      }
      pending.clear();
      // A proper close handshake: cutting the TCP connection instead leaves a 30-second timer behind
      // in the Socket Mode client (its close-handshake timeout), which keeps a test process alive.
      await Promise.all(
        [...open].map(
          (ws) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => ws.terminate(), 1_000);
              ws.once("close", () => {
                clearTimeout(timer);
                resolve();
              });
              ws.close(1001, "fake Slack is closing");
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
