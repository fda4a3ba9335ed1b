/**
 * The HTTP vocabulary the routes share: what a handler receives, what it returns, and the error it
 * throws. Handlers return a response value instead of writing to the socket, so the server can
 * apply a request and then drop the connection (the ambiguous failure clients must survive).
 */
import type { IncomingMessage } from "node:http";
import type { ApiVersion } from "../vbo/schemas.ts";
import type { Out } from "./render.ts";

/** v8's RESTExceptionInfo.errorCode values; v7 knows only ProxyOffline, v6 has no code. */
export type ErrorCode =
  | "ProxyOffline"
  | "OutdatedChangeToken"
  | "ResourceAccessDenied"
  | "ResourceNotFound"
  | "ParameterValidationFailure"
  | "OrganizationTransfer"
  | "RepositoryOwnerChangeTooManyLinks"
  | "Timeout"
  | "OperationConflict"
  | "HttpError";

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: ErrorCode,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): SimHttpError =>
  new SimHttpError(400, message, "ParameterValidationFailure");
export const notFound = (message: string): SimHttpError => new SimHttpError(404, message, "ResourceNotFound");

export interface SimResponse {
  status: number;
  /** JSON-serialisable value, or a raw string (sent as is, e.g. an HTML error page). */
  body?: unknown;
  headers?: Record<string, string>;
}

export const json = (body: unknown, status = 200): SimResponse => ({ status, body });
export const empty = (status: number): SimResponse => ({ status });

/** Query parameters; VB365 matches their names case-insensitively. */
export class Query {
  private readonly values = new Map<string, string>();
  constructor(search: URLSearchParams) {
    for (const [name, value] of search) {
      const key = name.toLowerCase();
      if (!this.values.has(key)) this.values.set(key, value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }
}

export interface RequestContext {
  version: ApiVersion;
  /** How answers are written: the version, and the simulator's field mode. */
  out: Out;
  method: string;
  /** Path without the query, as sent. */
  path: string;
  params: Record<string, string>;
  query: Query;
  headers: IncomingMessage["headers"];
  /** The whole request body; read once, on demand. */
  body(): Promise<Buffer>;
  /** Aborts when the client goes away or the server closes. */
  signal: AbortSignal;
}

const MAX_BODY = 16 * 1024 * 1024;

export function bodyReader(req: IncomingMessage): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => {
    pending ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          reject(new SimHttpError(413, "Request body too large."));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });
    return pending;
  };
}

/** Parses a JSON body; an empty or malformed one is a 400, as on the real server. */
export async function jsonBody(ctx: RequestContext): Promise<unknown> {
  const text = (await ctx.body()).toString("utf8").trim();
  if (text === "") throw badRequest("The request body is empty.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
