/**
 * Plain JSON shapes the OpenAPI writers build. Schemas stay loose records:
 * they carry OpenAPI keywords and `x-kubernetes-*` extensions side by side,
 * and the v2 writer rewrites them key by key.
 */
export type JsonSchema = { [keyword: string]: unknown };

/** Group, version and kind as kube writes them in `x-kubernetes-group-version-kind`. */
export interface Gvk {
  group: string;
  kind: string;
  version: string;
}

/** Where v3 documents point at a definition; the v2 writer swaps the prefix. */
export const V3_REF_PREFIX = "#/components/schemas/";
export const V2_REF_PREFIX = "#/definitions/";

export function ref(definition: string): JsonSchema {
  return { $ref: V3_REF_PREFIX + definition };
}

/** The definition name a `$ref` points at, or undefined when the node is no reference. */
export function refTarget(schema: JsonSchema): string | undefined {
  const r = schema.$ref;
  return typeof r === "string" && r.startsWith(V3_REF_PREFIX) ? r.slice(V3_REF_PREFIX.length) : undefined;
}

/**
 * A reference with sibling keywords. OpenAPI 3.0 ignores siblings of `$ref`,
 * so kube wraps the reference as `allOf: [{$ref}]` and keeps description and
 * default beside it; a bare reference stays bare.
 */
export function refWith(definition: string, siblings: JsonSchema): JsonSchema {
  const rest = Object.fromEntries(Object.entries(siblings).filter(([, v]) => v !== undefined));
  return Object.keys(rest).length === 0 ? ref(definition) : { allOf: [ref(definition)], ...rest };
}
