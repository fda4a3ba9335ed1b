/** Slash commands: `/vbo-audit`. Ack at once (empty), then the work, then an ephemeral answer. */
import type { App } from "@slack/bolt";
import { unexpectedErrorReply } from "../../blocks/replies.ts";
import { answerCommand } from "../../command/answer.ts";
import { COMMAND } from "../../command/parse.ts";
import { type ListenerDeps, respondSafely } from "../context.ts";

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, async ({ ack, command, respond }) => {
    // Slack gives 3 seconds; VB365 may take far longer. Nothing may come before this.
    await ack();
    const log = deps.logger.child({ slackUser: command.user_id, command: "vbo-audit" });
    let reply: Awaited<ReturnType<typeof answerCommand>>;
    try {
      reply = await answerCommand(deps, command.text, command.user_id);
    } catch (err) {
      log.error("the command failed unexpectedly", { error: err });
      reply = unexpectedErrorReply();
    }
    await respondSafely(respond, reply, log);
  });
}
