/**
 * Events: `app_home_opened` renders the Home tab. Slack may deliver an event twice (retries);
 * publishing the same view again is harmless.
 */
import type { App } from "@slack/bolt";
import { type ListenerDeps, publishHome } from "../context.ts";

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    await publishHome(deps, event.user);
  });
}
