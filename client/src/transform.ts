import type { KubeObject } from "./types.js";

/** Rewrites an object before an informer caches it (client-go's TransformFunc); may change it in place. */
export type TransformFunc<T> = (obj: T) => T;

const EMPTY: Record<string, never> = Object.freeze({}) as Record<string, never>;

/**
 * The informers' default transform. managedFields' `fieldsV1` is a tree whose
 * leaves are all `{}`: parsed, each is its own object (~30 bytes of heap for 2
 * bytes of JSON), which alone takes a cache of typical objects from ~1.4x to
 * ~2.2x their JSON size. All leaves become one shared frozen `{}`: the object
 * reads and serialises the same, and the cache stays compact.
 */
export function compactManagedFields<T extends KubeObject>(obj: T): T {
  const mf = (obj.metadata as { managedFields?: Array<{ fieldsV1?: unknown }> } | undefined)?.managedFields;
  if (mf) for (const entry of mf) if (entry.fieldsV1 && typeof entry.fieldsV1 === "object") entry.fieldsV1 = shareLeaves(entry.fieldsV1 as Record<string, unknown>);
  return obj;
}

function shareLeaves(node: Record<string, unknown>): Record<string, unknown> {
  let n = 0;
  for (const k in node) {
    n++;
    const v = node[k];
    if (v && typeof v === "object") node[k] = shareLeaves(v as Record<string, unknown>);
  }
  return n === 0 ? EMPTY : node;
}

/** Drops managedFields altogether (controller-runtime's TransformStripManagedFields), for caches that never need them. */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (obj.metadata && "managedFields" in obj.metadata) delete (obj.metadata as { managedFields?: unknown }).managedFields;
  return obj;
}
