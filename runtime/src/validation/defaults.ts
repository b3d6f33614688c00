/**
 * Applies a structural schema's `default`s in place, as the apiextensions
 * apiserver does when it decodes a request or reads from storage: a default
 * fills a missing property only where the parent object exists, items and map
 * values are defaulted too, and a `null` in a non-nullable field counts as
 * missing (defaulted when there is a default, dropped when there is none).
 */
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import type { StructuralSchema } from "../api/resource.js";

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNonNullableNull(v: unknown, s: StructuralSchema | undefined): boolean {
  return v === null && !!s && !s.nullable;
}

export function applyDefaults(value: unknown, schema: StructuralSchema | undefined): void {
  if (!schema) return;
  if (isObject(value)) {
    const props = schema.properties ?? {};
    for (const [k, prop] of Object.entries(props)) {
      const present = Object.prototype.hasOwnProperty.call(value, k);
      if (present && !isNonNullableNull(value[k], prop)) continue;
      if (prop.default !== undefined) value[k] = deepCopyJSON(prop.default);
      // structuraldefaulting.PruneNonNullableNullsWithoutDefaults
      else if (present) delete value[k];
    }
    const additional = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
    for (const [k, v] of Object.entries(value)) {
      const prop = props[k];
      if (prop) applyDefaults(v, prop);
      else if (additional) {
        if (isNonNullableNull(v, additional) && additional.default !== undefined) value[k] = deepCopyJSON(additional.default);
        applyDefaults(value[k], additional);
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      if (isNonNullableNull(value[i], schema.items) && schema.items.default !== undefined) value[i] = deepCopyJSON(schema.items.default);
      applyDefaults(value[i], schema.items);
    }
  }
}
