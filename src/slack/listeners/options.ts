/**
 * Options requests (`block_suggestion`): Slack asks for them only for external selects, and the bot
 * shows none (its menus are static). Answering with an empty list, at once, keeps a stray request
 * (an old message, a hand-made call) from hanging until Bolt gives up after 3 seconds.
 */
import type { App } from "@slack/bolt";
import type { ListenerDeps } from "./context.ts";
import { guardOptions } from "./guard.ts";

export function registerOptions(app: App, deps: ListenerDeps): void {
  app.options(
    /.*/,
    guardOptions(deps, async ({ ack, body }) => {
      deps.logger.info("options request for a menu the bot does not serve", { actionId: body.action_id });
      await ack({ options: [] });
    }),
  );
}
