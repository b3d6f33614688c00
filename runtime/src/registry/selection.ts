/**
 * Label and field selection (storage.SelectionPredicate): which field labels a kind
 * supports (metadata.name, metadata.namespace and its selectableFields) and the
 * predicate the storage evaluates.
 */
import type { ResourceDefinition } from "../api/resource.js";
import { errors } from "../api/status.js";
import { parseFieldSelector, type FieldSelector } from "../apimachinery/fields.js";
import { compileJSONPath } from "../apimachinery/jsonpath.js";
import { parseLabelSelector, type LabelSelector } from "../apimachinery/labels.js";
import type { KubeObject } from "../apimachinery/object.js";
import type { Predicate } from "../storage/interface.js";

/** Field label -> its value in an object, for one kind. */
export type FieldLabels = ReadonlyMap<string, (o: KubeObject) => string>;

function fieldValue(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** The field labels of a kind: metadata.name, metadata.namespace and its selectableFields. */
export function fieldLabels(def: ResourceDefinition): FieldLabels {
  const m = new Map<string, (o: KubeObject) => string>();
  m.set("metadata.name", (o) => o.metadata.name ?? "");
  m.set("metadata.namespace", (o) => o.metadata.namespace ?? "");
  for (const path of def.selectableFields) {
    const label = path.replace(/^\./, "");
    const fn = compileJSONPath(path.startsWith(".") ? path : "." + path);
    m.set(label, (o) => fieldValue(fn(o)[0]));
  }
  return m;
}

/** What selectors as written in a query select (undefined: everything); 400 with kube's texts when invalid. */
export function selectionPredicate(fields: FieldLabels, labelSelector: string, fieldSelector: string): Predicate | undefined {
  let labels: LabelSelector | undefined;
  if (labelSelector) {
    try {
      labels = parseLabelSelector(labelSelector);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
    if (labels.empty) labels = undefined;
  }
  let selected: FieldSelector | undefined;
  if (fieldSelector) {
    try {
      selected = parseFieldSelector(fieldSelector);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
    for (const r of selected.requirements) {
      if (!fields.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
    }
    if (selected.empty) selected = undefined;
  }
  if (!labels && !selected) return undefined;
  return (o) =>
    (!labels || labels.matches(o.metadata.labels as Record<string, string> | undefined)) &&
    (!selected || selected.matches((f) => fields.get(f)!(o)));
}
