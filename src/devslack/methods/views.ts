/** `views.open`, `views.update`, `views.publish`: modals (on a fresh trigger id) and Home tabs. */
import { type Json, type MethodTable, refuse, type SlackView } from "../types.ts";
import { checkView, decodeNested } from "../validate/index.ts";
import { TRIGGER_TTL_MS, type Workspace } from "../workspace.ts";

/** The `view` argument, decoded; only called once `checkView` accepted it. */
const viewArg = (args: Json): Json => (decodeNested(args.view) as { ok: true; value: Json }).value;

export function viewsMethods(ws: Workspace): MethodTable {
  return {
    "views.open": {
      token: "bot",
      run: (args) => {
        const trigger = ws.triggers.get(typeof args.trigger_id === "string" ? args.trigger_id : "");
        if (!trigger) return refuse("invalid_trigger_id");
        if (trigger.used) return refuse("exchanged_trigger_id");
        if (ws.now().getTime() - trigger.issuedAt > TRIGGER_TTL_MS) return refuse("expired_trigger_id");
        trigger.used = true;
        const verdict = checkView(args.view, "modal");
        if (!verdict.ok) return refuse(verdict.error, verdict.messages);
        const view = viewArg(args);
        const modal: SlackView = {
          id: ws.randomId("V"),
          type: "modal",
          userId: trigger.userId,
          view,
          hash: ws.newHash(),
          versions: [{ view, at: ws.now(), via: "views.open" }],
        };
        ws.modals.push(modal);
        ws.changed({ kind: "view", ...(trigger.userId ? { userId: trigger.userId } : {}) });
        return { body: { ok: true, view: ws.viewJson(modal) } };
      },
    },
    "views.update": {
      token: "bot",
      run: (args) => {
        const all = [...ws.modals, ...ws.homes.values()];
        const existing =
          typeof args.view_id === "string"
            ? all.find((v) => v.id === args.view_id)
            : all.find(
                (v) => typeof args.external_id === "string" && v.view.external_id === args.external_id,
              );
        if (!existing) return refuse("not_found");
        if (typeof args.hash === "string" && args.hash !== existing.hash) return refuse("hash_conflict");
        const verdict = checkView(args.view, existing.type);
        if (!verdict.ok) return refuse(verdict.error, verdict.messages);
        existing.view = viewArg(args);
        existing.hash = ws.newHash();
        existing.versions.push({ view: existing.view, at: ws.now(), via: "views.update" });
        ws.changed({ kind: "view", ...(existing.userId ? { userId: existing.userId } : {}) });
        return { body: { ok: true, view: ws.viewJson(existing) } };
      },
    },
    "views.publish": {
      token: "bot",
      run: (args) => {
        const userId = typeof args.user_id === "string" ? args.user_id : "";
        if (!ws.users.has(userId)) return refuse("user_not_found");
        const verdict = checkView(args.view, "home");
        if (!verdict.ok) return refuse(verdict.error, verdict.messages);
        const view = viewArg(args);
        let home = ws.homes.get(userId);
        if (home && typeof args.hash === "string" && args.hash !== home.hash) return refuse("hash_conflict");
        if (!home) {
          home = { id: ws.randomId("V"), type: "home", userId, view, hash: ws.newHash(), versions: [] };
          ws.homes.set(userId, home);
        }
        home.view = view;
        home.hash = ws.newHash();
        home.versions.push({ view, at: ws.now(), via: "views.publish" });
        ws.changed({ kind: "view", userId });
        return { body: { ok: true, view: ws.viewJson(home) } };
      },
    },
  };
}
