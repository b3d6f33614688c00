/**
 * Embedded resources (`x-kubernetes-embedded-resource`) must say what they
 * are: apiextensions requires a non-empty apiVersion and kind on each one
 * (schema/objectmeta validation), before the schema's own rules.
 */
import type { FieldError, StructuralSchema } from "../api/resource.js";
import { fieldError } from "./field-errors.js";
import { childPath, indexPath, keyPath } from "./paths.js";

export function validateEmbeddedResources(value: unknown, schema: StructuralSchema | undefined, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  walk(value, schema, path, errs);
  return errs;
}

function walk(value: unknown, s: StructuralSchema | undefined, path: string, errs: FieldError[]): void {
  if (!s || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, s.items, indexPath(path, i), errs));
    return;
  }
  const obj = value as Record<string, unknown>;
  if (s["x-kubernetes-embedded-resource"]) {
    if (typeof obj.apiVersion !== "string" || obj.apiVersion === "") errs.push(fieldError.required(childPath(path, "apiVersion"), "must not be empty"));
    if (typeof obj.kind !== "string" || obj.kind === "") errs.push(fieldError.required(childPath(path, "kind"), "must not be empty"));
  }
  const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(obj)) {
    const prop = s.properties?.[k];
    if (prop) walk(v, prop, childPath(path, k), errs);
    else if (additional) walk(v, additional, keyPath(path, k), errs);
  }
}
