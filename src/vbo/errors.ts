/**
 * The one error type the VB365 client throws. It carries what a caller needs to decide and what an
 * operator needs to read, and never a server stack trace, HTML page or credential.
 */
export type VboErrorKind =
  /** The server answered with a non-2xx status. */
  | "http"
  /** No answer: refused, reset, DNS, TLS. */
  | "network"
  /** The call took longer than its timeout. */
  | "timeout"
  /** A 2xx answer whose body does not fit the spec. */
  | "invalid_response"
  /** A POST failed ambiguously and reading back showed it did not apply. */
  | "not_applied";

export interface VboErrorInit {
  kind: VboErrorKind;
  operation: string;
  message: string;
  status?: number | undefined;
  errorCode?: string | undefined;
  cause?: unknown;
}

export class VboError extends Error {
  override readonly name = "VboError";
  readonly kind: VboErrorKind;
  readonly operation: string;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;

  constructor(init: VboErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.errorCode = init.errorCode;
  }

  /** Worth trying again later: the server was unreachable, slow, overloaded or failing. */
  get transient(): boolean {
    if (this.kind === "network" || this.kind === "timeout") return true;
    return this.kind === "http" && this.status !== undefined && (this.status === 429 || this.status >= 500);
  }

  /** One line fit for a Slack user: what failed, never how the server failed internally. */
  describe(): string {
    const where = `VB365 ${this.operation}`;
    switch (this.kind) {
      case "network":
        return `${where}: VB365 is unreachable (${this.message})`;
      case "timeout":
        return `${where}: VB365 did not answer in time`;
      case "invalid_response":
        return `${where}: VB365 sent an answer the bot does not understand`;
      case "not_applied":
        return `${where}: the change did not reach VB365`;
      default:
        return `${where} failed (HTTP ${this.status ?? "?"}${this.errorCode ? `, ${this.errorCode}` : ""}): ${this.message}`;
    }
  }
}

export const isVboError = (err: unknown): err is VboError => err instanceof VboError;
