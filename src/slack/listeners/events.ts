/**
 * Events: `app_home_opened` renders the Home tab. Slack may deliver an event twice (retries);
 * publishing the same view again is harmless. A failure shows on the tab (guard.ts).
 */
import type { App } from "@slack/bolt";
import { type ListenerDeps, publishHome } from "./context.ts";
import { guardHomeOpened } from "./guard.ts";

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event(
    "app_home_opened",
    guardHomeOpened(deps, async ({ event }) => {
      if (event.tab !== "home") return;
      await publishHome(deps, event.user);
    }),
  );
}
