/**
 * Visits every object and array of a value together with the structural schema
 * that describes it (items, properties, additionalProperties), with its field
 * path: the traversal the structural validators share.
 */
import type { StructuralSchema } from "../api/resource.js";
import { childPath, indexPath, keyPath } from "./paths.js";

export type SchemaVisitor = (value: object, schema: StructuralSchema, path: string) => void;

/** Whether a schema node, or any node below it, is one a visitor acts on. */
export type SchemaRelevance = (schema: StructuralSchema | undefined) => boolean;

/**
 * A SchemaRelevance for the nodes `acts` picks, remembered per schema node: schemas are
 * built once per kind, so the walks of every request skip the subtrees nothing is checked in.
 */
export function relevantWhere(acts: (schema: StructuralSchema) => boolean): SchemaRelevance {
  const memo = new WeakMap<StructuralSchema, boolean>();
  const relevant: SchemaRelevance = (s) => {
    if (!s) return false;
    let r = memo.get(s);
    if (r === undefined) {
      r =
        acts(s) ||
        relevant(s.items) ||
        (typeof s.additionalProperties === "object" && relevant(s.additionalProperties)) ||
        Object.values(s.properties ?? {}).some(relevant);
      memo.set(s, r);
    }
    return r;
  };
  return relevant;
}

/** Walks `value` with `schema`, visiting only where `relevant` says something below may be checked. */
export function walkWithSchema(value: unknown, schema: StructuralSchema | undefined, path: string, visit: SchemaVisitor, relevant: SchemaRelevance): void {
  if (!schema || value === null || typeof value !== "object" || !relevant(schema)) return;
  visit(value, schema, path);
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkWithSchema(item, schema.items, indexPath(path, i), visit, relevant));
    return;
  }
  const additional = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
  const obj = value as Record<string, unknown>;
  // Relevance first: no path is spelled for a member nothing below is checked in.
  for (const k in obj) {
    const prop = schema.properties?.[k];
    if (prop) {
      if (relevant(prop)) walkWithSchema(obj[k], prop, childPath(path, k), visit, relevant);
    } else if (additional && relevant(additional)) walkWithSchema(obj[k], additional, keyPath(path, k), visit, relevant);
  }
}
