/**
 * `MemberProfiles` over `users.info` (scope `users:read.email`): a mentioned member's profile e-mail,
 * which is how `/vbo-audit add @ben` finds Ben's Microsoft 365 user. Answers are cached briefly, so
 * a burst of commands naming one person asks Slack once.
 */
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../clock.ts";
import type { MemberProfiles } from "../core/directory/ports.ts";
import { callSlack, slackErrorCode } from "../errors.ts";

export interface ProfilesDeps {
  web: WebClient;
  clock: Clock;
  /** Default 10 minutes. */
  cacheMs?: number;
}

export function createMemberProfiles(deps: ProfilesDeps): MemberProfiles {
  const cacheMs = deps.cacheMs ?? 10 * 60_000;
  const cache = new Map<string, { email: string | undefined; until: number }>();

  return {
    /** Undefined when the member has no e-mail on their profile; rejects when Slack cannot be asked. */
    async emailOf(userId) {
      const now = deps.clock.now().getTime();
      const hit = cache.get(userId);
      if (hit && hit.until > now) return hit.email;
      try {
        const result = await callSlack("users.info", () => deps.web.users.info({ user: userId }));
        const email = result.user?.profile?.email?.trim() || undefined;
        if (cache.size > 1_000) cache.clear();
        cache.set(userId, { email, until: now + cacheMs });
        return email;
      } catch (err) {
        // Nobody by that id: as good as a member without an e-mail. Anything else: the caller decides.
        if (slackErrorCode(err) === "user_not_found") return undefined;
        throw err;
      }
    },
  };
}
