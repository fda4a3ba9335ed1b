import type { ListOutcome } from "../../../core/queries/queries.ts";
import { plural } from "../../../core/vocabulary.ts";
import type { PrincipalRef } from "../../../vbo/schemas.ts";
import { principalMrkdwn } from "../format.ts";
import { type OutgoingMessage, section } from "../kit.ts";
import { literal } from "../text.ts";

import { linesReply, problemReply, simpleReply, viewersOnlyLine } from "./common.ts";

export function listReply(outcome: ListOutcome): OutgoingMessage {
  if (outcome.kind === "viewers_only") return simpleReply(viewersOnlyLine("who is audited"));
  if (outcome.kind !== "audited") return problemReply(outcome);
  const org = literal(outcome.organization.name);
  const summary = `${plural(outcome.users.length, "user")} and ${plural(outcome.groups.length, "group")}`;
  if (outcome.users.length + outcome.groups.length === 0) {
    return simpleReply(`Nobody is audited in *${org}*: VB365 has no audit items there.`);
  }
  const line = (p: PrincipalRef) => `• ${principalMrkdwn(p)}`;
  const lines = [
    ...(outcome.users.length > 0 ? [`*Users (${outcome.users.length})*`, ...outcome.users.map(line)] : []),
    ...(outcome.groups.length > 0
      ? [`*Groups (${outcome.groups.length})*`, ...outcome.groups.map(line)]
      : []),
  ];
  return linesReply(
    `Audited in ${outcome.organization.name}: ${summary}`,
    [section(`:eye: *Audited in ${org}*, read from VB365 now: ${summary}.`)],
    lines,
  );
}
