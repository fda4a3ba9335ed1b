/**
 * The one wrapper every Bolt listener goes through (commands, actions, views, options, events).
 * Whatever a handler throws, here and only here: Bolt gets its ack if the handler had not sent it,
 * the failure is logged once (with a short reference), and the person gets an answer only they see
 * (an ephemeral reply, the modal's own field error, or their Home tab) saying what happened, what
 * that means for what they asked, and the reference to quote.
 */
import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import { callSlack, failureKind, newErrorRef, slackErrorCode } from "../../errors.ts";
import { failureHome, failureReply, failureText } from "../blocks/failure.ts";
import type { ListenerDeps } from "./context.ts";
import { clicker, respondSafely, tell } from "./context.ts";

type Args<T> = T & AllMiddlewareArgs;

interface Failure {
  ref: string;
  kind: ReturnType<typeof failureKind>;
}

/** Logs a listener's failure once, with its reference; marks the request's log line as failed. */
function record(
  deps: Pick<ListenerDeps, "logger">,
  err: unknown,
  where: { listener: string; userId: string | undefined },
  context: Record<string, unknown>,
): Failure {
  const failure = { ref: newErrorRef(), kind: failureKind(err) };
  deps.logger.error("a Slack listener failed; the person was told", {
    ...where,
    ref: failure.ref,
    failure: failure.kind,
    error: err,
  });
  // The one line per Slack request (app.ts) says it failed, and where to look.
  context.failedRef = failure.ref;
  return failure;
}

/**
 * Runs `handler`; when it throws, logs once and `answer`s the person. `acked` tells the answer
 * whether the handler had acknowledged already (Slack takes one acknowledgement per request).
 */
function guard<A extends { ack: (...args: never[]) => Promise<void>; context: Record<string, unknown> }>(
  deps: ListenerDeps,
  where: (args: A) => { listener: string; userId: string | undefined },
  answer: (args: A, failure: Failure, acked: boolean) => Promise<void>,
  handler: (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  return async (args) => {
    let acked = false;
    const ack = (async (...ackArgs: Parameters<A["ack"]>) => {
      acked = true;
      await args.ack(...ackArgs);
    }) as A["ack"];
    try {
      await handler({ ...args, ack });
    } catch (err) {
      await answer({ ...args, ack }, record(deps, err, where(args), args.context), acked);
    }
  };
}

/** A slash command: acked empty, answered at its response URL. */
export const guardCommand = (
  deps: ListenerDeps,
  handler: (args: Args<SlackCommandMiddlewareArgs>) => Promise<void>,
) =>
  guard<Args<SlackCommandMiddlewareArgs>>(
    deps,
    ({ command }) => ({ listener: `command ${command.command}`, userId: command.user_id }),
    async ({ ack, respond }, failure, acked) => {
      if (!acked) await ack();
      await respondSafely(respond, failureReply(failure.kind, failure.ref), deps.logger);
    },
    handler,
  );

/** A click: answered where it was clicked (the response URL), or by DM for a Home tab click. */
export const guardAction = (
  deps: ListenerDeps,
  handler: (args: Args<SlackActionMiddlewareArgs<BlockAction>>) => Promise<void>,
) =>
  guard<Args<SlackActionMiddlewareArgs<BlockAction>>>(
    deps,
    ({ body }) => ({ listener: `action ${body.actions[0]?.action_id ?? "?"}`, userId: body.user.id }),
    async ({ ack, body, respond }, failure, acked) => {
      if (!acked) await ack();
      await tell(deps, clicker(body, respond), failureReply(failure.kind, failure.ref));
    },
    handler,
  );

/**
 * A modal submission: still open, it shows the failure on its first input, so the person can
 * submit again; already closed (the handler had acked), they are told by DM.
 */
export const guardView = (
  deps: ListenerDeps,
  handler: (args: Args<SlackViewMiddlewareArgs<ViewSubmitAction>>) => Promise<void>,
) =>
  guard<Args<SlackViewMiddlewareArgs<ViewSubmitAction>>>(
    deps,
    ({ body, view }) => ({ listener: `view ${view.callback_id}`, userId: body.user.id }),
    async ({ ack, body, view }, failure, acked) => {
      const blockId = firstInputBlock(view);
      if (!acked && blockId !== undefined) {
        const errors = { [blockId]: failureText(failure.kind, failure.ref) };
        await ack({ response_action: "errors", errors });
        return;
      }
      if (!acked) await ack();
      await tell(deps, { userId: body.user.id }, failureReply(failure.kind, failure.ref));
    },
    handler,
  );

/** An options request: answered with no options, whatever happened. */
export const guardOptions = (
  deps: ListenerDeps,
  handler: (args: Args<SlackOptionsMiddlewareArgs>) => Promise<void>,
) =>
  guard<Args<SlackOptionsMiddlewareArgs>>(
    deps,
    ({ body }) => ({ listener: `options ${body.action_id}`, userId: body.user?.id }),
    async ({ ack }, _failure, acked) => {
      if (!acked) await ack({ options: [] });
    },
    handler,
  );

/** The Home tab opened: a failure shows on the tab itself (Bolt acks events by itself). */
export function guardHomeOpened(
  deps: ListenerDeps,
  handler: (args: Args<SlackEventMiddlewareArgs<"app_home_opened">>) => Promise<void>,
) {
  return async (args: Args<SlackEventMiddlewareArgs<"app_home_opened">>) => {
    try {
      await handler(args);
    } catch (err) {
      const userId = args.event.user;
      const failure = record(deps, err, { listener: "event app_home_opened", userId }, args.context);
      const view = failureHome(failure.kind, failure.ref);
      await callSlack("views.publish", () => deps.web.views.publish({ user_id: userId, view })).catch(
        (publishError: unknown) =>
          deps.logger.warn("could not show the failure on the Home tab", {
            ref: failure.ref,
            error: slackErrorCode(publishError),
          }),
      );
    }
  };
}

function firstInputBlock(view: SlackViewMiddlewareArgs<ViewSubmitAction>["view"]): string | undefined {
  const input = view.blocks.find((b) => b.type === "input");
  return typeof input?.block_id === "string" ? input.block_id : undefined;
}
