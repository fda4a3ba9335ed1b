/**
 * Restore sessions and their events (paged by offset, no setId), and v8's change feed
 * `GET /Events`, a long poll: it answers at once when there is news, otherwise waits up to
 * `timeoutSeconds` (capped at a few seconds here) and answers empty with the same token.
 */
import { badRequest, json, notFound, type Query, type RequestContext } from "../http.ts";
import { isUuid } from "../ids.ts";
import { MAX_LIMIT, page, pageParams } from "../paging.ts";
import { renderEvent, renderSession } from "../render.ts";
import type { EventRecord, SessionFilter, SessionRecord } from "../restore.ts";
import type { SimState } from "../state.ts";
import type { Route } from "./route.ts";
import { boolParam } from "./route.ts";

function timeParam(query: Query, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === undefined || raw === "") return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badRequest(`The value '${raw}' is not valid for ${name}.`);
  return ms;
}

function sessionFilter(ctx: RequestContext): SessionFilter {
  const q = ctx.query;
  const filter: SessionFilter = { orderBy: "CreationTime", ascending: false };
  const startFrom = timeParam(q, "startTimeFrom");
  const startTo = timeParam(q, "startTimeTo");
  if (startFrom !== undefined) filter.startFrom = startFrom;
  if (startTo !== undefined) filter.startTo = startTo;
  if (ctx.version === "v8") {
    const endFrom = timeParam(q, "endTimeFrom");
    const endTo = timeParam(q, "endTimeTo");
    if (endFrom !== undefined) filter.endFrom = endFrom;
    if (endTo !== undefined) filter.endTo = endTo;
    const orderBy = q.get("orderBy");
    if (orderBy !== undefined) {
      const found = (["CreationTime", "EndTime"] as const).find(
        (o) => o.toLowerCase() === orderBy.toLowerCase(),
      );
      if (!found) throw badRequest(`The value '${orderBy}' is not valid for orderBy.`);
      filter.orderBy = found;
    }
    filter.ascending = boolParam("orderAsc", q.get("orderAsc"), false);
  }
  return filter;
}

function session(state: SimState, id: string): SessionRecord {
  if (!isUuid(id)) throw badRequest(`The value '${id}' is not valid for restoreSessionId.`);
  const found = state.sessions.get(id);
  if (!found) throw notFound(`Restore session with ID '${id}' was not found.`);
  return found;
}

/** The filters as the caller sent them, repeated in `_links` (these pages have no setId). */
function echo(query: Query, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, query.get(n)]));
}

async function changes(ctx: RequestContext, state: SimState) {
  const from = ctx.query.get("from");
  if (from === undefined || from === "") throw badRequest("The 'from' parameter is required.");
  const limit = pageParams(ctx.query, false).limit;
  const position = state.feed.position(from);
  const timeoutRaw = ctx.query.get("timeoutSeconds");
  const timeout = timeoutRaw === undefined ? 0 : Number(timeoutRaw);
  if (!Number.isInteger(timeout) || timeout < 0) {
    throw badRequest(`The value '${timeoutRaw}' is not valid for timeoutSeconds.`);
  }
  // `latest` only tells where "now" is; a token reads what came after it, waiting for news.
  if (from.toLowerCase() !== "latest" && !state.feed.hasNews(position))
    await state.feed.wait(timeout, ctx.signal);
  const read =
    from.toLowerCase() === "latest"
      ? { results: [], nextToken: state.feed.latest }
      : state.feed.read(position, limit);
  return json({
    nextChangeToken: read.nextToken,
    limit: Math.min(limit, MAX_LIMIT),
    results: read.results.map((c) => ({ eventType: c.eventType, id: c.id, eTag: c.eTag })),
    _links: { self: { href: `/${ctx.version}/Events?from=${encodeURIComponent(from)}&limit=${limit}` } },
  });
}

export const restoreRoutes: Route[] = [
  {
    method: "GET",
    path: "RestoreSessions",
    handle: (ctx, state) => {
      const v = ctx.version;
      const params = pageParams(ctx.query, false);
      const names = [
        "startTimeFrom",
        "startTimeTo",
        ...(v === "v8" ? ["endTimeFrom", "endTimeTo", "orderBy", "orderAsc"] : []),
      ];
      return json(
        page({
          version: v,
          params,
          items: state.sessions.query(sessionFilter(ctx)),
          render: (s: SessionRecord) => renderSession(ctx.out, s),
          path: `/${v}/RestoreSessions`,
          filters: echo(ctx.query, names),
        }),
      );
    },
  },
  {
    method: "GET",
    path: "RestoreSessions/{restoreSessionId}",
    handle: (ctx, state) => json(renderSession(ctx.out, session(state, ctx.params.restoreSessionId ?? ""))),
  },
  {
    method: "GET",
    path: "RestoreSessions/{restoreSessionId}/Events",
    handle: (ctx, state) => {
      const s = session(state, ctx.params.restoreSessionId ?? "");
      const v = ctx.version;
      return json(
        page({
          version: v,
          params: pageParams(ctx.query, false),
          items: s.events,
          render: (e: EventRecord) => renderEvent(ctx.out, s, e),
          path: `/${v}/RestoreSessions/${s.id}/Events`,
        }),
      );
    },
  },
  { method: "GET", path: "Events", versions: ["v8"], handle: changes },
];
