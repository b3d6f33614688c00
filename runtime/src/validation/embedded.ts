/**
 * Embedded resources (`x-kubernetes-embedded-resource`) must say what they
 * are: apiextensions requires a non-empty apiVersion and kind on each one
 * (schema/objectmeta validation), before the schema's own rules.
 */
import type { FieldError, StructuralSchema } from "../api/resource.js";
import { fieldError } from "./field-errors.js";
import { childPath } from "./paths.js";
import { relevantWhere, walkWithSchema } from "./schema-walk.js";

const hasEmbeddedResource = relevantWhere((s) => !!s["x-kubernetes-embedded-resource"]);

export function validateEmbeddedResources(value: unknown, schema: StructuralSchema | undefined, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  walkWithSchema(value, schema, path, (node, s, at) => {
    if (Array.isArray(node) || !s["x-kubernetes-embedded-resource"]) return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.apiVersion !== "string" || obj.apiVersion === "") errs.push(fieldError.required(childPath(at, "apiVersion"), "must not be empty"));
    if (typeof obj.kind !== "string" || obj.kind === "") errs.push(fieldError.required(childPath(at, "kind"), "must not be empty"));
  }, hasEmbeddedResource);
  return errs;
}
