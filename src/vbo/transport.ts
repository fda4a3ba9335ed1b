/**
 * One HTTP exchange with VB365, and what to make of its answer: a per-attempt timeout that cancels
 * the request, bounded retries with backoff for what is safe to repeat, and the mapping of every
 * failure to a `VboError` whose message is safe to show (no server stack trace, HTML or secret).
 */
import { STATUS_CODES } from "node:http";
import { performance } from "node:perf_hooks";
import { type Dispatcher, request } from "undici";
import type * as z from "zod";
import type { Clock, Sleep } from "../clock.ts";
import { type Logger, scrubText } from "../logger.ts";
import { VboError } from "./errors.ts";
import { ExceptionInfo } from "./schemas.ts";
import { describeTlsFailure, isTlsFailure } from "./tls.ts";

export interface Exchange {
  /** Names the call in logs and errors, e.g. "listAuditItems". */
  operation: string;
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Safe to send again after a transient failure: GETs and token grants, never a change. */
  retryable: boolean;
  /** Overrides the transport's timeout, for long polls. */
  timeoutMs?: number;
  /** The caller's deadline: aborts the attempt in flight and any wait before the next one. */
  signal?: AbortSignal | undefined;
  /** Which connections carry it: `applies` are kept free of display reads (see `TransportOptions`). */
  lane?: Lane;
}

/** The two connection pools: reads, and what an approved change needs (its reads, its POST, tokens). */
export type Lane = "reads" | "applies";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the call fails with the 429/503 instead. */
  maxRetryAfterMs: number;
}

export interface TransportOptions {
  dispatcher: Dispatcher;
  /**
   * The pool of the `applies` lane: a burst of reads (Home tabs opened at once) fills `dispatcher`'s
   * connections and queues behind them, and must not hold up an approved change. Default: `dispatcher`.
   */
  applyDispatcher?: Dispatcher;
  logger: Logger;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Aborted when the client closes: cancels requests in flight and waits between retries. */
  closed: AbortSignal;
  /** Values that must never appear in an error message (password, current tokens). */
  secrets: () => readonly string[];
}

export interface Transport {
  /** Sends `exchange`, retrying when allowed; resolves with any HTTP answer, rejects with a `VboError` when there was none. */
  send(exchange: Exchange): Promise<Reply>;
}

/** Statuses worth repeating a GET for: throttled, or a gateway / server that is briefly unwell. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export const isSuccess = (status: number) => status >= 200 && status < 300;

export function createTransport(options: TransportOptions): Transport {
  const { logger, retry } = options;
  // Failures that another attempt cannot cure: an untrusted certificate stays untrusted.
  const permanent = new WeakSet<VboError>();

  const once = async (ex: Exchange): Promise<Reply> => {
    const timeoutMs = ex.timeoutMs ?? options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, options.closed, ...(ex.signal ? [ex.signal] : [])]);
    try {
      const res = await request(ex.url, {
        method: ex.method,
        headers: ex.headers,
        body: ex.body ?? null,
        dispatcher:
          ex.lane === "applies" ? (options.applyDispatcher ?? options.dispatcher) : options.dispatcher,
        signal,
      });
      // Read the body under the same signal: a server that stalls mid-body times out too.
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      if (timeout.aborted) {
        throw new VboError({
          kind: "timeout",
          operation: ex.operation,
          message: `no answer within ${timeoutMs} ms`,
        });
      }
      if (ex.signal?.aborted) throw outOfTime(ex.operation);
      if (options.closed.aborted) {
        throw new VboError({ kind: "network", operation: ex.operation, message: "the client was closed" });
      }
      const failed = new VboError({ kind: "network", operation: ex.operation, message: networkMessage(err) });
      if (isTlsTrustFailure(err)) permanent.add(failed);
      throw failed;
    }
  };

  /** How long to wait before another attempt, or undefined when this outcome is final. */
  const delayBefore = (outcome: Reply | VboError, attempt: number): number | undefined => {
    if (outcome instanceof VboError) {
      // A timeout is not repeated: the server is slow, and asking again multiplies the wait.
      return outcome.kind === "network" && !permanent.has(outcome) ? backoff(attempt) : undefined;
    }
    if (!RETRYABLE_STATUS.has(outcome.status)) return undefined;
    const asked = retryAfterMs(outcome.headers["retry-after"], options.clock.now());
    if (asked === undefined) return backoff(attempt);
    return asked <= retry.maxRetryAfterMs ? asked : undefined;
  };

  // Exponential backoff with full jitter, so that many callers do not return in step.
  const backoff = (attempt: number) =>
    Math.floor(options.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));

  return {
    async send(ex) {
      const route = ex.url.pathname;
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        let outcome: Reply | VboError;
        try {
          outcome = await once(ex);
        } catch (err) {
          if (!(err instanceof VboError)) throw err;
          outcome = err;
        }
        const durationMs = Math.round(performance.now() - started);
        const delayMs =
          ex.retryable && attempt <= retry.maxRetries ? delayBefore(outcome, attempt) : undefined;
        // A call that ends in no answer or a server-side failure is worth a warning at any log
        // level; the rest (and attempts about to be retried, warned below) is detail.
        const failedForGood =
          delayMs === undefined &&
          (outcome instanceof VboError || outcome.status >= 500 || outcome.status === 429);
        const fields = {
          operation: ex.operation,
          method: ex.method,
          route,
          ...(outcome instanceof VboError
            ? { error: outcome.kind, reason: outcome.message }
            : { status: outcome.status }),
          attempt,
        };
        logger[failedForGood ? "warn" : "debug"]("vbo call", { ...fields, durationMs });

        if (delayMs === undefined) {
          if (outcome instanceof VboError) throw outcome;
          return outcome;
        }
        logger.warn("vbo call failed; retrying", { ...fields, delayMs });
        try {
          await options.sleep(delayMs, AbortSignal.any([options.closed, ...(ex.signal ? [ex.signal] : [])]));
        } catch {
          if (ex.signal?.aborted) throw outOfTime(ex.operation);
          throw new VboError({ kind: "network", operation: ex.operation, message: "the client was closed" });
        }
      }
    },
  };
}

/** The caller's deadline passed (its signal fired) before VB365 answered. */
export function outOfTime(operation: string): VboError {
  return new VboError({
    kind: "timeout",
    operation,
    message: "the work's time ran out before VB365 answered",
  });
}

/**
 * The longest one exchange can take: every attempt timing out, and the longest wait between
 * attempts (a `Retry-After` up to its cap, or the backoff's cap) before each retry.
 */
export function worstExchangeMs(timeoutMs: number, retry: RetryPolicy, retryable: boolean): number {
  const retries = retryable ? retry.maxRetries : 0;
  return (retries + 1) * timeoutMs + retries * Math.max(retry.maxRetryAfterMs, retry.maxDelayMs);
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined, now: Date): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "the connection was dropped",
  EPIPE: "the connection was dropped",
  UND_ERR_SOCKET: "the connection was dropped",
  UND_ERR_CLOSED: "the connection was dropped",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "the server stopped answering",
  UND_ERR_BODY_TIMEOUT: "the server stopped answering",
};

/** A short, fixed description of a network failure: from its code, never from free text. */
export function networkMessage(err: unknown): string {
  const code = errorCode(err);
  if (code === undefined) return "network error";
  if (isTlsFailure(code)) return describeTlsFailure(code, err);
  return `${NETWORK_TEXT[code] ?? "network error"} (${code})`;
}

const isTlsTrustFailure = (err: unknown): boolean => isTlsFailure(errorCode(err));

function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The JSON body of a 2xx answer, checked against `schema`. */
export function decode<S extends z.ZodType>(reply: Reply, schema: S, operation: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(reply.text);
  } catch {
    throw new VboError({
      kind: "invalid_response",
      operation,
      status: reply.status,
      message: `the answer is not JSON (${mediaType(reply)})`,
    });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  // Paths and issue codes only: zod's own messages may quote the values received.
  const where = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(body)"}: ${i.code}`)
    .join("; ");
  throw new VboError({
    kind: "invalid_response",
    operation,
    status: reply.status,
    message: `the answer does not fit the API (${where})`,
  });
}

/** A non-2xx answer as a `VboError`: the server's message and error code, never its stack trace or HTML. */
export function failure(reply: Reply, operation: string, secrets: readonly string[] = []): VboError {
  let message: string | undefined;
  let errorCode: string | undefined;
  try {
    const json: unknown = JSON.parse(reply.text);
    const info = ExceptionInfo.safeParse(json);
    if (info.success) {
      message = info.data.message ?? undefined;
      errorCode = info.data.errorCode ?? undefined;
    }
    // OAuth-style errors from /token.
    if (message === undefined && json && typeof json === "object") {
      const o = json as { error?: unknown; error_description?: unknown };
      if (typeof o.error_description === "string") message = o.error_description;
      else if (typeof o.error === "string") message = o.error;
    }
  } catch {
    // Not JSON (an HTML page from a proxy, say): only the status is worth repeating.
  }
  const safe = message === undefined ? undefined : safeText(message, secrets);
  return new VboError({
    kind: "http",
    operation,
    status: reply.status,
    errorCode: errorCode && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(errorCode) ? errorCode : undefined,
    message: safe || STATUS_CODES[reply.status] || "error",
  });
}

/** First line of a server message, without markup, bounded, with secrets removed. */
function safeText(text: string, secrets: readonly string[]): string {
  if (/<\s*(html|body|head|!doctype)/i.test(text)) return "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const line = (text.split(/\r?\n/)[0] ?? "").replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  const bounded = line.length > 300 ? `${line.slice(0, 297)}...` : line;
  return scrubText(
    bounded,
    secrets.filter((s) => s.length > 0),
  );
}

function mediaType(reply: Reply): string {
  const ct = reply.headers["content-type"];
  const v = (Array.isArray(ct) ? ct[0] : ct)?.split(";")[0]?.trim();
  return v && /^[\w.+-]+\/[\w.+-]+$/.test(v) && v.length <= 60 ? v : "no content type";
}
