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
  RespondFn,
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
import { respondSafely, tell } from "./context.ts";

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

/** Tracks whether the handler acknowledged, so a failure after the ack does not ack twice. */
function tracked<A extends (...args: never[]) => Promise<void>>(ack: A): { ack: A; done: () => boolean } {
  let acked = false;
  const wrapped = (async (...args: Parameters<A>) => {
    acked = true;
    await ack(...args);
  }) as A;
  return { ack: wrapped, done: () => acked };
}

/** A slash command: acked empty, answered at its response URL. */
export function guardCommand(
  deps: ListenerDeps,
  handler: (args: Args<SlackCommandMiddlewareArgs>) => Promise<void>,
) {
  return async (args: Args<SlackCommandMiddlewareArgs>) => {
    const acking = tracked(args.ack);
    try {
      await handler({ ...args, ack: acking.ack });
    } catch (err) {
      if (!acking.done()) await acking.ack();
      const where = { listener: `command ${args.command.command}`, userId: args.command.user_id };
      const failure = record(deps, err, where, args.context);
      await respondSafely(args.respond, failureReply(failure.kind, failure.ref), deps.logger);
    }
  };
}

/** A click: answered where it was clicked (the response URL), or by DM for a Home tab click. */
export function guardAction(
  deps: ListenerDeps,
  handler: (args: Args<SlackActionMiddlewareArgs<BlockAction>>) => Promise<void>,
) {
  return async (args: Args<SlackActionMiddlewareArgs<BlockAction>>) => {
    const acking = tracked(args.ack);
    try {
      await handler({ ...args, ack: acking.ack });
    } catch (err) {
      if (!acking.done()) await acking.ack();
      const { body } = args;
      const where = { listener: `action ${body.actions[0]?.action_id ?? "?"}`, userId: body.user.id };
      const failure = record(deps, err, where, args.context);
      const respond: RespondFn | undefined = args.respond;
      await tell(
        deps,
        { userId: body.user.id, respond, responseUrl: body.response_url },
        failureReply(failure.kind, failure.ref),
      );
    }
  };
}

/**
 * A modal submission: still open, it shows the failure on its first input, so the person can
 * submit again; already closed (the handler had acked), they are told by DM.
 */
export function guardView(
  deps: ListenerDeps,
  handler: (args: Args<SlackViewMiddlewareArgs<ViewSubmitAction>>) => Promise<void>,
) {
  return async (args: Args<SlackViewMiddlewareArgs<ViewSubmitAction>>) => {
    const acking = tracked(args.ack);
    try {
      await handler({ ...args, ack: acking.ack });
    } catch (err) {
      const { body, view } = args;
      const where = { listener: `view ${view.callback_id}`, userId: body.user.id };
      const failure = record(deps, err, where, args.context);
      const blockId = firstInputBlock(view);
      if (!acking.done() && blockId !== undefined) {
        await acking.ack({
          response_action: "errors",
          errors: { [blockId]: failureText(failure.kind, failure.ref) },
        });
        return;
      }
      if (!acking.done()) await acking.ack();
      await tell(deps, { userId: body.user.id }, failureReply(failure.kind, failure.ref));
    }
  };
}

/** An options request: answered at once with no options, whatever happened. */
export function guardOptions(
  deps: ListenerDeps,
  handler: (args: Args<SlackOptionsMiddlewareArgs>) => Promise<void>,
) {
  return async (args: Args<SlackOptionsMiddlewareArgs>) => {
    const acking = tracked(args.ack);
    try {
      await handler({ ...args, ack: acking.ack });
    } catch (err) {
      const where = { listener: `options ${args.body.action_id}`, userId: args.body.user?.id };
      record(deps, err, where, args.context);
      if (!acking.done()) await acking.ack({ options: [] });
    }
  };
}

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
      try {
        await callSlack("views.publish", () =>
          deps.web.views.publish({ user_id: userId, view: failureHome(failure.kind, failure.ref) }),
        );
      } catch (publishError) {
        deps.logger.warn("could not show the failure on the Home tab", {
          ref: failure.ref,
          error: slackErrorCode(publishError),
        });
      }
    }
  };
}

function firstInputBlock(view: SlackViewMiddlewareArgs<ViewSubmitAction>["view"]): string | undefined {
  const input = view.blocks.find((b) => b.type === "input");
  return typeof input?.block_id === "string" ? input.block_id : undefined;
}
