/**
 * The people, channels and principals the tests' stories are about, defined once: who asks, who
 * approves, who is neither, where requests and digests go, and Ben Young, whom everyone audits.
 */
import type { PrincipalRef } from "../../src/core/vocabulary.ts";
import { SEED } from "../../src/sim/types.ts";

export const REQUESTER = "U0REQUESTER";
export const BOSS = "U0BOSS";
export const DEPUTY = "U0DEPUTY";
export const STRANGER = "U0STRANGER";
/** May see audit state without approving (VIEWER_USER_IDS). */
export const VIEWER = "U0VIEWER";
/** Who asks in the stories told against the whole bot. */
export const RITA = "U0RITA";
/** Ben Young's own Slack account. */
export const BEN_SLACK = "U0BEN";

export const APPROVALS = "C0APPROVALS";
export const DIGEST = "C0DIGEST";
export const ALERTS = "C0ALERTS";
/** Where people type their commands. */
export const COMMANDS_CHANNEL = "C0GENERAL";

/** The people of the stories told against the whole bot, as Slack members with their vBridge addresses. */
export const VBRIDGE_MEMBERS = [
  { id: RITA, name: "rita", email: "rita@vbridge.co.nz" },
  { id: BOSS, name: "boss", email: "boss@vbridge.co.nz" },
  { id: DEPUTY, name: "deputy", email: "deputy@vbridge.co.nz" },
  { id: STRANGER, name: "stranger", email: "stranger@vbridge.co.nz" },
  { id: VIEWER, name: "vera", email: "vera@vbridge.co.nz" },
  // His address cased otherwise than his UPN, as people write it.
  { id: BEN_SLACK, name: "ben", realName: "Ben Young", email: "Ben.Young@vbridge.co.nz" },
];

/** The simulator's main organization (vBridge). */
/** The seeded organization, on the simple case's one server. */
export const ORG = { ...SEED.organization, server: "default" };

export const BEN: PrincipalRef = {
  type: "User",
  id: SEED.benYoung.id,
  name: SEED.benYoung.name,
  displayName: SEED.benYoung.displayName,
};
