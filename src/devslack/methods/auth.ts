/** `auth.test`: who the token belongs to (Bolt calls it at start). */
import type { MethodTable } from "../types.ts";
import type { Workspace } from "../workspace.ts";

export function authMethods(ws: Workspace): MethodTable {
  return {
    "auth.test": {
      token: "any",
      run: () => ({
        body: {
          ok: true,
          url: `https://${ws.team.domain}.slack.com/`,
          team: "Fake Team",
          user: "vbo-audit",
          team_id: ws.team.id,
          user_id: ws.botUserId,
          bot_id: ws.botId,
          is_enterprise_install: false,
        },
      }),
    },
  };
}
