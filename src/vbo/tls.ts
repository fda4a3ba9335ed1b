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

/**
 * The applies' own pool (approved changes, their reads, token grants): few connections, but never
 * taken by display reads, so an approved change goes out while a burst of reads waits.
 */
export const APPLY_AGENT_DEFAULTS = { ...AGENT_DEFAULTS, connections: 4 } as const;

/** The two pools to VB365, reads and applies, trusting the server the same way. */
export interface Dispatchers {
  reads: Agent;
  applies: Agent;
  close(): Promise<void>;
}

export function createDispatchers(
  vbo: Pick<Config["vbo"], "caPem" | "caFile" | "tlsInsecure">,
  logger: Logger,
): Dispatchers {
  let connect: { rejectUnauthorized: false } | { ca: string } | undefined;
  if (vbo.tlsInsecure) {
    logger.warn(
      "VBO_TLS_INSECURE=true: the VB365 server's TLS certificate is NOT checked; anyone on the network path can read the VB365 credentials. Pin the certificate with VBO_CA_FILE instead.",
    );
    connect = { rejectUnauthorized: false };
  } else if (vbo.caPem) {
    // `ca` replaces the system store: only the pinned CA or certificate is trusted for VB365.
    logger.info("vbo tls: trusting only the pinned certificate", { caFile: vbo.caFile });
    connect = { ca: vbo.caPem };
  }
  const reads = new Agent({ ...AGENT_DEFAULTS, ...(connect ? { connect } : {}) });
  const applies = new Agent({ ...APPLY_AGENT_DEFAULTS, ...(connect ? { connect } : {}) });
  return {
    reads,
    applies,
    close: async () => {
      await Promise.all([reads.close(), applies.close()]);
    },
  };
}

/** Trust failures: the chain does not lead to a CA the bot trusts (or is not valid now). */
const UNTRUSTED_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);
const NAME_MISMATCH = "ERR_TLS_CERT_ALTNAME_INVALID";

/** Whether a connection failed on the server's certificate: no retry can cure that. */
export function isTlsFailure(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (UNTRUSTED_CODES.has(code) ||
      code === NAME_MISMATCH ||
      code === "CERT_HAS_EXPIRED" ||
      code === "CERT_NOT_YET_VALID" ||
      code.startsWith("ERR_SSL") ||
      code.startsWith("ERR_TLS"))
  );
}

/**
 * What is wrong with the server's certificate, in words an operator can act on. An unknown CA and a
 * name that does not match `VBO_URL` are different problems with different fixes; for a mismatch,
 * the names the certificate does carry are shown (they are public: any client sees them).
 */
export function describeTlsFailure(code: string, err: unknown): string {
  if (code === NAME_MISMATCH) {
    const { host, names } = certificateNames(err);
    const carried = names.length > 0 ? names.join(", ") : "no names";
    return (
      `the server's TLS certificate is for ${carried}, not ${host ?? "the host in VBO_URL"} (${code}); ` +
      "use one of those names in VBO_URL, or give the server a certificate for the name you use"
    );
  }
  if (code === "CERT_HAS_EXPIRED") return `the server's TLS certificate has expired (${code})`;
  if (code === "CERT_NOT_YET_VALID") return `the server's TLS certificate is not valid yet (${code})`;
  if (UNTRUSTED_CODES.has(code)) {
    return `the server's TLS certificate is signed by a CA the bot does not trust (${code}); pin it with VBO_CA_FILE`;
  }
  return `the TLS connection to the server failed (${code})`;
}

/** The host asked for and the DNS names / IP addresses a certificate carries, as Node reports them. */
function certificateNames(err: unknown): { host: string | undefined; names: string[] } {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const { host, cert } = e as {
      host?: unknown;
      cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } };
    };
    if (cert && typeof cert === "object") {
      const san = typeof cert.subjectaltname === "string" ? cert.subjectaltname : "";
      const names = san
        .split(",")
        .map((part) => part.trim().replace(/^(DNS|IP Address):/i, ""))
        .filter(Boolean);
      if (names.length === 0 && typeof cert.subject?.CN === "string") names.push(cert.subject.CN);
      // A certificate comes from the network: only name-shaped text is repeated, and not much of it.
      const safe = names.filter((n) => /^[A-Za-z0-9*._:-]{1,253}$/.test(n)).slice(0, 10);
      return {
        host: typeof host === "string" && /^[A-Za-z0-9._:-]{1,253}$/.test(host) ? host : undefined,
        names: safe,
      };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return { host: undefined, names: [] };
}
