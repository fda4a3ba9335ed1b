import type { FindOutcome } from "../../../core/queries/queries.ts";
import { plural } from "../../../core/vocabulary.ts";
import { inlineCode, type OutgoingMessage, section } from "../kit.ts";
import { literal } from "../text.ts";

import { candidateLine, linesReply, problemReply, simpleReply } from "./common.ts";

export function findReply(outcome: FindOutcome): OutgoingMessage {
  switch (outcome.kind) {
    case "found": {
      const org = literal(outcome.organization.name);
      if (outcome.matches.length === 0) {
        return simpleReply(`:mag: Nothing in *${org}* matches ${inlineCode(outcome.query)}.`);
      }
      const exact = outcome.matches.filter((m) => m.match !== "fuzzy");
      const heading =
        exact.length === 0
          ? `:mag: Nothing in *${org}* matches ${inlineCode(outcome.query)} exactly; the closest names:`
          : `:mag: ${plural(outcome.total, "match", "matches")} for ${inlineCode(outcome.query)} in *${org}*:`;
      // Who is audited is shown to viewers only; everyone else sees the directory alone.
      const lines = outcome.matches.map((m) => {
        if (!outcome.marked) return candidateLine(m);
        const audited =
          m.audited === undefined ? "audit state unknown" : m.audited ? ":eye: *audited*" : "not audited";
        return `${candidateLine(m)} · ${audited}`;
      });
      const more = outcome.total - outcome.matches.length;
      if (more > 0) lines.push(`…and ${more} more: a fuller name narrows the list.`);
      if (outcome.marked && outcome.matches.some((m) => m.audited === undefined)) {
        lines.push("_VB365's audit items could not be read just now._");
      }
      return linesReply(
        `Matches for ${outcome.query} in ${outcome.organization.name}`,
        [section(heading)],
        lines,
      );
    }
    default:
      return problemReply(outcome);
  }
}
