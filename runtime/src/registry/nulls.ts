/**
 * apiextensions drops `null` values of fields whose schema is not `nullable` before
 * defaulting ("null values ... are pruned"), and ObjectMeta fields are omitempty, so a
 * `labels: null` or `creationTimestamp: null` from a client never reaches storage.
 */
import type { StructuralSchema } from "../api/resource.js";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function walk(value: unknown, s: StructuralSchema | undefined): void {
  if (!s) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, s.items);
    return;
  }
  if (!isObj(value)) return;
  const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  // for-in, not Object.entries: no array of pairs per object (deleting the member visited is allowed)
  for (const k in value) {
    const prop = s.properties?.[k] ?? additional;
    if (!prop) continue;
    const v = value[k];
    if (v === null) {
      if (!prop.nullable) delete value[k];
    } else walk(v, prop);
  }
}

/** Removes non-nullable nulls in place (the root's metadata: every null). */
export function dropNulls(obj: Obj, schema: StructuralSchema): void {
  const meta = obj.metadata;
  if (isObj(meta)) for (const k in meta) if (meta[k] === null) delete meta[k];
  for (const k in obj) {
    if (k === "metadata") continue;
    const v = obj[k];
    const prop = schema.properties?.[k];
    if (v === null && prop && !prop.nullable) delete obj[k];
    else walk(v, prop);
  }
}
