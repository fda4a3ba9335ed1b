/** Talking to the simulator over real HTTP, as a client would, with nothing but fetch. */
import type { RunningSimulator } from "../../src/sim/server.ts";
import type { ApiVersion } from "../../src/vbo/schemas.ts";

export interface Reply {
  status: number;
  headers: Headers;
  contentType: string | null;
  text: string;
  /** The body as JSON; throws when it is not. */
  json<T = unknown>(): T;
}

export interface CallOptions {
  token?: string;
  /** Sent as JSON unless it is a string or URLSearchParams. */
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(
  sim: { url: string },
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | URLSearchParams | undefined;
  if (typeof options.body === "string" || options.body instanceof URLSearchParams) body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${sim.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    contentType: res.headers.get("content-type"),
    text,
    json: () => JSON.parse(text),
  };
}

export async function login(sim: RunningSimulator, version: ApiVersion = "v8"): Promise<string> {
  const reply = await call(sim, "POST", `/${version}/token`, {
    body: new URLSearchParams({ grant_type: "password", username: sim.username, password: sim.password }),
  });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.text}`);
  return reply.json<{ access_token: string }>().access_token;
}

/** A session on one version: GET/POST/PUT with a token. */
export async function session(sim: RunningSimulator, version: ApiVersion = "v8") {
  const token = await login(sim, version);
  const at = (path: string) => `/${version}/${path.replace(/^\//, "")}`;
  return {
    token,
    get: (path: string) => call(sim, "GET", at(path), { token }),
    post: (path: string, body?: unknown) => call(sim, "POST", at(path), { token, body }),
    put: (path: string, body?: unknown) => call(sim, "PUT", at(path), { token, body }),
  };
}

export const orgPath = (orgId: string, rest = "") => `Organizations/${orgId}${rest}`;
