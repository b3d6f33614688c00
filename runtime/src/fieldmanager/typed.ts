/**
 * The typed operations of structured-merge-diff over plain JSON values and a
 * structural schema: the field set a value sets (typed/tofieldset.go), the comparison
 * of two values (typed/compare.go), the apply merge (typed/merge.go) and removal of a
 * set's items (typed/remove.go).
 */
import { deepEqual } from "../apimachinery/jsonpatch.js";
import { fieldPE } from "./pathelement.js";
import { childSchema, isAtomic, isDeclaredField, itemPE, kindOf, type Schema } from "./schema.js";
import { FieldSet } from "./set.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
/** null maps and lists count as absent (value.Map / value.List deref to nil). */
const asMap = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
const asList = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

/** The set of fields `v` specifies: scalars, atomics, map entries, list items, empty structs. */
export function toFieldSet(v: unknown, s: Schema): FieldSet {
  const out = new FieldSet();
  walkSet(v, s, [], out);
  return out;
}

function walkSet(v: unknown, s: Schema, path: string[], out: FieldSet): void {
  const kind = kindOf(s, v);
  if (isAtomic(s, kind)) {
    out.insert(path);
    return;
  }
  if (kind === "list") {
    const items = asList(v) ?? [];
    items.forEach((item, i) => {
      const p = [...path, itemPE(s, item, i)];
      walkSet(item, s?.items, p, out);
      out.insert(p);
    });
    return;
  }
  const m = asMap(v);
  if (!m) return;
  for (const [k, val] of Object.entries(m)) {
    const p = [...path, fieldPE(k)];
    const cs = childSchema(s, k);
    walkSet(val, cs, p, out);
    if (val === null || (isObj(val) && Object.keys(val).length === 0) || !isDeclaredField(s, k)) out.insert(p);
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compare(lhs: unknown, rhs: unknown, s: Schema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, s, [], c);
  return c;
}

function walkCompare(l: unknown, r: unknown, s: Schema, path: string[], c: Comparison): void {
  const kind = kindOf(s, l, r);
  if (kind === "scalar") {
    if (l === undefined && r === undefined) return;
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
    return;
  }
  const lv = kind === "list" ? asList(l) : asMap(l);
  const rv = kind === "list" ? asList(r) : asMap(r);
  if (!lv && !rv) return;
  if (!lv) c.added.insert(path);
  else if (!rv) c.removed.insert(path);
  if (isAtomic(s, kind)) {
    if (lv && rv && !deepEqual(lv, rv)) c.modified.insert(path);
    return;
  }
  if (kind === "list") {
    const li = new Map<string, unknown>();
    (lv as unknown[] | undefined)?.forEach((it, i) => {
      const pe = itemPE(s, it, i);
      if (!li.has(pe)) li.set(pe, it);
    });
    const seen = new Set<string>();
    (rv as unknown[] | undefined)?.forEach((it, i) => {
      const pe = itemPE(s, it, i);
      if (seen.has(pe)) return;
      seen.add(pe);
      walkCompare(li.get(pe), it, s?.items, [...path, pe], c);
    });
    for (const [pe, it] of li) if (!seen.has(pe)) walkCompare(it, undefined, s?.items, [...path, pe], c);
    return;
  }
  const lm = (lv ?? {}) as Obj;
  const rm = (rv ?? {}) as Obj;
  for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
    walkCompare(lm[k], rm[k], childSchema(s, k), [...path, fieldPE(k)], c);
  }
}

/**
 * The apply merge of `rhs` (the applied configuration) into `lhs` (the live object):
 * atomics and scalars are replaced, structs and granular maps merge key by key,
 * associative lists merge item by item (live order, then new items in config order).
 */
export function merge(lhs: unknown, rhs: unknown, s: Schema): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const kind = kindOf(s, lhs, rhs);
  if (isAtomic(s, kind)) return rhs;
  if (kind === "list") {
    const l = asList(lhs) ?? [];
    const r = asList(rhs) ?? [];
    if (l.length === 0 && r.length === 0) return rhs;
    const ri = new Map<string, unknown>();
    const order: string[] = [];
    r.forEach((it, i) => {
      const pe = itemPE(s, it, i);
      if (!ri.has(pe)) order.push(pe);
      ri.set(pe, it);
    });
    const out: unknown[] = [];
    const seen = new Set<string>();
    l.forEach((it, i) => {
      const pe = itemPE(s, it, i);
      if (seen.has(pe)) return;
      seen.add(pe);
      out.push(merge(it, ri.get(pe), s?.items));
    });
    for (const pe of order) if (!seen.has(pe)) out.push(ri.get(pe));
    return out;
  }
  const l = asMap(lhs);
  const r = asMap(rhs);
  if ((!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0)) return rhs;
  const out: Obj = {};
  for (const [k, v] of Object.entries(l ?? {})) out[k] = merge(v, r?.[k], childSchema(s, k));
  for (const [k, v] of Object.entries(r ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

/** A copy of `v` without the items that are members of `set` (whole subtrees). */
export function removeItems(v: unknown, set: FieldSet, s: Schema): unknown {
  if (set.empty()) return v;
  const kind = kindOf(s, v);
  if (isAtomic(s, kind)) return v;
  if (kind === "list") {
    const out: unknown[] = [];
    (asList(v) ?? []).forEach((it, i) => {
      const pe = itemPE(s, it, i);
      if (set.members.has(pe)) return;
      const c = set.children.get(pe);
      out.push(c ? removeItems(it, c, s?.items) : it);
    });
    return out;
  }
  const m = asMap(v);
  if (!m) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(m)) {
    const pe = fieldPE(k);
    if (set.members.has(pe)) continue;
    const c = set.children.get(pe);
    out[k] = c ? removeItems(val, c, childSchema(s, k)) : val;
  }
  return out;
}
