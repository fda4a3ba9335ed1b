/**
 * `GET /Organizations`: a plain array on v6 and v7, a page on v8. `extendedView` defaults to true
 * on v6 (where the spec makes it required) and to false later.
 */
import { json } from "../http.ts";
import { page, pageParams } from "../paging.ts";
import { renderOrganization } from "../render.ts";
import type { Route } from "./route.ts";
import { boolParam } from "./route.ts";

export const organizationRoutes: Route[] = [
  {
    method: "GET",
    path: "Organizations",
    handle: (ctx, state) => {
      const v = ctx.version;
      const extended = boolParam("extendedView", ctx.query.get("extendedView"), v === "v6");
      const render = (org: (typeof state.organizations)[number]) =>
        renderOrganization(ctx.out, org, extended);
      if (v !== "v8") return json(state.organizations.map(render));
      const msid = ctx.query.get("msid")?.toLowerCase();
      const backedUp = ctx.query.get("backedUpOrganizationId");
      const orgs = state.organizations.filter(
        (o) => (msid === undefined || o.msid === msid) && (backedUp === undefined || backedUp === o.id),
      );
      return json(
        page({
          version: v,
          params: pageParams(ctx.query, false),
          items: orgs,
          render,
          path: `/${v}/Organizations`,
          filters: { extendedView: ctx.query.get("extendedView"), msid, backedUpOrganizationId: backedUp },
        }),
      );
    },
  },
  {
    method: "GET",
    path: "Organizations/{organizationId}",
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      const extended = boolParam("extendedView", ctx.query.get("extendedView"), ctx.version === "v6");
      return json(renderOrganization(ctx.out, org, extended));
    },
  },
];
