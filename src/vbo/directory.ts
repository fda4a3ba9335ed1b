/** VB365 operations on an organization's directory: users, groups and a group's members. */
import type * as z from "zod";
import type { Member, VboApi } from "./api.ts";
import { enc, type Query, type VboConnection } from "./connection.ts";
import { clampPageSize } from "./paging.ts";
import { Group, type GroupMember, User } from "./schemas.ts";

const DEFAULT_SEARCH_LIMIT = 100;

type DirectoryCalls = Pick<
  VboApi,
  "searchUsers" | "searchGroups" | "userPages" | "groupPages" | "getUser" | "getGroup" | "groupMembers"
>;

export function directoryCalls(c: VboConnection): DirectoryCalls {
  const organization = (organizationId: string) => `/Organizations/${enc(organizationId)}`;
  /** The first page of an organization's users or groups, filtered: what a search needs. */
  const search = <L extends "users" | "groups">(
    list: L,
    organizationId: string,
    filters: Query,
    limit: number | undefined,
  ) =>
    c.track(async () => {
      const operation = list === "users" ? "searchUsers" : "searchGroups";
      const path = `${organization(organizationId)}/${list === "users" ? "Users" : "Groups"}`;
      const version = await c.version();
      const url = c.url(version, path, { ...filters, limit: clampPageSize(limit, DEFAULT_SEARCH_LIMIT) });
      return (await c.page(list, operation, url)).results;
    });
  const one = <S extends z.ZodType>(operation: string, path: string, schema: S): Promise<z.output<S>> =>
    c.track(() => c.json({ operation, method: "GET", url: (v) => c.url(v, path) }, schema));
  return {
    searchUsers: (organizationId, { userName, displayName, limit }) =>
      search("users", organizationId, { userName, displayName }, limit),

    searchGroups: (organizationId, { displayName, groupName, limit }) =>
      search("groups", organizationId, { displayName, groupName }, limit),

    userPages: (organizationId, options) =>
      c.pages("users", "userPages", `${organization(organizationId)}/Users`, {}, options?.pageSize, true),

    groupPages: (organizationId, options) =>
      c.pages("groups", "groupPages", `${organization(organizationId)}/Groups`, {}, options?.pageSize, true),

    getUser: (organizationId, userId) =>
      one("getUser", `${organization(organizationId)}/Users/${enc(userId)}`, User),

    getGroup: (organizationId, groupId) =>
      one("getGroup", `${organization(organizationId)}/Groups/${enc(groupId)}`, Group),

    groupMembers: (organizationId, groupId) => {
      const path = `${organization(organizationId)}/Groups/${enc(groupId)}/Members`;
      return withIds(c.pages("members", "groupMembers", path, {}, undefined, true));
    },
  };
}

async function* withIds(pages: AsyncIterable<GroupMember[]>): AsyncGenerator<Member[], void, undefined> {
  for await (const page of pages) yield page.map((m) => ({ ...m, id: memberId(m) }));
}

/**
 * A member's id: VB365 names it only as the last segment of the member's `_links.self`
 * (`…/Users/{id}` or `…/Groups/{id}`), percent-encoded.
 */
export function memberId(member: GroupMember): string | undefined {
  const href = member._links?.self?.href;
  if (typeof href !== "string") return undefined;
  const last = href.split("?")[0]?.split("/").pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
