/** VB365 operations on the server's audit e-mail settings. */
import type { VboApi } from "./api.ts";
import type { VboConnection } from "./connection.ts";
import { AuditEmailSettings } from "./schemas.ts";
import { failure, isSuccess } from "./transport.ts";

export interface SettingsCalls extends Pick<VboApi, "getAuditEmailSettings"> {
  /** Sends the audit e-mail test message (`SendTest` before v8, `SendTestEmail` on v8). */
  sendTestEmail(): Promise<void>;
}

export function settingsCalls(c: VboConnection): SettingsCalls {
  return {
    getAuditEmailSettings: () =>
      c.track(() =>
        c.json(
          {
            operation: "getAuditEmailSettings",
            method: "GET",
            url: (v) => c.url(v, "/AuditEmailSettings"),
          },
          AuditEmailSettings,
        ),
      ),

    sendTestEmail: () =>
      c.track(async () => {
        const reply = await c.send({
          operation: "sendTestEmail",
          method: "POST",
          url: (v) =>
            c.url(v, v === "v8" ? "/AuditEmailSettings/SendTestEmail" : "/AuditEmailSettings/SendTest"),
        });
        if (!isSuccess(reply.status)) throw failure(reply, "sendTestEmail", c.secrets());
      }),
  };
}
