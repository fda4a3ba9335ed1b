/**
 * The playground's Slack workspace: five people of vBridge, each with a profile e-mail that is a
 * Microsoft 365 user in the simulator, in the roles the walk needs, and the channels the bot posts
 * to. Ben Young is a member too (people mention him), but nobody acts as him.
 */
import type { Person } from "../devslack/playground/index.ts";
import type { WorkspaceChannel, WorkspaceUser } from "../devslack/types.ts";

export const CHANNELS = {
  approvals: { id: "C0APPROVALS", name: "approvals" },
  digest: { id: "C0AUDITDIGEST", name: "audit-digest" },
  alerts: { id: "C0AUDITALERTS", name: "audit-alerts" },
  general: { id: "C0GENERAL", name: "general" },
} as const satisfies Record<string, WorkspaceChannel>;

export const REQUESTER: Person = {
  id: "U0PRIYA",
  name: "priya",
  realName: "Priya Patel",
  email: "priya.patel@vbridge.co.nz",
  role: "requester",
};
export const APPROVER: Person = {
  id: "U0AROHA",
  name: "aroha",
  realName: "Aroha Ngata",
  email: "aroha.ngata@vbridge.co.nz",
  role: "approver",
};
export const SECOND_APPROVER: Person = {
  id: "U0LIAM",
  name: "liam",
  realName: "Liam Chen",
  email: "liam.chen@vbridge.co.nz",
  role: "approver",
};
export const VIEWER: Person = {
  id: "U0TOM",
  name: "tom",
  realName: "Tom Baker",
  email: "tom.baker@vbridge.co.nz",
  role: "viewer",
};
export const BYSTANDER: Person = {
  id: "U0SARAH",
  name: "sarah",
  realName: "Sarah Young",
  email: "sarah.young@vbridge.co.nz",
  role: "none of these",
};

export const PERSONS: Person[] = [REQUESTER, APPROVER, SECOND_APPROVER, VIEWER, BYSTANDER];

export const MEMBERS: WorkspaceUser[] = [
  { id: "U0BEN", name: "ben", realName: "Ben Young", email: "ben.young@vbridge.co.nz" },
];

/** The bot's Slack settings in the playground; everything else comes from the environment. */
export function workspaceSettings(): Record<string, string> {
  return {
    APPROVALS_CHANNEL_ID: CHANNELS.approvals.id,
    DIGEST_CHANNEL_ID: CHANNELS.digest.id,
    ALERTS_CHANNEL_ID: CHANNELS.alerts.id,
    APPROVER_USER_IDS: [APPROVER.id, SECOND_APPROVER.id].join(","),
    APPROVER_USERGROUP_ID: "",
    // Who may see audit state besides the approvers: Tom; Sarah, the bystander, is told only viewers may.
    VIEWER_USER_IDS: VIEWER.id,
    VIEWER_USERGROUP_ID: "",
  };
}
