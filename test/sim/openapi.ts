/**
 * Checks HTTP exchanges against the official VB365 OpenAPI documents (spec/vbo-openapi).
 *
 * OpenAPI 3.0 is not quite JSON Schema, so each document's schemas are converted first:
 * - `nullable: true` becomes a `null` type (and a `null` enum member; Ajv alone rejects null there);
 * - `discriminator` + `mapping` becomes "if eventType is X then the mapped schema", so a v8 change
 *   event is checked against its own type's schema;
 * - vendor `x-` keywords and `example` are dropped;
 * - objects get `additionalProperties: false`: a field the version does not define (a v8 `msid`
 *   on v6, a `totalCount` on a v8 page) fails, which is what keeps versions apart.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvModule, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { ApiVersion } from "../../src/vbo/schemas.ts";

// Both are CommonJS modules that also export themselves as `default`; under nodenext the default
// import is the module object, so take `.default` (the same function at run time).
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export const SPEC_DIR = join(import.meta.dirname, "../../spec/vbo-openapi");

type Json = unknown;
interface Operation {
  operationId: string;
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

export interface Exchange {
  status: number;
  contentType: string | null;
  text: string;
}

/** `#/components/schemas/X` → `<root>#/definitions/X`: the schemas are added under `definitions`. */
const ref = (pointer: string, root: string) =>
  pointer.replace(/^#\/components\/schemas\//, `${root}#/definitions/`);

function convert(node: Json, root: string): Json {
  if (Array.isArray(node)) return node.map((n) => convert(n, root));
  if (node === null || typeof node !== "object") return node;
  const src = node as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(src)) {
    if (key.startsWith("x-") || key === "example" || key === "nullable" || key === "discriminator") continue;
    if (key === "$ref" && typeof value === "string") out.$ref = ref(value, root);
    else if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, root)]));
    } else out[key] = convert(value, root);
  }
  if (src.type === "object" && src.properties && src.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  const discriminator = src.discriminator as
    | { propertyName: string; mapping?: Record<string, string> }
    | undefined;
  if (discriminator?.mapping) {
    out.allOf = Object.entries(discriminator.mapping).map(([value, target]) => ({
      if: {
        properties: { [discriminator.propertyName]: { const: value } },
        required: [discriminator.propertyName],
      },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword.
      then: { $ref: ref(target, root) },
    }));
  }
  if (src.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.$ref !== undefined) return { anyOf: [{ $ref: out.$ref }, { type: "null" }] };
  }
  return out;
}

export class OpenApiDoc {
  readonly version: ApiVersion;
  readonly operations: Operation[] = [];
  private readonly ajv: AjvModule.default;
  private readonly root: string;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(version: ApiVersion) {
    this.version = version;
    const doc = JSON.parse(readFileSync(join(SPEC_DIR, `vb365_rest_${version}.subset.json`), "utf8")) as {
      paths: Record<string, Record<string, Omit<Operation, "method" | "path">>>;
      components: { schemas: Json };
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === "parameters") continue;
        this.operations.push({ ...op, method: method.toUpperCase(), path });
      }
    }
    this.root = `vb365-${version}`;
    this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, validateFormats: true });
    addFormats(this.ajv, { mode: "full" });
    this.ajv.addSchema({ $id: this.root, definitions: convert(doc.components.schemas, this.root) });
  }

  operation(operationId: string): Operation {
    const op = this.operations.find((o) => o.operationId === operationId);
    if (!op) throw new Error(`${this.version} has no operation ${operationId}`);
    return op;
  }

  /** The documented path with its parameters filled in (URL-encoded). */
  url(operationId: string, params: Record<string, string> = {}, query: Record<string, string> = {}): string {
    const path = this.operation(operationId).path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`missing path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const q = new URLSearchParams(query).toString();
    return q ? `${path}?${q}` : path;
  }

  /**
   * What is wrong with this answer to `operationId`, per the document: an empty list when nothing.
   * A success status must be one the operation lists (a 201 where it says 204 is wrong); errors
   * fall under `default`.
   */
  problems(operationId: string, exchange: Exchange): string[] {
    const op = this.operation(operationId);
    const status = String(exchange.status);
    const listed = op.responses[status];
    const success = exchange.status >= 200 && exchange.status < 300;
    if (success && !listed) {
      return [
        `${exchange.status} is not a documented answer of ${operationId} (${Object.keys(op.responses).join(", ")})`,
      ];
    }
    const response = listed ?? op.responses.default;
    if (!response) return [`${exchange.status} is not documented for ${operationId}`];
    const media = response.content ? Object.entries(response.content)[0] : undefined;
    if (!media) {
      return exchange.text === ""
        ? []
        : [`${operationId} ${status} must have no body, got ${exchange.text.slice(0, 80)}`];
    }
    if (!/^application\/json(;|$)/i.test(exchange.contentType ?? "")) {
      return [`${operationId} ${status}: content type ${exchange.contentType}, expected application/json`];
    }
    let body: unknown;
    try {
      body = JSON.parse(exchange.text);
    } catch {
      return [`${operationId} ${status}: body is not JSON`];
    }
    const key = `${operationId} ${status}`;
    const validate = this.cache.get(key) ?? this.ajv.compile(convert(media[1].schema, this.root) as object);
    this.cache.set(key, validate);
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message}`);
  }
}
