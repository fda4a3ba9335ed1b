/**
 * The VB365 servers the bot talks to, and which one holds an organization. A service provider runs
 * several servers, each with dozens of tenant organizations; everything the core asks VB365 about
 * an organization goes to that organization's server, and a server that is down costs only its own
 * organizations. The simple case is one server, named `default`.
 *
 * An organization knows its server once it has been listed (`KnownOrganization.server`) or stored
 * (a request's organization). VB365 gives organizations GUIDs of its own, so an id names one
 * organization across the fleet; an id listed by two servers is refused rather than guessed.
 */
import { mapLimit } from "../async.ts";
import { type ApiVersionSetting, DEFAULT_SERVER } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { VboApi } from "../vbo/api.ts";
import { VboError } from "../vbo/errors.ts";
import type { Organization } from "../vbo/schemas.ts";
import type { OrganizationRef } from "./vocabulary.ts";

export { DEFAULT_SERVER };

export interface VboServer {
  /** The name the routing file gives it (`default` in the simple case). */
  name: string;
  vbo: VboApi;
  /** What `status` shows of it. */
  url: string;
  apiVersion: ApiVersionSetting;
}

/** One server's organizations as last listed, or why they could not be. */
export interface ServerListing {
  server: string;
  organizations: Organization[];
  /** Set when this listing failed; `organizations` then holds the last good list (maybe empty). */
  error?: unknown;
}

export interface Fleet {
  readonly servers: readonly VboServer[];
  /** Whether there is more than one server (then names show their server). */
  readonly several: boolean;
  /** The server of this name; throws on a name the configuration does not have. */
  named(name: string): VboServer;
  /** The VB365 of an organization: its own server when given, else the one that listed its id. */
  of(organization: Pick<OrganizationRef, "id" | "server"> | string): VboApi;
  /** The server's name of an organization, as `of` finds it. */
  serverOf(organization: Pick<OrganizationRef, "id" | "server"> | string): string;
  /**
   * Every server's organizations, listed at once (a few servers at a time). A server that fails
   * gives its last good list with the error; only the caller decides whether that is enough.
   */
  listOrganizations(): Promise<ServerListing[]>;
}

/** At most this many servers are asked at once. */
export const FLEET_CONCURRENCY = 4;

export function createFleet(servers: readonly VboServer[], logger: Logger): Fleet {
  if (servers.length === 0) throw new Error("a fleet needs at least one VB365 server");
  const byName = new Map(servers.map((s) => [s.name, s]));
  const log = logger.child({ component: "servers" });
  /** Organization id (lower case) → server name, from the last listings; null: on two servers. */
  const home = new Map<string, string | null>();
  const lastGood = new Map<string, Organization[]>();
  const only = servers.length === 1 ? servers[0] : undefined;

  function named(name: string): VboServer {
    const server = byName.get(name);
    if (server === undefined) throw new Error(`no VB365 server is named ${name}`);
    return server;
  }

  function serverOf(organization: Pick<OrganizationRef, "id" | "server"> | string): string {
    const id = typeof organization === "string" ? organization : organization.id;
    if (typeof organization !== "string" && organization.server !== undefined) return organization.server;
    if (only) return only.name;
    const found = home.get(id.toLowerCase());
    if (found === undefined || found === null) {
      throw new VboError({
        kind: "http",
        status: 404,
        operation: "organization lookup",
        message:
          found === null
            ? `organization ${id} is listed by more than one VB365 server; name it with its server`
            : `organization ${id} is not known on any VB365 server`,
      });
    }
    return found;
  }

  async function listOne(server: VboServer): Promise<ServerListing> {
    try {
      const organizations = await server.vbo.listOrganizations();
      lastGood.set(server.name, organizations);
      return { server: server.name, organizations };
    } catch (err) {
      log.warn("listing a server's organizations failed", { server: server.name, error: err });
      return { server: server.name, organizations: lastGood.get(server.name) ?? [], error: err };
    }
  }

  return {
    servers,
    several: servers.length > 1,
    named,
    of: (organization) => named(serverOf(organization)).vbo,
    serverOf,
    async listOrganizations() {
      const listings = await mapLimit(servers, FLEET_CONCURRENCY, listOne);
      const seen = new Map<string, string | null>();
      for (const listing of listings) {
        for (const o of listing.organizations) {
          if (!o.id) continue;
          const key = o.id.toLowerCase();
          const other = seen.get(key);
          seen.set(key, other === undefined || other === listing.server ? listing.server : null);
        }
      }
      home.clear();
      for (const [id, server] of seen) home.set(id, server);
      return listings;
    },
  };
}

/** The simple case: one server, named `default`. */
export function singleServer(vbo: VboApi, settings: Omit<VboServer, "vbo" | "name">, logger: Logger): Fleet {
  return createFleet([{ name: DEFAULT_SERVER, vbo, ...settings }], logger);
}
