/**
 * Users, groups and group members of an organization, paged with `setId` result sets. `userName`
 * is an exact, case-insensitive UPN (an index lookup); `displayName` and `groupName` take `*` and
 * `?` wildcards. Ids in paths are opaque and URL-encoded.
 */
import type { ApiVersion } from "../../vbo/schemas.ts";
import { type DirGroup, LOCATION_FILTERS, type MemberRef } from "../directory.ts";
import { badRequest, json, notFound, type Query } from "../http.ts";
import { page, pageParams } from "../paging.ts";
import { renderGroup, renderMember, renderUser } from "../render.ts";
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
        org.directory.queryUsers({
          ...(userName !== undefined ? { userName } : {}),
          ...(displayName !== undefined ? { displayName } : {}),
          ...(location !== undefined ? { location } : {}),
        }),
      );
      return json(
        page({
          version: v,
          params,
          items: set.items,
          setId: set.id,
          render: (ordinal: number) => renderUser(ctx.out, org.id, org.directory.userAt(ordinal)),
          path: `${base(v, org.id)}/Users`,
        }),
      );
    },
  },
  {
    method: "GET",
    path: "Organizations/{organizationId}/Users/{userId}",
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      if (ctx.version !== "v6") enumParam(ctx.query, "dataSource", DATA_SOURCES);
      const user = org.directory.userById(ctx.params.userId ?? "");
      if (!user) throw notFound(`User with ID '${ctx.params.userId}' was not found.`);
      return json(renderUser(ctx.out, org.id, user));
    },
  },
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
        org.directory.queryGroups({
          ...(displayName !== undefined ? { displayName } : {}),
          ...(groupName !== undefined ? { groupName } : {}),
          ...(location !== undefined ? { location } : {}),
        }),
      );
      return json(
        page({
          version: v,
          params,
          items: set.items,
          setId: set.id,
          render: (g: DirGroup) => renderGroup(ctx.out, org.id, g),
          path: `${base(v, org.id)}/Groups`,
        }),
      );
    },
  },
  {
    method: "GET",
    path: "Organizations/{organizationId}/Groups/{groupId}",
    handle: (ctx, state) => {
      const org = state.organization(ctx.params.organizationId ?? "");
      if (ctx.version !== "v6") enumParam(ctx.query, "dataSource", DATA_SOURCES);
      const group = org.directory.groupById(ctx.params.groupId ?? "");
      if (!group) throw notFound(`Group with ID '${ctx.params.groupId}' was not found.`);
      return json(renderGroup(ctx.out, org.id, group));
    },
  },
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
      return json(
        page({
          version: v,
          params,
          items: set.items,
          setId: set.id,
          render: (ref: MemberRef) =>
            renderMember(ctx.out, org.id, group, ref, org.directory.principal(ref.type, ref.id)),
          path: `${base(v, org.id)}/Groups/${encodeURIComponent(group.id)}/Members`,
        }),
      );
    },
  },
];
