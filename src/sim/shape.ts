/**
 * How the simulator writes an object it has only some values for. A real VB365 server is an
 * ASP.NET application: it writes every property its model declares, `null` where it has no value.
 * A client tested only against a server that leaves such properties out breaks on the first real
 * one (v8's restore session events carry `userId: null`, `siteId: null`, ...).
 *
 * - `realistic` (the default): every declared field is written; a nullable field without a value
 *   is `null`; a non-nullable text, number or flag without a value gets .NET's empty value (`""`,
 *   `0`, `false`) so the answer still fits the document. Only a non-nullable object the simulator
 *   has nothing for (an organization's proxy settings outside the extended view, the other half of
 *   an audit item) is left out rather than invented.
 * - `sparse`: only fields with a value are written, as a lenient server or a proxy that drops
 *   nulls would; every optional field may be missing.
 */
export const FIELD_MODES = ["realistic", "sparse"] as const;
export type FieldMode = (typeof FIELD_MODES)[number];

/** What a declared field is, as far as filling it in goes. */
export type FieldKind = "nullable" | "text" | "number" | "flag" | "object";

/** A field as the version's document declares it: name and kind, in the document's order. */
export type Field = readonly [name: string, kind: FieldKind];

const EMPTY: Partial<Record<FieldKind, unknown>> = { text: "", number: 0, flag: false };

/**
 * `values` written as `fields` declare. Values for fields not declared are dropped: a version must
 * not send what its document does not define.
 */
export function shape(
  mode: FieldMode,
  fields: readonly Field[],
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of fields) {
    const value = values[name];
    if (value !== undefined && value !== null) out[name] = value;
    else if (mode === "sparse") continue;
    else if (kind === "nullable") out[name] = null;
    else if (kind in EMPTY) out[name] = EMPTY[kind];
  }
  return out;
}
