/**
 * Who may approve, and who may see audit state: the core's `Approvers` and `Viewers` ports, each a
 * set of configured ids plus a user group's members (members.ts: cached, and empty while Slack
 * cannot be asked). Whether approvers see audit state too is the core's rule (core/visibility.ts).
 */
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Approvers } from "../core/requests/ports.ts";
import type { Viewers } from "../core/visibility.ts";
import type { Logger } from "../logger.ts";
import { createMemberSet } from "./members.ts";

interface RoleDeps {
  web: WebClient;
  clock: Clock;
  logger: Logger;
  /** How long a user group's members are trusted; default 5 minutes. */
  cacheMs?: number;
  /** After a failure, how long before Slack is asked again; default 30 seconds. */
  retryMs?: number;
}

export function createApprovers(
  deps: RoleDeps & { config: Pick<Config["approvals"], "approverUserIds" | "approverUsergroupId"> },
): Approvers {
  const set = createMemberSet({
    ...deps,
    role: "approver",
    userIds: deps.config.approverUserIds,
    usergroupId: deps.config.approverUsergroupId,
  });
  return { isApprover: (userId) => set.has(userId), members: () => set.all() };
}

export function createViewers(
  deps: RoleDeps & { config: Pick<Config["visibility"], "viewerUserIds" | "viewerUsergroupId"> },
): Viewers {
  const set = createMemberSet({
    ...deps,
    role: "viewer",
    userIds: deps.config.viewerUserIds,
    usergroupId: deps.config.viewerUsergroupId,
  });
  return { isViewer: (userId) => set.has(userId) };
}
