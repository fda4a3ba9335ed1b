/**
 * A set of Slack members given as configured ids plus the members of a user group, read with
 * `usergroups.users.list` and cached for a few minutes (a click or a command must not wait on Slack
 * each time, and a change to the group shows within minutes). When Slack cannot be asked, the group
 * counts as empty until it can: leaving a rightful member out for a while is safe, letting anyone in
 * is not. The configured ids keep working throughout. Approvers and viewers are each one of these.
 */
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../clock.ts";
import { callSlack, slackErrorCode } from "../errors.ts";
import type { Logger } from "../logger.ts";

export interface MemberSetDeps {
  web: WebClient;
  /** What the members are, for the log: "approver", "viewer". */
  role: string;
  userIds: readonly string[];
  usergroupId?: string | undefined;
  clock: Clock;
  logger: Logger;
  /** How long the group's members are trusted; default 5 minutes. */
  cacheMs?: number | undefined;
  /** After a failure, how long before Slack is asked again; default 30 seconds. */
  retryMs?: number | undefined;
}

export interface MemberSet {
  has(userId: string): Promise<boolean>;
  /** Everyone in the set now: the configured ids and the group's members, once each. */
  all(): Promise<string[]>;
}

export function createMemberSet(deps: MemberSetDeps): MemberSet {
  const log = deps.logger.child({ component: `${deps.role}s` });
  const configured = new Set(deps.userIds);
  const groupId = deps.usergroupId;
  const cacheMs = deps.cacheMs ?? 5 * 60_000;
  const retryMs = deps.retryMs ?? 30_000;
  let cached: { members: ReadonlySet<string>; until: number } | undefined;
  let inflight: Promise<ReadonlySet<string>> | undefined;

  async function fetchGroup(id: string): Promise<ReadonlySet<string>> {
    try {
      const result = await callSlack("usergroups.users.list", () =>
        deps.web.usergroups.users.list({ usergroup: id }),
      );
      const members = new Set(result.users ?? []);
      cached = { members, until: deps.clock.now().getTime() + cacheMs };
      log.debug(`${deps.role} group read`, { usergroup: id, members: members.size });
      return members;
    } catch (err) {
      // Safe side: nobody is in the set through the group until Slack answers again.
      log.error(
        `could not read the ${deps.role} user group; its members are not ${deps.role}s until it can be read`,
        { usergroup: id, error: slackErrorCode(err) },
      );
      const members = new Set<string>();
      cached = { members, until: deps.clock.now().getTime() + retryMs };
      return members;
    }
  }

  function groupMembers(): Promise<ReadonlySet<string>> {
    if (groupId === undefined) return Promise.resolve(new Set());
    if (cached && cached.until > deps.clock.now().getTime()) return Promise.resolve(cached.members);
    // Concurrent checks share one call.
    inflight ??= fetchGroup(groupId).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async has(userId) {
      if (configured.has(userId)) return true;
      return (await groupMembers()).has(userId);
    },
    async all() {
      return [...new Set([...configured, ...(await groupMembers())])];
    },
  };
}
