/**
 * Fields that have no home in the other version survive a round trip in an
 * annotation, as Kubernetes keeps e.g. autoscaling/v2 metrics in
 * `autoscaling.alpha.kubernetes.io/metrics` on an autoscaling/v1 object. Which
 * fields are lost is found generically: convert there and back and compare, so
 * user conversion functions never have to say what they dropped.
 */
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import type { Obj } from "./types.js";

function isPlainObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The parts of `original` that `roundTripped` does not reproduce, as a sparse
 * object of the same shape (lists are kept whole: their items have no stable
 * address). `metadata` is never converted, so it is never lost. Undefined when
 * nothing is lost.
 */
export function lostFields(original: Obj, roundTripped: Obj, top = true): Obj | undefined {
  let lost: Obj | undefined;
  for (const [k, v] of Object.entries(original)) {
    if (top && (k === "metadata" || k === "apiVersion" || k === "kind")) continue;
    const back = roundTripped[k];
    let part: unknown;
    if (!(k in roundTripped)) part = v;
    else if (isPlainObject(v) && isPlainObject(back)) part = lostFields(v, back, false);
    else if (!deepEqual(v, back)) part = v;
    if (part !== undefined) (lost ??= {})[k] = part;
  }
  return lost;
}

/** Puts kept fields back: objects merge key by key, anything else replaces. Mutates `obj`. */
export function restoreFields(obj: Obj, kept: Obj): void {
  for (const [k, v] of Object.entries(kept)) {
    const cur = obj[k];
    if (isPlainObject(v) && isPlainObject(cur)) restoreFields(cur, v);
    else obj[k] = deepCopyJSON(v);
  }
}

/** `shop.example.com/v1beta1-fields`: fields of a v1beta1 object with no home in the version it is held in. */
export function stashAnnotation(group: string, version: string): string {
  return `${group}/${version}-fields`;
}
