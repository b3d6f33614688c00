/**
 * ObjectMeta rules of the generic registry: system fields, generateName, and the
 * validation of k8s.io/apimachinery/pkg/api/validation/objectmeta.go (create and update).
 */
import { randomInt } from "node:crypto";
import { randomUUID } from "../apimachinery/uuid.js";
import type { FieldError } from "../api/resource.js";
import { isDNS1123Label, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from "../apimachinery/validation.js";
import { fieldError } from "../validation/field-errors.js";
import { goQuote } from "../validation/go-format.js";

export type Meta = Record<string, unknown> & {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  managedFields?: unknown[];
};

export const newUID = (): string => randomUUID();

/** k8s.io/apiserver/pkg/storage/names SimpleNameGenerator. */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
export function generateName(base: string): string {
  if (base.length > 58) base = base.slice(0, 58);
  let s = base;
  for (let i = 0; i < 5; i++) s += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return s;
}

/** The ObjectMeta fields a client may send; others are unknown (pruned, reported by fieldValidation). */
const OBJECT_META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

/** Drops unknown metadata fields in place; returns their paths (`metadata.foo`). */
export function pruneObjectMeta(meta: Record<string, unknown>, path = "metadata"): string[] {
  const unknown: string[] = [];
  for (const k of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(k)) {
      unknown.push(`${path}.${k}`);
      delete meta[k];
    }
  }
  // selfLink is no longer populated by kube (removed in 1.20)
  delete meta.selfLink;
  return unknown;
}

/** Type checks kube's typed decoder would make on ObjectMeta (a 400 there; reported as 422 causes here). */
function typeErrors(meta: Meta): FieldError[] {
  const errs: FieldError[] = [];
  const str = (k: string) => {
    const v = meta[k];
    if (v !== undefined && v !== null && typeof v !== "string") errs.push(fieldError.typeInvalid(`metadata.${k}`, v, "must be of type string"));
  };
  ["name", "generateName", "namespace", "uid", "resourceVersion"].forEach(str);
  const map = (k: string) => {
    const v = meta[k];
    if (v === undefined || v === null) return;
    if (typeof v !== "object" || Array.isArray(v)) errs.push(fieldError.typeInvalid(`metadata.${k}`, v, "must be of type object"));
    else
      for (const kk in v) {
        const vv = (v as Record<string, unknown>)[kk];
        if (typeof vv !== "string") errs.push(fieldError.typeInvalid(`metadata.${k}.${kk}`, vv, "must be of type string"));
      }
  };
  map("labels");
  map("annotations");
  const f = meta.finalizers;
  if (f !== undefined && f !== null && (!Array.isArray(f) || f.some((x) => typeof x !== "string"))) {
    errs.push(fieldError.typeInvalid("metadata.finalizers", f, "must be of type array of strings"));
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateObjectMetaAccessor with NameIsDNSSubdomain (the CRD rule). */
export function validateObjectMeta(meta: Meta, namespaced: boolean): FieldError[] {
  const errs = typeErrors(meta);
  if (errs.length) return errs;
  if (meta.generateName) {
    for (const m of nameIsDNSSubdomain(meta.generateName, true)) errs.push(fieldError.invalid("metadata.generateName", meta.generateName, m));
  }
  if (!meta.name) errs.push(fieldError.required("metadata.name", "name or generateName is required"));
  else for (const m of nameIsDNSSubdomain(meta.name, false)) errs.push(fieldError.invalid("metadata.name", meta.name, m));
  if (namespaced) {
    if (!meta.namespace) errs.push(fieldError.required("metadata.namespace"));
    else for (const m of isDNS1123Label(meta.namespace)) errs.push(fieldError.invalid("metadata.namespace", meta.namespace, m));
  } else if (meta.namespace) {
    errs.push(fieldError.forbidden("metadata.namespace", "not allowed on this type"));
  }
  if (typeof meta.generation === "number" && meta.generation < 0) {
    errs.push(fieldError.invalid("metadata.generation", meta.generation, "must be greater than or equal to 0"));
  }
  const labels = meta.labels ?? {};
  for (const k in labels) {
    const v = labels[k]!;
    for (const m of isQualifiedName(k)) errs.push(fieldError.invalid("metadata.labels", k, m));
    for (const m of isValidLabelValue(v)) errs.push(fieldError.invalid("metadata.labels", v, m));
  }
  let size = 0;
  const annotations = meta.annotations ?? {};
  for (const k in annotations) {
    const v = annotations[k]!;
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid("metadata.annotations", k, m));
    size += k.length + v.length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push(fieldError.tooLong("metadata.annotations", TOTAL_ANNOTATION_SIZE_LIMIT));
  }
  (meta.finalizers ?? []).forEach((f, i) => {
    for (const m of isQualifiedName(f)) errs.push(fieldError.invalid(`metadata.finalizers[${i}]`, f, m));
  });
  return errs;
}

function immutable(errs: FieldError[], field: string, now: unknown, old: unknown): void {
  if (JSON.stringify(now ?? null) !== JSON.stringify(old ?? null)) errs.push(fieldError.invalid(field, now ?? "", "field is immutable"));
}

/** ValidateObjectMetaAccessorUpdate (plus the create rules on the new object). */
export function validateObjectMetaUpdate(meta: Meta, old: Meta, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(meta, namespaced);
  if (errs.some((e) => e.type === "FieldValueTypeInvalid")) return errs;
  immutable(errs, "metadata.name", meta.name, old.name);
  immutable(errs, "metadata.namespace", meta.namespace, old.namespace);
  immutable(errs, "metadata.uid", meta.uid, old.uid);
  immutable(errs, "metadata.creationTimestamp", meta.creationTimestamp, old.creationTimestamp);
  immutable(errs, "metadata.deletionTimestamp", meta.deletionTimestamp, old.deletionTimestamp);
  immutable(errs, "metadata.deletionGracePeriodSeconds", meta.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds);
  if (old.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length) {
      errs.push(
        fieldError.forbidden(
          "metadata.finalizers",
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map(goQuote).join(", ")}}`,
        ),
      );
    }
  }
  return errs;
}
