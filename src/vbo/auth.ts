/**
 * The access token, obtained once and shared. VB365 throttles `/token` (about 1 a second, 5 a
 * minute), so the token is cached, refreshed a little before it expires, and every caller that needs
 * a new one at the same moment waits on the same single request.
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import { isVboError } from "./errors.ts";
import { type ApiVersion, TokenResponse } from "./schemas.ts";
import { decode, failure, isSuccess, type Transport } from "./transport.ts";

export interface TokenManagerOptions {
  transport: Transport;
  /** The API version, probed or configured: `/token` lives under it. */
  version: () => Promise<ApiVersion>;
  urlFor: (version: ApiVersion, path: string) => URL;
  username: string;
  password: string;
  clock: Clock;
  logger: Logger;
  /** Refresh this long before expiry (at most half the token's lifetime). */
  refreshMarginSeconds: number;
}

interface Token {
  access: string;
  refresh: string;
  /** Epoch ms after which the token is renewed before use. */
  renewAt: number;
}

/**
 * v7+: without `disable_antiforgery_token` the server pairs the tokens with a browser cookie and
 * refuses a refresh that comes without it; both grants must say so, or every refresh fails and
 * falls back to a password login that `/token`'s throttling soon refuses.
 */
const antiforgeryOptOut = (version: ApiVersion): Record<string, string> =>
  version === "v6" ? {} : { disable_antiforgery_token: "true" };

export class TokenManager {
  readonly #o: TokenManagerOptions;
  #token: Token | undefined;
  #pending: Promise<Token> | undefined;

  constructor(options: TokenManagerOptions) {
    this.#o = options;
  }

  /** A usable access token: the cached one, or a renewed one when it is close to expiry. */
  async accessToken(): Promise<string> {
    const t = this.#token;
    if (t && this.#now() < t.renewAt) return t.access;
    return (await this.#renew()).access;
  }

  /**
   * A new access token after the server refused `rejected` with 401. Callers that saw the same
   * rejection share one renewal; one that arrives after it finished gets its result.
   */
  async renewAfterRejection(rejected: string): Promise<string> {
    const t = this.#token;
    if (t && t.access !== rejected && this.#now() < t.renewAt) return t.access;
    if (t && t.access === rejected) t.renewAt = Number.NEGATIVE_INFINITY;
    return (await this.#renew()).access;
  }

  /** The current token strings, so error messages can be scrubbed of them. */
  secrets(): string[] {
    return this.#token ? [this.#token.access, this.#token.refresh] : [];
  }

  #now(): number {
    return this.#o.clock.now().getTime();
  }

  #renew(): Promise<Token> {
    this.#pending ??= this.#obtain().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #obtain(): Promise<Token> {
    const version = await this.#o.version();
    const previous = this.#token;
    if (previous) {
      try {
        return this.#keep(
          await this.#grant(version, "refreshToken", {
            grant_type: "refresh_token",
            refresh_token: previous.refresh,
            ...antiforgeryOptOut(version),
          }),
        );
      } catch (err) {
        // A refused or garbled refresh means log in again; an unreachable or throttling server
        // would refuse the password grant just the same, so that error stands.
        const refused =
          isVboError(err) &&
          (err.kind === "invalid_response" ||
            (err.kind === "http" && err.status !== undefined && err.status >= 400 && err.status < 429));
        if (!refused) throw err;
        this.#token = undefined;
        this.#o.logger.info("vbo token refresh refused; logging in again", { status: err.status });
      }
    }
    const token = this.#keep(
      await this.#grant(version, "login", {
        grant_type: "password",
        username: this.#o.username,
        password: this.#o.password,
        ...antiforgeryOptOut(version),
      }),
    );
    this.#o.logger.info("vbo logged in", { version, user: this.#o.username });
    return token;
  }

  async #grant(version: ApiVersion, operation: string, form: Record<string, string>): Promise<TokenResponse> {
    const reply = await this.#o.transport.send({
      operation,
      method: "POST",
      url: this.#o.urlFor(version, "/token"),
      headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
      // A grant changes nothing on the server, so a throttled or dropped one may be sent again.
      retryable: true,
    });
    if (!isSuccess(reply.status)) {
      throw failure(reply, operation, [this.#o.password, ...this.secrets(), form.refresh_token ?? ""]);
    }
    return decode(reply, TokenResponse, operation);
  }

  #keep(response: TokenResponse): Token {
    const lifetimeMs = Math.max(0, response.expires_in) * 1000;
    const marginMs = Math.min(this.#o.refreshMarginSeconds * 1000, lifetimeMs / 2);
    const token = {
      access: response.access_token,
      refresh: response.refresh_token,
      renewAt: this.#now() + lifetimeMs - marginMs,
    };
    this.#token = token;
    return token;
  }
}
