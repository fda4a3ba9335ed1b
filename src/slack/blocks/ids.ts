/**
 * The identifiers that tie what the bot renders to the listeners that handle it. One place, so a
 * renamed button cannot silently stop reaching its handler. Values carry ids only: the state is
 * always read from the store.
 */
export const ACTION = {
  /** value: the request id */
  approve: "request_approve",
  /** value: the request id */
  deny: "request_deny",
  /** value: `<choice id>:<candidate index>` */
  pick: "candidate_pick",
  /** a static select whose option values are `<choice id>:<candidate index>` */
  pickSelect: "candidate_pick_select",
} as const;

export const VIEW = {
  /** private_metadata: the request id */
  deny: "request_deny_modal",
} as const;

/** The deny modal's reason input. */
export const DENY_REASON = { blockId: "deny_reason", actionId: "reason" } as const;

/** The request id in a button value or a modal's private_metadata; undefined when it is not one. */
export function requestIdFrom(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** `<choice id>:<index>` → its parts; undefined when malformed. */
export function pickFrom(value: string | undefined): { choiceId: string; index: number } | undefined {
  const match = value === undefined ? null : /^([A-Za-z0-9_-]{8,64}):(\d{1,3})$/.exec(value);
  if (!match?.[1] || match[2] === undefined) return undefined;
  return { choiceId: match[1], index: Number(match[2]) };
}

export function pickValue(choiceId: string, index: number): string {
  return `${choiceId}:${index}`;
}
