/** `conversations.open`: the bot's one-to-one DM with a member. */
import { type MethodTable, refuse } from "../types.ts";
import type { Workspace } from "../workspace.ts";

export function conversationsMethods(ws: Workspace): MethodTable {
  return {
    "conversations.open": {
      token: "bot",
      run: (args) => {
        const ids = typeof args.users === "string" ? args.users.split(",").map((s) => s.trim()) : [];
        if (ids.length === 0) return refuse("users_list_not_supplied");
        if (ids.length > 1)
          return refuse("not_supported", ["[ERROR] the stand-in only opens one-to-one DMs"]);
        const userId = ids[0] as string;
        if (!ws.users.has(userId)) return refuse("user_not_found");
        return { body: { ok: true, channel: { id: ws.openDm(userId) } } };
      },
    },
  };
}
