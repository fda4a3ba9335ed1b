/** `usergroups.users.list`: the members of a user group (approvers may be one). */
import { type MethodTable, refuse } from "../types.ts";
import type { Workspace } from "../workspace.ts";

export function usergroupsMethods(ws: Workspace): MethodTable {
  return {
    "usergroups.users.list": {
      token: "bot",
      run: (args) => {
        const members = typeof args.usergroup === "string" ? ws.usergroups.get(args.usergroup) : undefined;
        if (!members) return refuse("no_such_subteam");
        return { body: { ok: true, users: [...members] } };
      },
    },
  };
}
