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

export function convert(node: Json, root: string): Json {
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

type Schema = Record<string, unknown>;

export class OpenApiDoc {
  readonly version: ApiVersion;
  readonly operations: Operation[] = [];
  /** The document's own schemas, unconverted: for walking declared properties. */
  private readonly schemas: Record<string, Schema>;
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
    this.schemas = doc.components.schemas as Record<string, Schema>;
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
   * Declared properties missing from a JSON answer, as paths: what a server that writes every
   * property it declares (an ASP.NET server) would not leave out. Left out of the check: objects
   * (a server cannot have what it does not know, e.g. proxy settings outside the extended view),
   * write-only fields and secrets (never echoed), and a page's `setId` (only pages read from a
   * cached result set have one).
   */
  missing(operationId: string, exchange: Exchange): string[] {
    const op = this.operation(operationId);
    const response = op.responses[String(exchange.status)] ?? op.responses.default;
    const media = response?.content ? Object.entries(response.content)[0] : undefined;
    if (!media || exchange.text === "") return [];
    const out: string[] = [];
    this.walkMissing(media[1].schema as Schema, JSON.parse(exchange.text) as unknown, "", out);
    return out;
  }

  private resolve(schema: Schema): Schema {
    const pointer = schema.$ref;
    return typeof pointer === "string"
      ? this.resolve(this.schemas[pointer.replace("#/components/schemas/", "")] ?? {})
      : schema;
  }

  private walkMissing(schemaIn: Schema, value: unknown, path: string, out: string[]): void {
    let schema = this.resolve(schemaIn);
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      const items = schema.items as Schema | undefined;
      if (items) value.forEach((v, i) => void this.walkMissing(items, v, `${path}/${i}`, out));
      return;
    }
    if (typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    const discriminator = schema.discriminator as { propertyName: string; mapping?: Record<string, string> };
    const mapped = discriminator?.mapping?.[String(record[discriminator.propertyName])];
    if (mapped) schema = this.resolve({ $ref: mapped });
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const additional = schema.additionalProperties as Schema | undefined;
    for (const [name, child] of Object.entries(record)) {
      const declared = properties[name] ?? (typeof additional === "object" ? additional : undefined);
      if (declared) this.walkMissing(declared, child, `${path}/${name}`, out);
    }
    for (const [name, declaredIn] of Object.entries(properties)) {
      if (name in record) continue;
      const declared = this.resolve(declaredIn);
      const isObject = declared.type === "object" || (declared.type === undefined && !declared.enum);
      const secret = declared.format === "password";
      if (isObject || secret || declaredIn.writeOnly === true || name === "setId") continue;
      out.push(`${path}/${name}`);
    }
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
