/**
 * The custom-resource strategy of apiextensions-apiserver, applied generically:
 * what create and update may set (status only through /status when that subresource
 * exists), generation bumps, system fields, and validation (ObjectMeta + the kind's).
 */
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import type { FieldError } from "../api/resource.js";
import { errors } from "../api/status.js";
import { deepEqual } from "../apimachinery/jsonpatch.js";
import type { KubeObject } from "../apimachinery/object.js";
import { validateObjectMeta, validateObjectMetaUpdate, type Meta } from "./meta.js";
import type { ResourceScope } from "./scope.js";

type Obj = Record<string, unknown>;

export function metaOf(obj: KubeObject | Obj): Meta {
  return (obj as Obj).metadata as Meta;
}

/** ObjectMeta's collections are omitempty: an empty one is not stored. */
export function omitEmptyMeta(obj: KubeObject): void {
  const m = metaOf(obj);
  for (const k of ["labels", "annotations", "finalizers", "ownerReferences", "managedFields"]) {
    const v = m[k];
    if (v !== undefined && v !== null && typeof v === "object" && Object.keys(v).length === 0) delete m[k];
  }
}

/** PrepareForCreate: create cannot set status when /status exists; generation starts at 1. */
export function prepareForCreate(scope: ResourceScope, obj: KubeObject): void {
  if (scope.def.subresources.status) delete obj.status;
  const m = metaOf(obj);
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  m.generation = 1;
}

function withoutMetadata(obj: Obj): Obj {
  const { metadata: _m, ...rest } = obj;
  return rest;
}

/**
 * PrepareForUpdate + BeforeUpdate. `subresource` "status" keeps everything of `old` but
 * the status; the main resource keeps old's status when /status exists. Every change
 * outside metadata bumps generation (the CR strategy's rule).
 */
export function prepareForUpdate(scope: ResourceScope, obj: KubeObject, old: KubeObject, subresource: string): KubeObject {
  if (subresource === "status") {
    const next = deepCopyJSON(old);
    const mf = metaOf(obj).managedFields;
    if (mf !== undefined) metaOf(next).managedFields = mf;
    else delete metaOf(next).managedFields;
    if ("status" in obj) next.status = obj.status;
    else delete next.status;
    return next;
  }
  if (scope.def.subresources.status) {
    if ("status" in old) obj.status = old.status;
    else delete obj.status;
  }
  const m = metaOf(obj);
  const om = metaOf(old);
  m.generation = om.generation;
  if (!m.uid) m.uid = om.uid;
  if (om.creationTimestamp) m.creationTimestamp = om.creationTimestamp;
  if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
  if (om.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds === undefined) {
    m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
  }
  if (!deepEqual(withoutMetadata(obj), withoutMetadata(old))) m.generation = (om.generation ?? 0) + 1;
  return obj;
}

function invalid(scope: ResourceScope, name: string, errs: FieldError[]) {
  return errors.invalid(scope.def.group, scope.def.kind, name, errs);
}

/** ObjectMeta rules then the kind's own validation; throws 422. */
export function validateCreate(scope: ResourceScope, obj: KubeObject): void {
  const metaErrs = validateObjectMeta(metaOf(obj), scope.def.namespaced);
  const errs = metaErrs.some((e) => e.type === "FieldValueTypeInvalid") ? metaErrs : [...metaErrs, ...scope.def.validate(obj as Obj)];
  if (errs.length) throw invalid(scope, metaOf(obj).name ?? "", errs);
}

export function validateUpdate(scope: ResourceScope, obj: KubeObject, old: KubeObject): void {
  const metaErrs = validateObjectMetaUpdate(metaOf(obj), metaOf(old), scope.def.namespaced);
  const errs = metaErrs.some((e) => e.type === "FieldValueTypeInvalid")
    ? metaErrs
    : [...metaErrs, ...scope.def.validate(obj as Obj, old as Obj)];
  if (errs.length) throw invalid(scope, metaOf(obj).name ?? "", errs);
}

/** store.go ShouldDeleteDuringUpdate: the last finalizer of a deleting object is gone. */
export function shouldDeleteDuringUpdate(obj: KubeObject, old: KubeObject): boolean {
  const om = metaOf(old);
  const m = metaOf(obj);
  if (!om.deletionTimestamp) return false;
  if ((m.finalizers ?? []).length > 0) return false;
  return m.deletionGracePeriodSeconds === undefined || m.deletionGracePeriodSeconds === null || m.deletionGracePeriodSeconds === 0;
}
