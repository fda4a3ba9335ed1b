/** `users.info`: a member and their profile, whose e-mail maps them to a Microsoft 365 user. */
import { type Json, type MethodTable, refuse } from "../types.ts";
import type { Workspace } from "../workspace.ts";

export function usersMethods(ws: Workspace): MethodTable {
  return {
    "users.info": {
      token: "bot",
      run: (args) => {
        const user = typeof args.user === "string" ? ws.users.get(args.user) : undefined;
        if (!user) return refuse("user_not_found");
        const name = ws.userName(user.id);
        const realName = user.realName ?? name;
        const profile: Json = { real_name: realName, display_name: name, real_name_normalized: realName };
        if (user.email !== undefined) profile.email = user.email;
        return {
          body: {
            ok: true,
            user: {
              id: user.id,
              team_id: ws.team.id,
              name,
              real_name: realName,
              deleted: user.deleted ?? false,
              is_bot: user.isBot ?? false,
              tz: "Pacific/Auckland",
              profile,
            },
          },
        };
      },
    },
  };
}
