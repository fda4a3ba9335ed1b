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

export const APPROVALS = "C0APPROVALS";
export const DIGEST = "C0DIGEST";
export const ALERTS = "C0ALERTS";

/** The simulator's main organization (vBridge). */
export const ORG = SEED.organization;

export const BEN: PrincipalRef = {
  type: "User",
  id: SEED.benYoung.id,
  name: SEED.benYoung.name,
  displayName: SEED.benYoung.displayName,
};

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
