/** VB365 operations on an organization's directory: users, groups and a group's members. */
import type { Member, VboApi } from "./api.ts";
import { enc, type VboConnection } from "./connection.ts";
import { clampPageSize } from "./paging.ts";
import { Group, type GroupMember, User } from "./schemas.ts";

const DEFAULT_SEARCH_LIMIT = 100;

type DirectoryCalls = Pick<
  VboApi,
  "searchUsers" | "searchGroups" | "userPages" | "groupPages" | "getUser" | "getGroup" | "groupMembers"
>;

export function directoryCalls(c: VboConnection): DirectoryCalls {
  const organization = (organizationId: string) => `/Organizations/${enc(organizationId)}`;
  return {
    searchUsers: (organizationId, query) =>
      c.track(async () => {
        const version = await c.version();
        const url = c.url(version, `${organization(organizationId)}/Users`, {
          userName: query.userName,
          displayName: query.displayName,
          limit: clampPageSize(query.limit, DEFAULT_SEARCH_LIMIT),
        });
        return (await c.page("users", "searchUsers", url)).results;
      }),

    searchGroups: (organizationId, query) =>
      c.track(async () => {
        const version = await c.version();
        const url = c.url(version, `${organization(organizationId)}/Groups`, {
          displayName: query.displayName,
          groupName: query.groupName,
          limit: clampPageSize(query.limit, DEFAULT_SEARCH_LIMIT),
        });
        return (await c.page("groups", "searchGroups", url)).results;
      }),

    userPages: (organizationId, options) =>
      c.pages("users", "userPages", `${organization(organizationId)}/Users`, {}, options?.pageSize, true),

    groupPages: (organizationId, options) =>
      c.pages("groups", "groupPages", `${organization(organizationId)}/Groups`, {}, options?.pageSize, true),

    getUser: (organizationId, userId) =>
      c.track(() =>
        c.json(
          {
            operation: "getUser",
            method: "GET",
            url: (v) => c.url(v, `${organization(organizationId)}/Users/${enc(userId)}`),
          },
          User,
        ),
      ),

    getGroup: (organizationId, groupId) =>
      c.track(() =>
        c.json(
          {
            operation: "getGroup",
            method: "GET",
            url: (v) => c.url(v, `${organization(organizationId)}/Groups/${enc(groupId)}`),
          },
          Group,
        ),
      ),

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
