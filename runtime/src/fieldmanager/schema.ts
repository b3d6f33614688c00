/**
 * How structured-merge-diff sees a CRD structural schema node: a map (struct or
 * granular/atomic map), a list (atomic, set or map by keys) or a scalar. Nodes without
 * a schema (x-kubernetes-preserve-unknown-fields) are deduced from the value: objects
 * are granular maps, arrays atomic lists (typed/deduced.go).
 */
import type { StructuralSchema } from "../api/resource.js";
import { fieldPE, indexPE, keyPE, valuePE } from "./pathelement.js";

export type Schema = StructuralSchema | undefined;
export type NodeKind = "map" | "list" | "scalar";

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function deduced(v: unknown): NodeKind | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return "list";
  if (isObj(v)) return "map";
  return "scalar";
}

/**
 * The kind of a node holding `a` and/or `b` (live and config, or old and new). A value
 * whose shape disagrees with the schema (or two sides that disagree) is a scalar leaf:
 * it is replaced whole, never merged.
 */
export function kindOf(s: Schema, a: unknown, b?: unknown): NodeKind {
  let k: NodeKind | undefined;
  if (s && !s["x-kubernetes-int-or-string"] && s.type) k = s.type === "object" ? "map" : s.type === "array" ? "list" : "scalar";
  const da = deduced(a);
  const db = deduced(b);
  if (!k) k = da ?? db ?? "scalar";
  if ((da && da !== k) || (db && db !== k)) return "scalar";
  return k;
}

export function isAtomic(s: Schema, kind: NodeKind): boolean {
  if (kind === "scalar") return true;
  if (kind === "list") return (s?.["x-kubernetes-list-type"] ?? "atomic") === "atomic";
  return s?.["x-kubernetes-map-type"] === "atomic";
}

export function childSchema(s: Schema, key: string): Schema {
  const p = s?.properties?.[key];
  if (p) return p;
  return typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined;
}

/** A declared struct field (not a map entry): toFieldSet does not own it by itself. */
export const isDeclaredField = (s: Schema, key: string): boolean => !!s?.properties && Object.hasOwn(s.properties, key);

/** listItemToPathElement: `v:` for sets, `k:` by the map keys (key defaults filled in), `i:` otherwise. */
export function itemPE(s: Schema, item: unknown, index: number): string {
  const type = s?.["x-kubernetes-list-type"];
  if (type === "set") return valuePE(item);
  if (type === "map" && isObj(item)) {
    const key: Record<string, unknown> = {};
    for (const k of s?.["x-kubernetes-list-map-keys"] ?? []) {
      const v = item[k] ?? s?.items?.properties?.[k]?.default;
      if (v !== undefined) key[k] = v;
    }
    if (Object.keys(key).length) return keyPE(key);
  }
  return indexPE(index);
}

/**
 * ObjectMeta as the fieldmanager types it (apimachinery's ObjectMeta tags): labels and
 * annotations granular maps, finalizers a set, ownerReferences a map by uid,
 * managedFields atomic. Kind schemas leave metadata opaque.
 */
const str: StructuralSchema = { type: "string" };
const OBJECT_META_SCHEMA: StructuralSchema = {
  type: "object",
  properties: {
    name: str,
    generateName: str,
    namespace: str,
    selfLink: str,
    uid: str,
    resourceVersion: str,
    generation: { type: "integer" },
    creationTimestamp: str,
    deletionTimestamp: str,
    deletionGracePeriodSeconds: { type: "integer" },
    labels: { type: "object", additionalProperties: str },
    annotations: { type: "object", additionalProperties: str },
    finalizers: { type: "array", items: str, "x-kubernetes-list-type": "set" },
    ownerReferences: {
      type: "array",
      items: {
        type: "object",
        properties: {
          apiVersion: str,
          kind: str,
          name: str,
          uid: str,
          controller: { type: "boolean" },
          blockOwnerDeletion: { type: "boolean" },
        },
      },
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["uid"],
    },
    managedFields: { type: "array", items: { type: "object" }, "x-kubernetes-list-type": "atomic" },
  },
};

const withMeta = new WeakMap<StructuralSchema, StructuralSchema>();

/** The kind's schema with ObjectMeta typed. */
export function objectSchema(s: StructuralSchema): StructuralSchema {
  let out = withMeta.get(s);
  if (!out) {
    out = { ...s, properties: { ...s.properties, metadata: OBJECT_META_SCHEMA } };
    withMeta.set(s, out);
  }
  return out;
}
