/**
 * A simple managedFields tracker: each write records, for its manager, the FieldsV1 set
 * of the fields it set (create) or changed (update), with operation `Update`, as
 * kube's fieldmanager records non-apply writes. Lists are tracked atomically (`f:<list>`),
 * which is coarser than structured-merge-diff but keeps the entry shape exact.
 */
import { deepEqual } from "../apimachinery/jsonpatch.js";
import { rfc3339 } from "./meta.js";

type Obj = Record<string, unknown>;
type FieldSet = Record<string, unknown>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Update" | "Apply";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: FieldSet;
  subresource?: string;
}

const TRACKED_META = ["labels", "annotations", "finalizers", "ownerReferences"];

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function setOf(v: Obj): FieldSet {
  const fs: FieldSet = {};
  for (const [k, val] of Object.entries(v)) {
    if (isObj(val) && Object.keys(val).length > 0) fs[`f:${k}`] = { ".": {}, ...setOf(val) };
    else fs[`f:${k}`] = {};
  }
  return fs;
}

/** Fields of `now` that differ from `before` (removed fields are not owned by anyone anymore). */
function changedSet(now: Obj, before: Obj | undefined): FieldSet {
  const fs: FieldSet = {};
  for (const [k, val] of Object.entries(now)) {
    const old = before?.[k];
    if (deepEqual(val, old)) continue;
    if (isObj(val) && Object.keys(val).length > 0) {
      const inner = isObj(old) ? changedSet(val, old) : { ".": {}, ...setOf(val) };
      fs[`f:${k}`] = inner;
    } else fs[`f:${k}`] = {};
  }
  return fs;
}

function trackedView(obj: Obj): Obj {
  const view: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === "apiVersion" || k === "kind") continue;
    if (k === "metadata" && isObj(v)) {
      const m: Obj = {};
      for (const f of TRACKED_META) if (v[f] !== undefined) m[f] = v[f];
      if (Object.keys(m).length) view.metadata = m;
      continue;
    }
    view[k] = v;
  }
  return view;
}

function mergeSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(out[k]) && isObj(v) ? mergeSets(out[k] as FieldSet, v) : v;
  return out;
}

/** fieldManager or, as kube does, the User-Agent up to its first `/`. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? "").split("/")[0];
  return [...ua].filter((c) => c >= " " && c !== "\x7f").join("");
}

/**
 * Sets obj.metadata.managedFields for a write by `manager`. `old` is the stored object
 * (undefined on create). Writes that change nothing leave managedFields as they were.
 */
export function updateManagedFields(
  obj: Obj,
  old: Obj | undefined,
  manager: string,
  apiVersion: string,
  subresource: string,
  now = new Date(),
): void {
  const meta = obj.metadata as Obj;
  const prev = (old?.metadata as Obj | undefined)?.managedFields;
  const entries: ManagedFieldsEntry[] = Array.isArray(prev) ? structuredClone(prev as ManagedFieldsEntry[]) : [];
  const changed = old ? changedSet(trackedView(obj), trackedView(old)) : setOf(trackedView(obj));
  if (Object.keys(changed).length === 0) {
    if (entries.length) meta.managedFields = entries;
    else delete meta.managedFields;
    return;
  }
  const i = entries.findIndex(
    (e) => e.manager === manager && e.operation === "Update" && (e.subresource ?? "") === subresource,
  );
  const entry: ManagedFieldsEntry = {
    manager,
    operation: "Update",
    apiVersion,
    time: rfc3339(now),
    fieldsType: "FieldsV1",
    fieldsV1: i >= 0 ? mergeSets(entries[i].fieldsV1 ?? {}, changed) : changed,
  };
  if (subresource) entry.subresource = subresource;
  if (i >= 0) entries[i] = entry;
  else entries.push(entry);
  meta.managedFields = entries;
}
