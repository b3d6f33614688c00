/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) driven by the
 * structural schema instead of Go struct tags: a list merges by key when its schema says
 * `x-kubernetes-list-type: map` with `x-kubernetes-list-map-keys` (or carries
 * `x-kubernetes-patch-strategy: merge` + `x-kubernetes-patch-merge-key`); other lists are
 * replaced. Understands the directives kubectl sends: `$patch: replace|delete|merge`,
 * `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and `$retainKeys`.
 */
import type { StructuralSchema } from "../api/resource.js";
import { deepEqual } from "./jsonpatch.js";

export class StrategicMergePatchError extends Error {}

const DELETE_FROM_PRIMITIVE = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER = "$setElementOrder/";

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function fieldSchema(schema: StructuralSchema | undefined, key: string): StructuralSchema | undefined {
  if (!schema) return undefined;
  if (schema.properties && schema.properties[key]) return schema.properties[key];
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") return schema.additionalProperties;
  return undefined;
}

function mergeKeys(schema: StructuralSchema | undefined): string[] | undefined {
  if (!schema) return undefined;
  if (schema["x-kubernetes-list-type"] === "map" && schema["x-kubernetes-list-map-keys"]?.length) {
    return schema["x-kubernetes-list-map-keys"];
  }
  const strategy = schema["x-kubernetes-patch-strategy"];
  const key = schema["x-kubernetes-patch-merge-key"];
  if (typeof strategy === "string" && strategy.split(",").includes("merge") && typeof key === "string") return [key];
  return undefined;
}

function mergesPrimitives(schema: StructuralSchema | undefined): boolean {
  const strategy = schema?.["x-kubernetes-patch-strategy"];
  return (typeof strategy === "string" && strategy.split(",").includes("merge")) || schema?.["x-kubernetes-list-type"] === "set";
}

/** Removes every `$`-directive from a value that is inserted as-is. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((e) => !(isObject(e) && e.$patch === "replace" && Object.keys(e).length === 1)).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith("$")) continue;
    out[k] = stripDirectives(val);
  }
  return out;
}

function sameKeys(a: unknown, b: unknown, keys: string[]): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  return keys.every((k) => deepEqual(a[k], b[k]));
}

/** Applies `patch` to `original` (mutated when an object) and returns the result. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema?: StructuralSchema): unknown {
  if (!isObject(patch)) throw new StrategicMergePatchError("Invalid JSON Patch");
  const out = mergeMap(isObject(original) ? original : {}, patch, schema);
  return out === undefined ? {} : out;
}

function mergeMap(orig: Obj, patch: Obj, schema: StructuralSchema | undefined): Obj | undefined {
  const directive = patch.$patch;
  if (directive === "delete") return undefined;
  if (directive === "replace") return stripDirectives(patch) as Obj;
  if (directive !== undefined && directive !== "merge") {
    throw new StrategicMergePatchError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    const fs = fieldSchema(schema, k);
    if (v === null) {
      delete orig[k];
    } else if (isObject(v)) {
      const merged = mergeMap(isObject(orig[k]) ? (orig[k] as Obj) : {}, v, fs);
      if (merged === undefined) delete orig[k];
      else orig[k] = merged;
    } else if (Array.isArray(v)) {
      orig[k] = mergeList(Array.isArray(orig[k]) ? (orig[k] as unknown[]) : [], v, fs);
    } else {
      orig[k] = v;
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = k.slice(DELETE_FROM_PRIMITIVE.length);
      if (!Array.isArray(v)) throw new StrategicMergePatchError("invalid patch format for primitive list");
      if (Array.isArray(orig[field])) {
        orig[field] = (orig[field] as unknown[]).filter((e) => !v.some((d) => deepEqual(d, e)));
      }
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(SET_ELEMENT_ORDER)) {
      const field = k.slice(SET_ELEMENT_ORDER.length);
      if (!Array.isArray(v)) throw new StrategicMergePatchError("invalid patch format for setElementOrder list");
      if (Array.isArray(orig[field])) orig[field] = reorder(orig[field] as unknown[], v, mergeKeys(fieldSchema(schema, field)));
    }
  }
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new StrategicMergePatchError("invalid patch format for retainKeys");
    for (const k of Object.keys(orig)) if (!retain.includes(k)) delete orig[k];
  }
  return orig;
}

function mergeList(orig: unknown[], patch: unknown[], schema: StructuralSchema | undefined): unknown[] {
  const keys = mergeKeys(schema);
  const replace = patch.some((e) => isObject(e) && e.$patch === "replace");
  if (replace) return stripDirectives(patch.filter((e) => !(isObject(e) && e.$patch === "replace"))) as unknown[];
  if (keys) {
    const items = schema?.items;
    const out = [...orig];
    for (const e of patch) {
      if (!isObject(e)) throw new StrategicMergePatchError(`merging an object in json but data type is not struct, instead is: ${typeof e}`);
      const idx = out.findIndex((o) => sameKeys(o, e, keys));
      if (e.$patch === "delete") {
        for (let i = out.length - 1; i >= 0; i--) if (sameKeys(out[i], e, keys)) out.splice(i, 1);
        continue;
      }
      if (idx >= 0) {
        const merged = mergeMap(isObject(out[idx]) ? (out[idx] as Obj) : {}, e, items);
        if (merged === undefined) out.splice(idx, 1);
        else out[idx] = merged;
      } else {
        out.push(stripDirectives(e));
      }
    }
    return out;
  }
  if (mergesPrimitives(schema) && patch.every((e) => !isObject(e) && !Array.isArray(e))) {
    const out = [...orig];
    for (const e of patch) if (!out.some((o) => deepEqual(o, e))) out.push(e);
    return out;
  }
  return stripDirectives(patch) as unknown[];
}

/** `$setElementOrder`: listed elements first in the given order, the others after, in their order. */
function reorder(list: unknown[], order: unknown[], keys: string[] | undefined): unknown[] {
  const used = new Set<number>();
  const out: unknown[] = [];
  for (const o of order) {
    const i = list.findIndex((e, j) => !used.has(j) && (keys ? sameKeys(e, o, keys) : deepEqual(e, o)));
    if (i >= 0) {
      used.add(i);
      out.push(list[i]);
    }
  }
  list.forEach((e, j) => {
    if (!used.has(j)) out.push(e);
  });
  return out;
}
