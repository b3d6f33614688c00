/**
 * The client-side -> server-side apply upgrade of apimachinery's lastappliedmanager.go
 * and lastappliedupdater.go, for the manager `kubectl` only: fields that the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation set and still hold
 * their applied value do not conflict, and a later server-side apply keeps the
 * annotation in step with what was applied.
 */
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import { canonicalJSON } from "./pathelement.js";
import type { Schema } from "./schema.js";
import { FieldSet } from "./set.js";
import { compare, toFieldSet } from "./typed.js";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
export const KUBECTL_MANAGER = "kubectl";

type Obj = Record<string, unknown>;

function annotations(obj: unknown): Record<string, string> | undefined {
  const meta = (obj as Obj | undefined)?.metadata as Obj | undefined;
  const a = meta?.annotations;
  return a && typeof a === "object" ? (a as Record<string, string>) : undefined;
}

export const hasLastApplied = (obj: unknown): boolean => !!annotations(obj)?.[LAST_APPLIED];

/** allowedConflictsFromLastApplied; undefined when there is no usable annotation. */
export function allowedConflicts(live: unknown, schema: Schema): FieldSet | undefined {
  const text = annotations(live)?.[LAST_APPLIED];
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  const c = compare(last, live, schema);
  // what no longer holds its last-applied value is not kubectl's any more
  return toFieldSet(last, schema).difference(c.modified).difference(c.added).difference(c.removed);
}

/** buildLastApplied: the applied object without the annotation itself, as JSON. */
export function buildLastApplied(config: unknown): string {
  const copy = deepCopyJSON(config) as Obj;
  const a = annotations(copy);
  if (a) {
    delete a[LAST_APPLIED];
    if (Object.keys(a).length === 0) delete (copy.metadata as Obj).annotations;
  }
  return canonicalJSON(copy) + "\n";
}
