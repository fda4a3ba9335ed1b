/** The route table and its matching: path segments compare case-insensitively, as on VB365. */
import { API_VERSIONS, type ApiVersion } from "../../vbo/schemas.ts";
import { auditRoutes } from "./audit.ts";
import { authRoutes } from "./auth.ts";
import { directoryRoutes } from "./directory.ts";
import { organizationRoutes } from "./organizations.ts";
import { restoreRoutes } from "./restore.ts";
import type { Route } from "./route.ts";

export type { Route } from "./route.ts";

interface Compiled {
  route: Route;
  /** Literal segments lower-cased; parameters as `{name}`. */
  segments: string[];
  /** For statistics: "Organizations/{id}/Users". */
  label: string;
}

const compile = (route: Route): Compiled => ({
  route,
  segments: route.path.split("/").map((s) => (s.startsWith("{") ? s : s.toLowerCase())),
  label: route.path.replace(/\{[^}]+\}/g, "{id}"),
});

export type RouteMatch =
  | { kind: "found"; route: Route; version: ApiVersion; params: Record<string, string>; label: string }
  /** The path exists but not for this method: 405. */
  | { kind: "method"; label: string }
  /** No such version, or the version is not served, or it lacks this operation: 404. */
  | { kind: "none"; label: string };

export class Router {
  private readonly table: Compiled[];

  constructor(
    routes: Route[] = [
      ...authRoutes,
      ...organizationRoutes,
      ...directoryRoutes,
      ...auditRoutes,
      ...restoreRoutes,
    ],
  ) {
    this.table = routes.map(compile);
  }

  /** `segments` are the decoded path segments, the version first. */
  match(method: string, segments: string[], served: ReadonlySet<ApiVersion>): RouteMatch {
    const [first, ...rest] = segments;
    const versionText = first?.toLowerCase() ?? "";
    const version = API_VERSIONS.find((v) => v === versionText);
    let label: string | undefined;
    let methodMismatch = false;
    for (const c of this.table) {
      const params = matchSegments(c.segments, rest);
      if (!params) continue;
      label ??= `/${versionText}/${c.label}`;
      if (!version || !served.has(version) || (c.route.versions && !c.route.versions.includes(version)))
        continue;
      if (c.route.method !== method) {
        methodMismatch = true;
        continue;
      }
      return { kind: "found", route: c.route, version, params, label: `/${version}/${c.label}` };
    }
    if (methodMismatch && label) return { kind: "method", label };
    return { kind: "none", label: label ?? "<unmatched>" };
  }
}

function matchSegments(template: string[], path: string[]): Record<string, string> | undefined {
  if (template.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let k = 0; k < template.length; k++) {
    const t = template[k] ?? "";
    const p = path[k] ?? "";
    if (t.startsWith("{")) {
      if (p === "") return undefined;
      params[t.slice(1, -1)] = p;
    } else if (t !== p.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}
