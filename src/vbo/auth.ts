/**
 * The access token, obtained once and shared. VB365 throttles `/token` (about 1 a second, 5 a
 * minute), so the token is cached, refreshed a little before it expires, and every caller that needs
 * a new one at the same moment waits on the same single request.
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import { isVboError, VboError } from "./errors.ts";
import { type ApiVersion, TokenResponse } from "./schemas.ts";
import { decode, failure, isSuccess, type Transport } from "./transport.ts";

export interface TokenManagerOptions {
  transport: Transport;
  urlFor: (version: ApiVersion, path: string) => URL;
  username: string;
  password: string;
  clock: Clock;
  logger: Logger;
  /** Refresh this long before expiry (at most half the token's lifetime). */
  refreshMarginSeconds: number;
}

interface Token {
  /** The API version whose `/token` issued it. */
  version: ApiVersion;
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
  readonly #pending = new Map<ApiVersion, Promise<Token>>();

  constructor(options: TokenManagerOptions) {
    this.#o = options;
  }

  /**
   * A usable access token for `version` (`/token` lives under it): the cached one, or a renewed one
   * when it is close to expiry or was issued under another version.
   */
  async accessToken(version: ApiVersion): Promise<string> {
    const t = this.#token;
    if (t && t.version === version && this.#now() < t.renewAt) return t.access;
    return (await this.#renew(version)).access;
  }

  /**
   * A new access token after the server refused `rejected` with 401. Callers that saw the same
   * rejection share one renewal; one that arrives after it finished gets its result.
   */
  async renewAfterRejection(rejected: string, version: ApiVersion): Promise<string> {
    const t = this.#token;
    if (t && t.version === version && t.access !== rejected && this.#now() < t.renewAt) return t.access;
    if (t && t.access === rejected) t.renewAt = Number.NEGATIVE_INFINITY;
    return (await this.#renew(version)).access;
  }

  /** The current token strings, so error messages can be scrubbed of them. */
  secrets(): string[] {
    return this.#token ? [this.#token.access, this.#token.refresh] : [];
  }

  #now(): number {
    return this.#o.clock.now().getTime();
  }

  #renew(version: ApiVersion): Promise<Token> {
    let pending = this.#pending.get(version);
    if (!pending) {
      pending = this.#obtain(version).finally(() => this.#pending.delete(version));
      this.#pending.set(version, pending);
    }
    return pending;
  }

  async #obtain(version: ApiVersion): Promise<Token> {
    const previous = this.#token;
    if (previous && previous.version === version) {
      try {
        return this.#keep(
          version,
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
      version,
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
      // Every call waits on a token: a queue of reads must not hold its grant up.
      lane: "applies",
    });
    if (!isSuccess(reply.status)) {
      const refused = failure(reply, operation, [
        this.#o.password,
        ...this.secrets(),
        form.refresh_token ?? "",
      ]);
      if (operation === "login" && reply.status === 403) throw operatorOnly(refused);
      throw refused;
    }
    return decode(reply, TokenResponse, operation);
  }

  #keep(version: ApiVersion, response: TokenResponse): Token {
    const lifetimeMs = Math.max(0, response.expires_in) * 1000;
    const marginMs = Math.min(this.#o.refreshMarginSeconds * 1000, lifetimeMs / 2);
    const token = {
      version,
      access: response.access_token,
      refresh: response.refresh_token,
      renewAt: this.#now() + lifetimeMs - marginMs,
    };
    this.#token = token;
    return token;
  }
}

/**
 * A password grant refused with 403: the server answers, knows the route, and lets no
 * administrator in. That is what a REST API set to restore operator authentication only does
 * (Set-VBORestAPISettings -EnableOperatorAuthenticationOnly): only Restore Portal operators, who
 * sign in through Microsoft, get tokens.
 */
function operatorOnly(refused: VboError): VboError {
  return new VboError({
    kind: "http",
    operation: refused.operation,
    status: 403,
    errorCode: refused.errorCode,
    message:
      "VB365 refuses administrator logins: its REST API is set to restore operator authentication only " +
      "(Set-VBORestAPISettings -EnableOperatorAuthenticationOnly), or this account may not use the REST API",
  });
}
