/**
 * Visits every object and array of a value together with the structural schema
 * that describes it (items, properties, additionalProperties), with its field
 * path: the traversal the structural validators share.
 */
import type { StructuralSchema } from "../api/resource.js";
import { childPath, indexPath, keyPath } from "./paths.js";

export type SchemaVisitor = (value: object, schema: StructuralSchema, path: string) => void;

export function walkWithSchema(value: unknown, schema: StructuralSchema | undefined, path: string, visit: SchemaVisitor): void {
  if (!schema || value === null || typeof value !== "object") return;
  visit(value, schema, path);
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkWithSchema(item, schema.items, indexPath(path, i), visit));
    return;
  }
  const additional = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
  for (const [k, v] of Object.entries(value)) {
    const prop = schema.properties?.[k];
    if (prop) walkWithSchema(v, prop, childPath(path, k), visit);
    else if (additional) walkWithSchema(v, additional, keyPath(path, k), visit);
  }
}
