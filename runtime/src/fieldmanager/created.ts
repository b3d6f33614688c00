/**
 * The fields of a create's Update entry in one walk of the new object. With nothing
 * live and no other manager, kube's updater reduces to "every field compare({}, obj)
 * reports as added, less the reset and stripped fields": this builds that FieldsV1
 * directly, with no field sets and no comparison (the create path's hot spot).
 */
import type { FieldsV1 } from "./fieldsv1.js";
import { comparePE, fieldPE } from "./pathelement.js";
import { itemPE, type NodeKind, type Schema } from "./schema.js";
import type { FieldSet } from "./set.js";

type Obj = Record<string, unknown>;

/** Most members sorted by insertion: its cost grows with the square of their number. */
const INSERTION_SORT_MAX = 16;

/**
 * A schema node as the walk reads it, worked out once per schema: the same few fields on every
 * node, where the schemas themselves are objects of many shapes (and properties a plain object,
 * which would also answer `constructor`).
 */
interface Plan {
  schema: Schema;
  /** The kind the schema declares; undefined when the value decides (no type, or int-or-string). */
  declared: NodeKind | undefined;
  /** A list whose items are not members of their own (x-kubernetes-list-type atomic or absent). */
  atomicList: boolean;
  /** A map set whole (x-kubernetes-map-type atomic). */
  atomicMap: boolean;
  properties: Map<string, Plan> | undefined;
  additional: Plan | undefined;
  items: Plan | undefined;
}

const plans = new WeakMap<object, Plan>();

function planOf(s: Schema): Plan | undefined {
  if (!s) return undefined;
  let plan = plans.get(s);
  if (!plan) {
    plan = {
      schema: s,
      declared: s.type && !s["x-kubernetes-int-or-string"] ? (s.type === "object" ? "map" : s.type === "array" ? "list" : "scalar") : undefined,
      atomicList: (s["x-kubernetes-list-type"] ?? "atomic") === "atomic",
      atomicMap: s["x-kubernetes-map-type"] === "atomic",
      properties: undefined,
      additional: undefined,
      items: undefined,
    };
    plans.set(s, plan);
    // Children after the node itself is known, so a schema reachable from itself ends.
    if (s.properties) plan.properties = new Map(Object.entries(s.properties).map(([k, p]) => [k, planOf(p)!]));
    if (typeof s.additionalProperties === "object") plan.additional = planOf(s.additionalProperties);
    plan.items = planOf(s.items);
  }
  return plan;
}

/** schema.ts kindOf for one value: the declared kind, unless the value's own shape disagrees (a scalar then). */
function kindOf(plan: Plan | undefined, v: unknown): NodeKind {
  const shape = v === undefined || v === null ? undefined : Array.isArray(v) ? "list" : typeof v === "object" ? "map" : "scalar";
  const k = plan?.declared ?? shape ?? "scalar";
  return shape !== undefined && shape !== k ? "scalar" : k;
}

/** schema.ts childSchema: a declared property, else the map's value schema. */
function childPlan(plan: Plan | undefined, key: string): Plan | undefined {
  return plan === undefined ? undefined : (plan.properties?.get(key) ?? plan.additional);
}

/**
 * What compare(undefined, `v`) adds below `v`'s own path, as FieldsV1 children, less the
 * members of `strip` (difference) and whatever lies at or below a member of `reset`
 * (recursiveDifference); undefined when nothing is left.
 */
export function addedFieldsV1(v: unknown, s: Schema, strip: FieldSet | undefined, reset: FieldSet | undefined): FieldsV1 | undefined {
  if (v === null || v === undefined) return undefined;
  const plan = planOf(s);
  return addedBelow(v, plan, kindOf(plan, v), false, strip, reset);
}

/** The FieldsV1 node of `v` (`".": {}` first when it is itself a `member`), or undefined when it holds nothing. */
function addedBelow(v: unknown, plan: Plan | undefined, kind: NodeKind, member: boolean, strip: FieldSet | undefined, reset: FieldSet | undefined): FieldsV1 | undefined {
  if (kind === "scalar") return undefined;
  const entries: Entry[] = [];
  if (kind === "list") {
    if (plan === undefined || plan.atomicList) return undefined;
    const items = v as unknown[];
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const pe = itemPE(plan.schema, items[i], i);
      if (seen.has(pe)) continue; // the first of duplicate items counts, as compare's
      seen.add(pe);
      addEntry(entries, pe, items[i], plan.items, strip, reset);
    }
  } else {
    if (plan?.atomicMap) return undefined;
    const m = v as Obj;
    for (const k of Object.keys(m)) addEntry(entries, fieldPE(k), m[k], childPlan(plan, k), strip, reset);
  }
  if (entries.length === 0) return undefined;
  sortEntries(entries);
  const out: FieldsV1 = member ? { ".": {} } : {};
  for (const e of entries) out[e.pe] = e.node;
  return out;
}

interface Entry {
  pe: string;
  node: FieldsV1;
}

/**
 * The entry of child `pe` holding `v`: compare adds a scalar (null too) as a member, and a
 * map or list only when present; a value of the wrong shape for its schema is a scalar.
 */
function addEntry(entries: Entry[], pe: string, v: unknown, plan: Plan | undefined, strip: FieldSet | undefined, reset: FieldSet | undefined): void {
  if (reset?.members.has(pe)) return;
  const kind = kindOf(plan, v);
  const present = kind === "scalar" ? v !== undefined : v !== null && v !== undefined;
  const member = present && !strip?.members.has(pe);
  const below = present ? addedBelow(v, plan, kind, member, strip?.children.get(pe), reset?.children.get(pe)) : undefined;
  if (below) entries.push({ pe, node: below });
  else if (member) entries.push({ pe, node: {} });
}

/**
 * Sorts by path element. Most objects have few members: an insertion sort costs a fraction of
 * Array.prototype.sort's calls into a comparator there (a map of thousands of keys gets the latter).
 */
function sortEntries(entries: Entry[]): void {
  if (entries.length > INSERTION_SORT_MAX) {
    entries.sort((a, b) => comparePE(a.pe, b.pe));
    return;
  }
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!;
    let j = i - 1;
    while (j >= 0 && comparePE(entries[j]!.pe, e.pe) > 0) {
      entries[j + 1] = entries[j]!;
      j--;
    }
    entries[j + 1] = e;
  }
}
