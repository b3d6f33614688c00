/**
 * Label and field selection (storage.SelectionPredicate): which field labels a kind
 * supports (metadata.name, metadata.namespace and its selectableFields) and the
 * predicate the storage evaluates.
 */
import { errors } from "../api/status.js";
import { parseFieldSelector, type FieldSelector } from "../apimachinery/fields.js";
import { compileJSONPath } from "../apimachinery/jsonpath.js";
import { parseLabelSelector, type LabelSelector } from "../apimachinery/labels.js";
import type { KubeObject } from "../apimachinery/object.js";
import type { Predicate } from "../storage/interface.js";
import type { ResourceScope } from "./scope.js";

export interface Selection {
  labels?: LabelSelector;
  fields?: FieldSelector;
  predicate?: Predicate;
}

function fieldValue(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Field label -> getter, for this kind. */
function fieldGetters(scope: ResourceScope): Map<string, (o: KubeObject) => string> {
  const m = new Map<string, (o: KubeObject) => string>();
  m.set("metadata.name", (o) => o.metadata.name ?? "");
  m.set("metadata.namespace", (o) => o.metadata.namespace ?? "");
  for (const path of scope.def.selectableFields) {
    const label = path.replace(/^\./, "");
    const fn = compileJSONPath(path.startsWith(".") ? path : "." + path);
    m.set(label, (o) => fieldValue(fn(o)[0]));
  }
  return m;
}

const gettersCache = new WeakMap<ResourceScope, Map<string, (o: KubeObject) => string>>();

/** Parses selectors from query values; 400 with kube's texts when invalid. */
export function parseSelection(scope: ResourceScope, labelSelector: string | null, fieldSelector: string | null): Selection {
  const sel: Selection = {};
  if (labelSelector) {
    try {
      sel.labels = parseLabelSelector(labelSelector);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
    if (sel.labels.empty) sel.labels = undefined;
  }
  let getters = gettersCache.get(scope);
  if (!getters) gettersCache.set(scope, (getters = fieldGetters(scope)));
  if (fieldSelector) {
    try {
      sel.fields = parseFieldSelector(fieldSelector);
    } catch (e) {
      throw errors.badRequest((e as Error).message);
    }
    for (const r of sel.fields.requirements) {
      if (!getters.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
    }
    if (sel.fields.empty) sel.fields = undefined;
  }
  const { labels, fields } = sel;
  if (labels || fields) {
    const g = getters;
    sel.predicate = (o) =>
      (!labels || labels.matches(o.metadata.labels as Record<string, string> | undefined)) &&
      (!fields || fields.matches((f) => g.get(f)!(o)));
  }
  return sel;
}
