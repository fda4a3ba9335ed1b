/**
 * VB365 operations on restore sessions: those started in a time window, one read again by id, a
 * session's events, and (v8 only) the change feed.
 */
import type { VboApi } from "./api.ts";
import { enc, type VboConnection } from "./connection.ts";
import { VboError } from "./errors.ts";
import { clampPageSize } from "./paging.ts";
import { ChangeFeed, RestoreSession } from "./schemas.ts";
import { decode, failure, isSuccess } from "./transport.ts";

type RestoreSessionCalls = Pick<
  VboApi,
  "restoreSessions" | "getRestoreSession" | "restoreSessionEvents" | "changes"
>;

export function restoreSessionCalls(c: VboConnection): RestoreSessionCalls {
  return {
    restoreSessions: (window) => {
      const query = {
        startTimeFrom: window.from.toISOString(),
        startTimeTo: window.to?.toISOString(),
      };
      return c.pages("restoreSessions", "restoreSessions", "/RestoreSessions", query, undefined, false);
    },

    getRestoreSession: (sessionId) =>
      c.track(async () => {
        const operation = "getRestoreSession";
        const reply = await c.send({
          operation,
          method: "GET",
          url: (v) => c.url(v, `/RestoreSessions/${enc(sessionId)}`),
        });
        // Gone: VB365 forgets sessions after its retention.
        if (reply.status === 404) return undefined;
        if (!isSuccess(reply.status)) throw failure(reply, operation, c.secrets());
        return decode(reply, RestoreSession, operation);
      }),

    restoreSessionEvents: (sessionId) => {
      const path = `/RestoreSessions/${enc(sessionId)}/Events`;
      return c.pages("restoreEvents", "restoreSessionEvents", path, {}, undefined, false);
    },

    changes: (from, options = {}) =>
      c.track(async () => {
        const version = await c.version();
        if (version !== "v8") {
          // What the server itself would answer: the route does not exist before v8.
          throw new VboError({
            kind: "http",
            operation: "changes",
            status: 404,
            message: `the change feed needs REST API v8; this server speaks ${version}`,
          });
        }
        const waitMs = (options.timeoutSeconds ?? 0) * 1000;
        return c.json(
          {
            operation: "changes",
            method: "GET",
            url: c.url(version, "/Events", {
              from,
              limit: options.limit === undefined ? undefined : clampPageSize(options.limit),
              timeoutSeconds: options.timeoutSeconds,
            }),
            // A long poll holds the answer back on purpose: allow for that beyond the usual timeout.
            ...(waitMs > 0 ? { timeoutMs: waitMs + 30_000 } : {}),
          },
          ChangeFeed,
        );
      }),
  };
}
