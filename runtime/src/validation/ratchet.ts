/**
 * Validation ratcheting (Kubernetes' CRDValidationRatcheting, on by default
 * since 1.30): on update, errors in a part of the object that did not change
 * are dropped, so tightening a schema never blocks updates to other fields.
 * A value is compared with the old value at the same place, found by property
 * name, map key, or list-map keys; list items of other lists do not
 * correlate, so there the list as a whole must be unchanged.
 */
import type { StructuralSchema } from "../api/resource.js";

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The list-map key of an item, for correlating old and new items. */
export function listMapKey(item: unknown, s: StructuralSchema): string {
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  const rec = item && typeof item === "object" ? (item as Record<string, unknown>) : {};
  return JSON.stringify(keys.map((k) => rec[k] ?? null));
}

/**
 * Whether the value at a JSON pointer is unchanged from `oldRoot`: walks both
 * objects as far as they correlate and compares the deepest pair reached.
 */
export function unchangedAt(newRoot: unknown, oldRoot: unknown, pointer: string, schema: StructuralSchema): boolean {
  let cur = newRoot;
  let old = oldRoot;
  let s: StructuralSchema | undefined = schema;
  const segs = pointer ? pointer.slice(1).split("/").map((x) => x.replace(/~1/g, "/").replace(/~0/g, "~")) : [];
  for (const seg of segs) {
    if (old === undefined) return false;
    if (Array.isArray(cur)) {
      if (!Array.isArray(old) || s?.["x-kubernetes-list-type"] !== "map") break; // not correlatable below here
      const item = cur[Number(seg)];
      const key = listMapKey(item, s);
      old = old.find((o) => listMapKey(o, s!) === key);
      cur = item;
      s = s.items;
    } else if (cur && typeof cur === "object") {
      const next: unknown = (cur as Record<string, unknown>)[seg];
      old = old && typeof old === "object" && !Array.isArray(old) ? (old as Record<string, unknown>)[seg] : undefined;
      cur = next;
      s = s?.properties?.[seg] ?? (typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined);
    } else break;
  }
  return old !== undefined && deepEqual(cur, old);
}
