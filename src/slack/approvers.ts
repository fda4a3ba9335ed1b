/**
 * Who may approve: `APPROVER_USER_IDS` plus the members of `APPROVER_USERGROUP_ID`, read with
 * `usergroups.users.list` and cached for a few minutes (a click must not wait on Slack each time,
 * and a change to the group shows within minutes). When Slack cannot be asked, the group counts as
 * empty, which means "not an approver" for its members until it can: refusing a legitimate approver
 * for a while is safe, letting anyone approve is not. The configured ids keep working throughout.
 */
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Approvers } from "../core/requests/ports.ts";
import { callSlack, slackErrorCode } from "../errors.ts";
import type { Logger } from "../logger.ts";

export interface ApproversDeps {
  web: WebClient;
  config: Pick<Config["approvals"], "approverUserIds" | "approverUsergroupId">;
  clock: Clock;
  logger: Logger;
  /** How long the group's members are trusted; default 5 minutes. */
  cacheMs?: number;
  /** After a failure, how long before Slack is asked again; default 30 seconds. */
  retryMs?: number;
}

export function createApprovers(deps: ApproversDeps): Approvers {
  const log = deps.logger.child({ component: "approvers" });
  const configured = new Set(deps.config.approverUserIds);
  const groupId = deps.config.approverUsergroupId;
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
      log.debug("approver group read", { usergroup: id, members: members.size });
      return members;
    } catch (err) {
      // Safe side: nobody is an approver through the group until Slack answers again.
      log.error("could not read the approver user group; its members cannot approve until it can be read", {
        usergroup: id,
        error: slackErrorCode(err),
      });
      const members = new Set<string>();
      cached = { members, until: deps.clock.now().getTime() + retryMs };
      return members;
    }
  }

  function groupMembers(): Promise<ReadonlySet<string>> {
    if (groupId === undefined) return Promise.resolve(new Set());
    if (cached && cached.until > deps.clock.now().getTime()) return Promise.resolve(cached.members);
    // Concurrent clicks share one call.
    inflight ??= fetchGroup(groupId).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async isApprover(userId) {
      if (configured.has(userId)) return true;
      return (await groupMembers()).has(userId);
    },
    async members() {
      return [...new Set([...configured, ...(await groupMembers())])];
    },
  };
}
