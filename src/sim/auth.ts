/**
 * Tokens and the `/token` quota. Tokens are opaque random strings (not JWTs), as on VB365. Access
 * tokens expire on the simulator's clock, so a test moves time instead of waiting.
 */
import type { Clock } from "../clock.ts";
import { randomToken } from "./ids.ts";

const REFRESH_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  userName: string;
  issuedAt: Date;
  expiresAt: Date;
  lifetimeSeconds: number;
}

interface Grant {
  userName: string;
  expiresAt: number;
  refreshToken: string;
}

export class TokenStore {
  private readonly access = new Map<string, Grant>();
  private readonly refresh = new Map<string, { userName: string; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly lifetimeSeconds: number,
  ) {}

  issue(userName: string): IssuedTokens {
    this.prune();
    const now = this.clock.now().getTime();
    const accessToken = randomToken();
    const refreshToken = randomToken();
    const expiresAt = now + this.lifetimeSeconds * 1000;
    this.access.set(accessToken, { userName, expiresAt, refreshToken });
    this.refresh.set(refreshToken, { userName, expiresAt: now + REFRESH_LIFETIME_MS });
    return {
      accessToken,
      refreshToken,
      userName,
      issuedAt: new Date(now),
      expiresAt: new Date(expiresAt),
      lifetimeSeconds: this.lifetimeSeconds,
    };
  }

  isValid(accessToken: string): boolean {
    const grant = this.access.get(accessToken);
    return grant !== undefined && grant.expiresAt > this.clock.now().getTime();
  }

  /** A refresh token is good once: redeeming it returns its user and retires it. */
  redeem(refreshToken: string): string | undefined {
    const grant = this.refresh.get(refreshToken);
    if (!grant) return undefined;
    this.refresh.delete(refreshToken);
    return grant.expiresAt > this.clock.now().getTime() ? grant.userName : undefined;
  }

  /** Log out: the access token and its refresh token stop working. */
  revoke(accessToken: string): void {
    const grant = this.access.get(accessToken);
    if (!grant) return;
    this.access.delete(accessToken);
    this.refresh.delete(grant.refreshToken);
  }

  expireAll(): void {
    for (const grant of this.access.values()) grant.expiresAt = Number.NEGATIVE_INFINITY;
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [token, grant] of this.access) if (grant.expiresAt <= now) this.access.delete(token);
    for (const [token, grant] of this.refresh) if (grant.expiresAt <= now) this.refresh.delete(token);
  }
}

export interface RateLimits {
  perSecond: number;
  perMinute: number;
  perHour: number;
}

export const DEFAULT_TOKEN_RATE_LIMIT: RateLimits = { perSecond: 1, perMinute: 5, perHour: 1500 };

/**
 * Sliding windows over the requests let through. It runs on real monotonic time, not the test
 * clock: a client honouring Retry-After must get through even when a test has frozen the clock.
 */
export class RateLimiter {
  private readonly accepted: number[] = [];

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request from the quota, or tells how many seconds until one is free. */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    while (this.accepted.length > 0 && (this.accepted[0] ?? 0) <= now - 3_600_000) this.accepted.shift();
    const windows: Array<[number, number]> = [
      [1000, this.limits.perSecond],
      [60_000, this.limits.perMinute],
      [3_600_000, this.limits.perHour],
    ];
    let waitMs = 0;
    for (const [span, limit] of windows) {
      const inWindow = this.accepted.filter((t) => t > now - span);
      if (inWindow.length >= limit) {
        // Free again when the oldest request that still counts leaves the window.
        const oldest = inWindow[inWindow.length - limit] ?? now;
        waitMs = Math.max(waitMs, oldest + span - now);
      }
    }
    if (waitMs > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    this.accepted.push(now);
    return { ok: true };
  }
}
