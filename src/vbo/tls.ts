/**
 * The connection pool to VB365 and how it trusts the server. VB365 usually presents a self-signed
 * certificate: the right answer is to pin it (VBO_CA_FILE), the wrong one turning checks off, which
 * is offered only as an explicit opt-in that is logged loudly.
 */
import { Agent } from "undici";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";

/**
 * A few kept-alive connections are plenty for one bot talking to one server, and a bound keeps a
 * burst of Slack commands from opening hundreds of sockets to the backup server.
 */
export const AGENT_DEFAULTS = {
  connections: 16,
  keepAliveTimeout: 10_000,
  keepAliveMaxTimeout: 60_000,
  connectTimeout: 10_000,
} as const;

export function createDispatcher(
  vbo: Pick<Config["vbo"], "caPem" | "caFile" | "tlsInsecure">,
  logger: Logger,
): Agent {
  if (vbo.tlsInsecure) {
    logger.warn(
      "VBO_TLS_INSECURE=true: the VB365 server's TLS certificate is NOT checked; anyone on the network path can read the VB365 credentials. Pin the certificate with VBO_CA_FILE instead.",
    );
    return new Agent({ ...AGENT_DEFAULTS, connect: { rejectUnauthorized: false } });
  }
  if (vbo.caPem) {
    // `ca` replaces the system store: only the pinned CA or certificate is trusted for VB365.
    logger.info("vbo tls: trusting only the pinned certificate", { caFile: vbo.caFile });
    return new Agent({ ...AGENT_DEFAULTS, connect: { ca: vbo.caPem } });
  }
  return new Agent({ ...AGENT_DEFAULTS });
}
