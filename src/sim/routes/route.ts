import type { ApiVersion } from "../../vbo/schemas.ts";
import { badRequest, type RequestContext, type SimResponse } from "../http.ts";
import type { SimState } from "../state.ts";

export interface Route {
  method: "GET" | "POST" | "PUT";
  /** Template after the version, spelled as the spec spells it: `Organizations/{organizationId}/Users`. */
  path: string;
  /** The versions whose spec has this operation; all when absent. */
  versions?: readonly ApiVersion[];
  /** Served without a token (only `/token`). */
  anonymous?: boolean;
  handle(ctx: RequestContext, state: SimState): SimResponse | Promise<SimResponse>;
}

/** A boolean query parameter: `true` or `false` in any case, anything else is a 400. */
export function boolParam(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  const v = value.toLowerCase();
  if (v !== "true" && v !== "false") throw badRequest(`The value '${value}' is not valid for ${name}.`);
  return v === "true";
}
