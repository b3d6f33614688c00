/**
 * Which named schemas a document needs and what each one is: the kinds and
 * their lists, the model's types, and kube's standard definitions, following
 * `$ref`s from the roots so a document holds exactly what it references.
 */
import type { ApiModel } from "../../model/types.js";
import { refTarget, type Gvk, type JsonSchema } from "./json-schema.js";
import { kindDefinition } from "./naming.js";
import { kindSchema, listSchema, objectTypeSchema } from "./schemas.js";
import { STANDARD_DEFINITIONS } from "./standard-definitions.js";
import { OPERATION_DEFINITIONS, SCALE } from "./operations.js";

export interface GroupVersionRef {
  group: string;
  version: string;
}

export interface Definitions {
  /** Sorted by name, like kube's documents. */
  schemas: Record<string, JsonSchema>;
  /** Names referenced but known nowhere; each got a free-form placeholder. A model bug when non-empty. */
  unresolved: string[];
}

// kube lists every served group-version on these two; we list core and our own.
const PER_GROUP_VERSION_KINDS = ["DeleteOptions", "WatchEvent"];

/** Definitions of the given group-versions' kinds and everything they and their operations reference. */
export function collectDefinitions(model: ApiModel, gvs: GroupVersionRef[]): Definitions {
  const own = new Map<string, JsonSchema>();
  const roots: string[] = [...OPERATION_DEFINITIONS];
  for (const { group, version } of gvs) {
    const v = model.groups.find((g) => g.name === group)?.versions.find((x) => x.name === version);
    for (const kind of v?.kinds ?? []) {
      const k = kindDefinition(group, version, kind.name);
      const l = kindDefinition(group, version, kind.listKind);
      own.set(k, kindSchema(model, group, version, kind));
      own.set(l, listSchema(group, version, kind));
      roots.push(k, l);
      if (kind.subresources.scale) roots.push(SCALE);
    }
  }

  const schemas: Record<string, JsonSchema> = {};
  const unresolved: string[] = [];
  const resolve = (name: string): JsonSchema => {
    const mine = own.get(name);
    if (mine) return mine;
    // kube's own text and extensions win over a copy followed into kubernetes-types.
    const std = STANDARD_DEFINITIONS[name];
    if (std) return withGroupVersions(name, std, gvs);
    const t = model.types[name];
    if (t) return objectTypeSchema(t);
    unresolved.push(name);
    return { description: `${name} (not described by the model)`, type: "object", "x-kubernetes-preserve-unknown-fields": true };
  };
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (name in schemas) continue;
    const s = resolve(name);
    schemas[name] = s;
    forEachRef(s, (target) => {
      if (!(target in schemas)) queue.push(target);
    });
  }
  const names = Object.keys(schemas).sort();
  return { schemas: Object.fromEntries(names.map((n) => [n, schemas[n]])), unresolved: [...new Set(unresolved)].sort() };
}

function withGroupVersions(name: string, std: JsonSchema, gvs: GroupVersionRef[]): JsonSchema {
  const kind = name.split(".").pop()!;
  if (!PER_GROUP_VERSION_KINDS.includes(kind)) return structuredClone(std);
  const list = [...(std["x-kubernetes-group-version-kind"] as Gvk[])];
  for (const { group, version } of gvs) list.push({ group, kind, version });
  return { ...structuredClone(std), "x-kubernetes-group-version-kind": list };
}

/** Calls `fn` with the definition name of every `$ref` inside a schema (any depth). */
function forEachRef(node: unknown, fn: (target: string) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) forEachRef(n, fn);
  } else if (node && typeof node === "object") {
    const target = refTarget(node as JsonSchema);
    if (target) fn(target);
    for (const [k, v] of Object.entries(node)) {
      // Values of these keywords are data, not schemas.
      if (k === "default" || k === "example" || k === "enum" || k === "x-kubernetes-validations") continue;
      forEachRef(v, fn);
    }
  }
}
