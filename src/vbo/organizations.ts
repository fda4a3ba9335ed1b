/** VB365 operations on organizations: the list (an array before v8, pages on v8) and one by id. */
import type { VboApi } from "./api.ts";
import { AnyList, enc, type VboConnection } from "./connection.ts";
import { walkPages } from "./paging.ts";
import { Organization } from "./schemas.ts";

/**
 * v6 defaults `extendedView` to true, which makes the server ask its backup proxies for each
 * organization's connection settings: slow, and useless to the bot. Later versions default to
 * false; sending it everywhere keeps one behaviour.
 */
const NOT_EXTENDED = { extendedView: "false" } as const;

export function organizationCalls(c: VboConnection): Pick<VboApi, "listOrganizations" | "getOrganization"> {
  return {
    listOrganizations: () =>
      c.track(async () => {
        const version = await c.version();
        const operation = "listOrganizations";
        if (version !== "v8") {
          const list = await c.json(
            { operation, method: "GET", url: (v) => c.url(v, "/Organizations", NOT_EXTENDED) },
            AnyList,
          );
          return c.items.tolerant("organizations", operation, list, Organization);
        }
        // v8 pages the organizations.
        const all: Organization[] = [];
        for await (const page of walkPages<Organization>({
          operation,
          first: c.url(version, "/Organizations", NOT_EXTENDED),
          reuseSetId: false,
          fetch: (url) => c.page("organizations", operation, url),
        })) {
          all.push(...page);
        }
        return all;
      }),

    getOrganization: (organizationId) =>
      c.track(() =>
        c.json(
          {
            operation: "getOrganization",
            method: "GET",
            url: (v) => c.url(v, `/Organizations/${enc(organizationId)}`, NOT_EXTENDED),
          },
          Organization,
        ),
      ),
  };
}
