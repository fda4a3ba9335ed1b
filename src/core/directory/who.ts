/**
 * From what a person typed (`Who`) to what the directory looks up (`Lookup`): a mentioned member
 * becomes their profile e-mail, read through the `MemberProfiles` port.
 */
import type { Logger } from "../../logger.ts";
import type { MemberProblem } from "../answers.ts";
import type { Lookup, Who } from "../vocabulary.ts";
import type { MemberProfiles } from "./ports.ts";

export async function lookupOf(
  who: Who,
  profiles: MemberProfiles,
  logger: Logger,
): Promise<{ ok: true; lookup: Lookup } | { ok: false; problem: MemberProblem }> {
  if (who.kind !== "member") return { ok: true, lookup: who };
  let email: string | undefined;
  try {
    email = await profiles.emailOf(who.userId);
  } catch (err) {
    logger.warn("could not read a member's profile e-mail", { userId: who.userId, error: err });
    return { ok: false, problem: { kind: "profile_unavailable", userId: who.userId } };
  }
  if (email === undefined)
    return { ok: false, problem: { kind: "member_without_email", userId: who.userId } };
  return { ok: true, lookup: { kind: "memberEmail", value: email } };
}
