/**
 * The fake Slack of the tests: the product's stand-in (src/devslack) plus Socket Mode, which stays
 * here because it needs `ws`, a dev dependency the product must not load. `apps.connections.open`
 * (app token) hands out a single-use WebSocket URL on the same 127.0.0.1 server.
 */
import { createDevSlack, type DevSlack, type DevSlackOptions } from "../../src/devslack/index.ts";
import { createSocketModeServer, type FakeSocketMode, type SocketModeServer } from "./slack-socket-mode.ts";

export type { EnvelopeInput, FakeSocketMode, SocketAck } from "./slack-socket-mode.ts";

export interface FakeSlackOptions extends Omit<DevSlackOptions, "methods" | "extraRoutes" | "port"> {
  socketPingIntervalMs?: number;
}

export interface FakeSlack extends DevSlack {
  readonly socket: FakeSocketMode;
}

export async function createFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  let socket: SocketModeServer | undefined;
  const { socketPingIntervalMs, ...standIn } = options;
  const slack = await createDevSlack({
    ...standIn,
    methods: () => ({
      "apps.connections.open": {
        token: "app",
        run: () =>
          socket
            ? { body: { ok: true, url: socket.issueUrl() } }
            : { body: { ok: false, error: "internal_error" } },
      },
    }),
  });
  const sockets = createSocketModeServer({
    server: slack.server,
    host: () => new URL(slack.url).host,
    appId: slack.appId,
    pingIntervalMs: socketPingIntervalMs ?? 10_000,
  });
  socket = sockets;
  const closeStandIn = slack.close;
  let closing: Promise<void> | undefined;
  // Socket Mode first: a proper close handshake, then the HTTP server it rides on.
  return Object.assign(slack, {
    socket: sockets.api,
    close: () => {
      closing ??= sockets.close().then(closeStandIn);
      return closing;
    },
  });
}
