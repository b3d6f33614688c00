/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) driven by the
 * structural schema instead of Go struct tags: a list merges by key when its schema says
 * `x-kubernetes-list-type: map` with `x-kubernetes-list-map-keys` (or carries
 * `x-kubernetes-patch-strategy: merge` + `x-kubernetes-patch-merge-key`); other lists are
 * replaced. Understands the directives kubectl sends: `$patch: replace|delete` (and
 * refuses the others), `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and
 * `$retainKeys`, checked as patch.go checks them, with mergepatch/errors.go's texts.
 */
import type { StructuralSchema } from "../api/resource.js";
import { goSprint, goSprintS, goTypeName } from "./go-sprint.js";
import { deepEqual } from "./jsonpatch.js";

/**
 * How the patch handler answers (handlers/patch.go interpretStrategicMergePatchError):
 * mergepatch's format errors are 400, lists of lists a 422 without details, and every
 * other error is returned as it is, which kube writes as a 500 with the error's text.
 */
export type StrategicMergePatchErrorKind = "BadRequest" | "Unprocessable" | "Internal";

export class StrategicMergePatchError extends Error {
  constructor(
    message: string,
    readonly kind: StrategicMergePatchErrorKind = "BadRequest",
  ) {
    super(message);
  }
}

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER = "$setElementOrder/";

// mergepatch/errors.go
const BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
const NO_LIST_OF_LISTS = "lists of lists are not supported";

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function internal(message: string): StrategicMergePatchError {
  return new StrategicMergePatchError(message, "Internal");
}

/** mergepatch.ErrBadArgType: the Go types of the expected and the received value. */
function badArgType(expected: string, actual: unknown): StrategicMergePatchError {
  return internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function noMergeKey(m: Obj, key: string): StrategicMergePatchError {
  return internal(`map: ${goSprint(m)} does not contain declared merge key: ${key}`);
}

function badPatchType(directive: unknown, m: Obj): StrategicMergePatchError {
  return internal(`unknown patch type: ${goSprintS(directive)} in map: ${goSprint(m)}`);
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

const DROP = Symbol("drop");

/**
 * A patch value inserted as it is (removeDirectives): a map carrying `$patch` is dropped
 * (from its parent map or list), other `$`-keys and null fields are left out.
 */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const s = stripDirectives(e);
      if (s !== DROP) out.push(s);
    }
    return out;
  }
  if (!isObject(v)) return v;
  if (DIRECTIVE in v) return DROP;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith("$") || val === null) continue;
    const s = stripDirectives(val);
    if (s !== DROP) out[k] = s;
  }
  return out;
}

/** Applies `patch` to `original` (mutated when an object) and returns the result. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema?: StructuralSchema): unknown {
  if (!isObject(patch)) throw new StrategicMergePatchError("Invalid JSON Patch");
  return mergeMap(isObject(original) ? original : {}, patch, schema);
}

function mergeMap(orig: Obj, patch: Obj, schema: StructuralSchema | undefined): Obj {
  if (DIRECTIVE in patch) {
    // handleDirectiveInMergeMap: replace takes the patch, delete leaves an empty map.
    const directive = patch[DIRECTIVE];
    if (directive === "replace") {
      const { [DIRECTIVE]: _directive, ...rest } = patch;
      return stripDirectives(rest) as Obj;
    }
    if (directive === "delete") return {};
    throw badPatchType(directive, patch);
  }
  applyRetainKeys(orig, patch);
  const orders = checkSetElementOrders(orig, patch, schema);
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      deleteFromPrimitiveList(orig, k.slice(DELETE_FROM_PRIMITIVE.length), v);
      continue;
    }
    if (k.startsWith("$")) continue;
    if (v === null) {
      delete orig[k];
      continue;
    }
    const fs = fieldSchema(schema, k);
    const cur = orig[k];
    if (isObject(v) && isObject(cur)) orig[k] = mergeMap(cur, v, fs);
    else if (Array.isArray(v) && Array.isArray(cur)) orig[k] = mergeList(cur, v, fs);
    else {
      // absent or of another type: the patch value replaces it
      const s = stripDirectives(v);
      if (s === DROP) delete orig[k];
      else orig[k] = s;
    }
  }
  for (const { field, order, keys } of orders) {
    if (Array.isArray(orig[field])) orig[field] = reorder(orig[field] as unknown[], order, keys);
  }
  return orig;
}

/** applyRetainKeysDirective: every field the patch sets must be listed; unlisted fields are cleared. */
function applyRetainKeys(orig: Obj, patch: Obj): void {
  if (!(RETAIN_KEYS in patch)) return;
  const retain = patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw new StrategicMergePatchError(BAD_RETAIN_KEYS);
  // Go compares interface values: only strings can name a field
  const listed = new Set(retain.filter((k): k is string => typeof k === "string"));
  for (const [k, v] of Object.entries(patch)) {
    if (k === RETAIN_KEYS || v === null || k.startsWith(DELETE_FROM_PRIMITIVE) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!listed.has(k)) throw new StrategicMergePatchError(BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(orig)) if (!listed.has(k)) delete orig[k];
}

interface ElementOrder {
  field: string;
  order: unknown[];
  keys: string[] | undefined;
}

/** mergePatchIntoOriginal's checks of each `$setElementOrder/<field>` (the ordering itself is applied after the merge). */
function checkSetElementOrders(orig: Obj, patch: Obj, schema: StructuralSchema | undefined): ElementOrder[] {
  const orders: ElementOrder[] = [];
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!Array.isArray(order)) throw badArgType("[]interface {}", order);
    const field = k.slice(SET_ELEMENT_ORDER.length);
    if (field in orig && !Array.isArray(orig[field])) throw badArgType("[]interface {}", orig[field]);
    const patchList = patch[field];
    if (field in patch && !Array.isArray(patchList)) throw badArgType("[]interface {}", patchList);
    const keys = mergeKeys(fieldSchema(schema, field));
    validateOrder(Array.isArray(patchList) ? patchList : [], order, keys);
    orders.push({ field, order, keys });
  }
  return orders;
}

/**
 * validatePatchWithSetOrderList: the patch list's items (deletions aside) must appear in
 * the `$setElementOrder` list, in the same relative order.
 */
function validateOrder(patchList: unknown[], order: unknown[], keys: string[] | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (keys) {
    items = [];
    for (const e of patchList) {
      if (!isObject(e)) throw badArgType("map[string]interface {}", e);
      if (e[DIRECTIVE] !== "delete") items.push(e);
    }
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isObject(item) && DIRECTIVE in item) {
      p++;
      continue;
    }
    if (sameElement(item, order[o], keys)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw internal(`The order in patch list:\n${goSprint(patchList)}\n doesn't match $setElementOrder list:\n${goSprint(order)}\n`);
  }
}

/** mergeKeyValueEqual: by merge key for maps (both must carry it), by value for primitives. */
function sameElement(a: unknown, b: unknown, keys: string[] | undefined): boolean {
  if (!keys) return a === b;
  if (!isObject(a)) throw badArgType("map[string]interface {}", a);
  if (!isObject(b)) throw badArgType("map[string]interface {}", b);
  for (const key of keys) {
    if (!(key in a)) throw noMergeKey(a, key);
    if (!(key in b)) throw noMergeKey(b, key);
  }
  return keys.every((key) => deepEqual(a[key], b[key]));
}

/**
 * `$deleteFromPrimitiveList/<field>`: removes the listed values from the field's list. A
 * field that is missing, or not a list like the directive's value, is left as it is.
 */
function deleteFromPrimitiveList(orig: Obj, field: string, toDelete: unknown): void {
  const cur = orig[field];
  if (!Array.isArray(cur) || !Array.isArray(toDelete)) return;
  if (cur.length === 0 && toDelete.length === 0) return;
  elementType(cur, toDelete);
  orig[field] = cur.filter((e) => !toDelete.some((d) => d === e));
}

/** sliceElementType: all elements of one Go type, and not lists. */
function elementType(...lists: unknown[][]): string {
  let type: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = goTypeName(v);
      if (type === undefined) {
        type = t;
        if (Array.isArray(v)) throw new StrategicMergePatchError(NO_LIST_OF_LISTS, "Unprocessable");
      } else if (t !== type) {
        throw internal(`list element types are not identical: ${goSprint(lists)}`);
      }
    }
  }
  return type ?? "";
}

function mergeList(orig: unknown[], patch: unknown[], schema: StructuralSchema | undefined): unknown[] {
  const keys = mergeKeys(schema);
  if (!keys && !mergesPrimitives(schema)) return stripDirectives(patch) as unknown[];
  if (orig.length === 0 && patch.length === 0) return orig;
  if (elementType(orig, patch) !== "map[string]interface {}") {
    // primitives merge as a set, whatever the merge key says
    const out = [...orig];
    for (const e of patch) if (!out.some((o) => deepEqual(o, e))) out.push(e);
    return out;
  }
  if (!keys) throw internal("cannot merge lists without merge key");
  return mergeMapList(orig, patch as Obj[], keys, schema?.items);
}

/** mergeSliceWithSpecialElements, then mergeSliceWithoutSpecialElements. */
function mergeMapList(orig: unknown[], patch: Obj[], keys: string[], items: StructuralSchema | undefined): unknown[] {
  let out = [...orig];
  const plain: Obj[] = [];
  let replace = false;
  for (const e of patch) {
    if (!(DIRECTIVE in e)) {
      plain.push(e);
      continue;
    }
    const directive = e[DIRECTIVE];
    if (directive === "delete") {
      const missing = keys.find((k) => !(k in e));
      if (missing) throw noMergeKey(e, missing);
      out = out.filter((o) => !keys.every((k) => isObject(o) && deepEqual(o[k], e[k])));
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      throw internal("merging lists cannot yet be specified in the patch");
    } else {
      throw badPatchType(directive, e);
    }
  }
  if (replace) return stripDirectives(plain) as unknown[];
  for (const e of plain) {
    const missing = keys.find((k) => !(k in e));
    if (missing) throw noMergeKey(e, missing);
    const idx = out.findIndex((o) => isObject(o) && keys.every((k) => deepEqual(o[k], e[k])));
    if (idx >= 0) out[idx] = mergeMap(out[idx] as Obj, e, items);
    else out.push(stripDirectives(e));
  }
  return out;
}

/** `$setElementOrder`: listed elements first in the given order, the others after, in their order. */
function reorder(list: unknown[], order: unknown[], keys: string[] | undefined): unknown[] {
  const used = new Set<number>();
  const out: unknown[] = [];
  for (const o of order) {
    const i = list.findIndex(
      (e, j) => !used.has(j) && (keys ? isObject(e) && isObject(o) && keys.every((k) => deepEqual(e[k], o[k])) : deepEqual(e, o)),
    );
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
