/**
 * Buttons and menus: Approve, Deny (opens the reason modal), and the pick among several matches.
 * Each handler acks at once, reads ids from the action (never state), makes one core call and
 * answers the clicker; the request's messages are re-rendered by the core's notifier. A failure is
 * answered by the guard (guard.ts).
 */
import type { App, BlockAction, RespondFn } from "@slack/bolt";
import { callSlack, slackErrorCode } from "../../errors.ts";
import { denyModal } from "../blocks/deny.ts";
import { ACTION, pickFrom, requestIdFrom } from "../blocks/ids.ts";
import { changeReply } from "../blocks/replies/change.ts";
import { simpleReply } from "../blocks/replies/common.ts";
import { decisionReply, denyCheckReply } from "../blocks/replies/decision.ts";
import { clicker, type ListenerDeps, publishHome, respondSafely, routeLookups, tell } from "./context.ts";
import { guardAction } from "./guard.ts";

/** The value a click carries: a button's value, or the option picked in a menu. */
function clickedValue(body: BlockAction): string | undefined {
  const action = body.actions[0];
  if (action?.type === "button") return action.value;
  if (action?.type === "static_select") return action.selected_option?.value;
  return undefined;
}

const fromHome = (body: BlockAction) => body.view?.type === "home";

export function registerActions(app: App, deps: ListenerDeps): void {
  /** A click on a request's button: acked at once, and handled only when it names a request. */
  const requestClick = (
    handle: (requestId: number, args: { body: BlockAction; respond: RespondFn }) => Promise<void>,
  ) =>
    guardAction(deps, async ({ ack, body, respond }) => {
      await ack();
      const requestId = requestIdFrom(clickedValue(body));
      if (requestId !== undefined) await handle(requestId, { body, respond });
    });

  app.action<BlockAction>(
    { type: "block_actions", action_id: ACTION.approve },
    requestClick(async (requestId, { body, respond }) => {
      const result = await deps.core.flows.act(requestId, body.user.id, { kind: "approve" });
      const reply = decisionReply(result);
      if (reply) await tell(deps, clicker(body, respond), reply);
      if (fromHome(body)) {
        await deps.core.idle();
        await publishHome(deps, body.user.id);
      }
    }),
  );

  app.action<BlockAction>(
    { type: "block_actions", action_id: ACTION.deny },
    requestClick(async (requestId, { body, respond }) => {
      // Checked before the modal opens: nobody should write a reason only to be refused.
      const check = await deps.core.flows.checkDeny(requestId, body.user.id);
      if (check.kind !== "ok") {
        await tell(deps, clicker(body, respond), denyCheckReply(check));
        return;
      }
      try {
        await callSlack("views.open", () =>
          deps.web.views.open({ trigger_id: body.trigger_id, view: denyModal(check.request) }),
        );
      } catch (err) {
        deps.logger.warn("could not open the deny modal", { requestId, error: slackErrorCode(err) });
        await tell(
          deps,
          clicker(body, respond),
          simpleReply(":warning: Slack did not open the form for a reason in time: click Deny again."),
        );
      }
    }),
  );

  const pick = guardAction(deps, async ({ ack, body, respond }) => {
    await ack();
    const parsed = pickFrom(clickedValue(body));
    if (parsed === undefined) return;
    const outcome = await deps.core.flows.pick({ ...parsed, actor: body.user.id });
    // The list is replaced by the result, unless the person should be able to pick again.
    const keep = outcome.kind === "vbo_unavailable" || outcome.kind === "choice_not_yours";
    await respondSafely(respond, changeReply(outcome, routeLookups(deps).approvalsChannelOf), deps.logger, {
      replace_original: !keep,
    });
  });
  app.action<BlockAction>({ type: "block_actions", action_id: ACTION.pick }, pick);
  app.action<BlockAction>({ type: "block_actions", action_id: ACTION.pickSelect }, pick);
}
