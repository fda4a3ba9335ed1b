/**
 * Spec-valid answers generated from the official OpenAPI documents (spec/vbo-openapi) with
 * json-schema-faker, for the generated conformance test. Each variant reshapes the document's
 * schemas before generation, never the instances after it:
 * - `nulls`: every nullable field null (all fields present);
 * - `required`: only the fields the document requires;
 * - `enums`, round k: every enum pinned to its k-th value (k over the longest enum, so each value
 *   of each enum appears);
 * - `unknownEnums`: every enum pinned to a value the document does not list (a newer build's);
 * - `random`: random valid instances, optional fields present half the time.
 * The generator is seeded: the same seed gives the same instances on every run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JSONSchemaFaker } from "json-schema-faker";
import type { ApiVersion } from "../../src/vbo/schemas.ts";
import { convert, SPEC_DIR } from "../sim/openapi.ts";

export type Variant =
  | { kind: "nulls" }
  | { kind: "required" }
  | { kind: "enums"; round: number }
  | { kind: "unknownEnums" }
  | { kind: "random" };

export const UNKNOWN_ENUM_VALUE = "AddedInALaterBuild";

type Node = Record<string, unknown>;

/** mulberry32: a small seeded generator, so runs repeat exactly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `node` with `edit` applied to every schema object in it, children first. */
function mapSchemas(node: unknown, edit: (schema: Node) => Node): unknown {
  if (Array.isArray(node)) return node.map((n) => mapSchemas(n, edit));
  if (node === null || typeof node !== "object") return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) out[k] = mapSchemas(v, edit);
  return edit(out);
}

function reshape(schemas: unknown, variant: Variant): unknown {
  switch (variant.kind) {
    case "nulls":
      return mapSchemas(schemas, (s) => (s.nullable === true ? { type: "null" } : s));
    case "enums":
      return mapSchemas(schemas, (s) =>
        Array.isArray(s.enum) && s.enum.length > 0
          ? { ...s, enum: [s.enum[variant.round % s.enum.length]] }
          : s,
      );
    case "unknownEnums":
      return mapSchemas(schemas, (s) => (Array.isArray(s.enum) ? { ...s, enum: [UNKNOWN_ENUM_VALUE] } : s));
    default:
      return schemas;
  }
}

export class InstanceGenerator {
  readonly version: ApiVersion;
  readonly #doc: { paths: Record<string, Record<string, Node>>; components: { schemas: Node } };

  constructor(version: ApiVersion) {
    this.version = version;
    this.#doc = JSON.parse(readFileSync(join(SPEC_DIR, `vb365_rest_${version}.subset.json`), "utf8"));
  }

  /** The operation ids of this version's document. */
  operationIds(): string[] {
    return Object.values(this.#doc.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([method]) => method !== "parameters")
        .map(([, op]) => String(op.operationId)),
    );
  }

  /** The longest enum of the document: how many `enums` rounds show every value. */
  longestEnum(): number {
    let longest = 0;
    mapSchemas(this.#doc.components.schemas, (s) => {
      if (Array.isArray(s.enum)) longest = Math.max(longest, s.enum.length);
      return s;
    });
    return longest;
  }

  /** One instance of the answer `status` (default: the success) of `operationId`. */
  instance(operationId: string, variant: Variant, random: () => number, status?: string): unknown {
    const op = Object.values(this.#doc.paths)
      .flatMap((item) => Object.values(item))
      .find((o) => o.operationId === operationId);
    if (!op) throw new Error(`${this.version} has no operation ${operationId}`);
    const responses = op.responses as Record<string, { content?: Record<string, { schema: unknown }> }>;
    const key = status ?? Object.keys(responses).find((s) => s.startsWith("2")) ?? "default";
    const media = responses[key]?.content;
    const schema = media ? Object.values(media)[0]?.schema : undefined;
    if (schema === undefined) throw new Error(`${operationId} ${key} has no body`);

    const definitions = convert(reshape(this.#doc.components.schemas, variant), "");
    const root = { ...(convert(reshape(schema, variant), "") as Node), definitions };
    JSONSchemaFaker.option({
      random,
      alwaysFakeOptionals: variant.kind !== "random",
      optionalsProbability: variant.kind === "random" ? 0.5 : false,
      requiredOnly: variant.kind === "required",
      fixedProbabilities: true,
      minItems: 1,
      maxItems: 4,
      failOnInvalidFormat: false,
      failOnInvalidTypes: false,
      useExamplesValue: false,
      useDefaultValue: false,
      refDepthMax: 6,
    });
    // biome-ignore lint/suspicious/noExplicitAny: json-schema-faker's own schema type is narrower than OpenAPI's.
    return JSONSchemaFaker.generate(root as any);
  }
}
