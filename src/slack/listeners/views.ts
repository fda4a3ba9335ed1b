/**
 * Modal submissions: the deny reason. An empty reason, or a refusal (someone decided first, the
 * request expired), is answered in the form itself (`response_action: "errors"`), so the approver
 * sees why; otherwise the modal closes and the request's messages are re-rendered. A failure is
 * shown in the form too, by the guard (guard.ts).
 */
import type { App } from "@slack/bolt";
import { DENY_REASON, requestIdFrom, VIEW } from "../blocks/ids.ts";
import { refusalText } from "../blocks/replies/decision.ts";
import type { ListenerDeps } from "./context.ts";
import { guardView } from "./guard.ts";

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view(
    VIEW.deny,
    guardView(deps, async ({ ack, body, view }) => {
      const requestId = requestIdFrom(view.private_metadata);
      const reason = view.state.values[DENY_REASON.blockId]?.[DENY_REASON.actionId]?.value?.trim() ?? "";
      const fieldError = (message: string) =>
        ack({ response_action: "errors", errors: { [DENY_REASON.blockId]: message } });
      if (requestId === undefined) {
        await fieldError("This form no longer names a request: close it and click Deny again.");
        return;
      }
      if (reason === "") {
        await fieldError("Say why the request is denied: the requester and the log will show it.");
        return;
      }
      // No VB365 call in a denial: this answers well inside Slack's 3 seconds.
      const result = await deps.core.flows.act(requestId, body.user.id, { kind: "deny", reason });
      if (result.kind === "refused") {
        await fieldError(refusalText(result.reason, result.request));
        return;
      }
      if (result.kind === "not_found") {
        await fieldError(`There is no request #${requestId}.`);
        return;
      }
      await ack();
    }),
  );
}
