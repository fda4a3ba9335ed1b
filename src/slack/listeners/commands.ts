/**
 * Slash commands: `/vbo-audit`. Ack at once (empty), then one core call, then an ephemeral answer.
 * A failure is answered by the guard (guard.ts).
 */
import type { App } from "@slack/bolt";
import { answerCommand } from "../command/answer.ts";
import { COMMAND } from "../command/syntax.ts";
import { type ListenerDeps, respondSafely } from "./context.ts";
import { guardCommand } from "./guard.ts";

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(
    COMMAND,
    guardCommand(deps, async ({ ack, command, respond }) => {
      // Slack gives 3 seconds; VB365 may take far longer. Nothing may come before this.
      await ack();
      const reply = await answerCommand(deps, command.text, command.user_id);
      await respondSafely(respond, reply, deps.logger.child({ slackUser: command.user_id }));
    }),
  );
}
