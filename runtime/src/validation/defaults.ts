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

/** What defaulting needs of one object schema, worked out once: schemas are fixed for the server's life. */
interface ObjectPlan {
  /** Properties with a default, in the schema's order (missing ones are filled in this order). */
  defaulted: [string, StructuralSchema][];
  /** Every declared property, by name (a Map: a plain object would answer `constructor`). */
  properties: Map<string, StructuralSchema>;
  additional: StructuralSchema | undefined;
}

const plans = new WeakMap<StructuralSchema, ObjectPlan>();

function planOf(schema: StructuralSchema): ObjectPlan {
  let plan = plans.get(schema);
  if (!plan) {
    const properties = new Map(Object.entries(schema.properties ?? {}));
    plan = {
      defaulted: [...properties].filter(([, prop]) => prop.default !== undefined),
      properties,
      additional: typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined,
    };
    plans.set(schema, plan);
  }
  return plan;
}

export function applyDefaults(value: unknown, schema: StructuralSchema | undefined): void {
  if (!schema) return;
  if (isObject(value)) {
    const { defaulted, properties, additional } = planOf(schema);
    for (const [k, prop] of defaulted) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) value[k] = deepCopyJSON(prop.default);
    }
    // for-in, not Object.entries: no array of pairs per object (a request's objects are plain JSON)
    for (const k in value) {
      const prop = properties.get(k);
      if (prop) {
        if (isNonNullableNull(value[k], prop)) {
          if (prop.default === undefined) {
            // structuraldefaulting.PruneNonNullableNullsWithoutDefaults
            delete value[k];
            continue;
          }
          value[k] = deepCopyJSON(prop.default);
        }
        applyDefaults(value[k], prop);
      } else if (additional) {
        if (isNonNullableNull(value[k], additional) && additional.default !== undefined) value[k] = deepCopyJSON(additional.default);
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
