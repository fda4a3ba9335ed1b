/**
 * Users, groups and group members of an organization, paged with `setId` result sets. `userName`
 * is an exact, case-insensitive UPN (an index lookup); `displayName` and `groupName` take `*` and
 * `?` wildcards. Ids in paths are opaque and URL-encoded.
 */
import type { ApiVersion } from "../../vbo/schemas.ts";
import { type DirGroup, LOCATION_FILTERS, type MemberRef } from "../directory.ts";
import { badRequest, json, notFound, type Query, type RequestContext, type SimResponse } from "../http.ts";
import type { SimOrganization } from "../model.ts";
import { type PageParams, page, pageParams } from "../paging.ts";
import { type Out, renderGroup, renderMember, renderUser } from "../render.ts";
import type { Route } from "./route.ts";

const DATA_SOURCES = ["PreferLocal", "Production", "PreferLocalResynced"];
const SKU_TYPES = ["Other", "Education"];

function enumParam(query: Query, name: string, allowed: readonly string[]): string | undefined {
  const value = query.get(name);
  if (value === undefined) return undefined;
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw badRequest(`The value '${value}' is not valid for ${name}.`);
  return found;
}

/** Parameters a version does not define are ignored, as ASP.NET ignores unknown query keys. */
function commonFilters(query: Query, version: ApiVersion) {
  if (version !== "v6") enumParam(query, "dataSource", DATA_SOURCES);
  return { location: enumParam(query, "locationFilter", LOCATION_FILTERS) };
}

/** A name filter; an empty value filters nothing, as ASP.NET binds it to null. */
function filterParam(query: Query, name: string): string | undefined {
  const value = query.get(name);
  return value === "" ? undefined : value;
}

const base = (v: ApiVersion, orgId: string) => `/${v}/Organizations/${orgId}`;

/** The filters that were given: one left out filters nothing. */
function given<K extends string>(filters: Record<K, string | undefined>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Partial<
    Record<K, string>
  >;
}

/** A page of a cached result set; its links carry the set's id instead of the filters. */
function setPage<T>(
  ctx: RequestContext,
  params: PageParams,
  set: { id: string; items: ArrayLike<T> },
  render: (item: T) => unknown,
  path: string,
): SimResponse {
  return json(page({ version: ctx.version, params, items: set.items, setId: set.id, render, path }));
}

/** One user or group by its id, as `Organizations/{organizationId}/Users/{userId}` answers. */
function byId<T>(
  noun: "User" | "Group",
  find: (org: SimOrganization, id: string) => T | undefined,
  render: (out: Out, orgId: string, item: T) => Record<string, unknown>,
): Route {
  const param = noun === "User" ? "userId" : "groupId";
  return {
    method: "GET",
    path: `Organizations/{organizationId}/${noun}s/{${param}}`,
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      if (ctx.version !== "v6") enumParam(ctx.query, "dataSource", DATA_SOURCES);
      const item = find(org, ctx.params[param] ?? "");
      if (!item) throw notFound(`${noun} with ID '${ctx.params[param]}' was not found.`);
      return json(render(ctx.out, org.id, item));
    },
  };
}

export const directoryRoutes: Route[] = [
  {
    method: "GET",
    path: "Organizations/{organizationId}/Users",
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      const { query, version: v } = ctx;
      const params = pageParams(query, true);
      const { location } = commonFilters(query, v);
      if (v === "v8") enumParam(query, "detectedSkuType", SKU_TYPES);
      const userName = filterParam(query, "userName");
      const displayName = filterParam(query, "displayName");
      const set = state.sets.resolve(`users:${org.id}`, params.setId, () =>
        org.directory.queryUsers(given({ userName, displayName, location })),
      );
      const render = (ordinal: number) => renderUser(ctx.out, org.id, org.directory.userAt(ordinal));
      return setPage(ctx, params, set, render, `${base(v, org.id)}/Users`);
    },
  },
  byId("User", (org, id) => org.directory.userById(id), renderUser),
  {
    method: "GET",
    path: "Organizations/{organizationId}/Groups",
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      const { query, version: v } = ctx;
      const params = pageParams(query, true);
      const { location } = commonFilters(query, v);
      const displayName = filterParam(query, "displayName");
      const groupName = filterParam(query, "groupName");
      const set = state.sets.resolve<DirGroup>(`groups:${org.id}`, params.setId, () =>
        org.directory.queryGroups(given({ displayName, groupName, location })),
      );
      const render = (g: DirGroup) => renderGroup(ctx.out, org.id, g);
      return setPage(ctx, params, set, render, `${base(v, org.id)}/Groups`);
    },
  },
  byId("Group", (org, id) => org.directory.groupById(id), renderGroup),
  {
    method: "GET",
    path: "Organizations/{organizationId}/Groups/{groupId}/Members",
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      const { query, version: v } = ctx;
      const params = pageParams(query, true);
      if (v !== "v6") enumParam(query, "dataSource", DATA_SOURCES);
      const group = org.directory.groupById(ctx.params.groupId ?? "");
      if (!group) throw notFound(`Group with ID '${ctx.params.groupId}' was not found.`);
      const set = state.sets.resolve<MemberRef>(`members:${org.id}:${group.id}`, params.setId, () => [
        ...group.members,
      ]);
      const render = (ref: MemberRef) =>
        renderMember(ctx.out, org.id, group, ref, org.directory.principal(ref.type, ref.id));
      return setPage(
        ctx,
        params,
        set,
        render,
        `${base(v, org.id)}/Groups/${encodeURIComponent(group.id)}/Members`,
      );
    },
  },
];
