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

/**
 * A path being walked, as a place in a FieldSet that is made only when something
 * is inserted at or below it. Extending a path and inserting it cost O(1)
 * (amortised), where copying path arrays and inserting from the root would cost
 * the depth each time: quadratic for objects nested thousands of levels deep.
 */
class PathCursor {
  private constructor(
    private readonly parent: PathCursor | undefined,
    private readonly pe: string,
    /** The set holding this path's children, once made. */
    private children?: FieldSet,
  ) {}

  static at(set: FieldSet): PathCursor {
    return new PathCursor(undefined, "", set);
  }

  child(pe: string): PathCursor {
    return new PathCursor(this, pe);
  }

  /** Adds this path as a member (the root path adds nothing, as FieldSet.insert([]) does). */
  insert(): void {
    if (this.parent) this.parent.childSet().members.add(this.pe);
  }

  private childSet(): FieldSet {
    if (this.children) return this.children;
    const chain: PathCursor[] = [];
    let c: PathCursor = this;
    while (!c.children) {
      chain.push(c);
      c = c.parent!;
    }
    let set = c.children;
    for (let i = chain.length - 1; i >= 0; i--) {
      set = set.child(chain[i].pe);
      chain[i].children = set;
    }
    return set;
  }
}

/** The set of fields `v` specifies: scalars, atomics, map entries, list items, empty structs. */
export function toFieldSet(v: unknown, s: Schema): FieldSet {
  const out = new FieldSet();
  walkSet(v, s, PathCursor.at(out));
  return out;
}

function walkSet(v: unknown, s: Schema, path: PathCursor): void {
  const kind = kindOf(s, v);
  if (isAtomic(s, kind)) {
    path.insert();
    return;
  }
  if (kind === "list") {
    const items = asList(v) ?? [];
    items.forEach((item, i) => {
      const p = path.child(itemPE(s, item, i));
      walkSet(item, s?.items, p);
      p.insert();
    });
    return;
  }
  const m = asMap(v);
  if (!m) return;
  for (const [k, val] of Object.entries(m)) {
    const p = path.child(fieldPE(k));
    const cs = childSchema(s, k);
    walkSet(val, cs, p);
    if (val === null || (isObj(val) && Object.keys(val).length === 0) || !isDeclaredField(s, k)) p.insert();
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compare(lhs: unknown, rhs: unknown, s: Schema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, s, { added: PathCursor.at(c.added), modified: PathCursor.at(c.modified), removed: PathCursor.at(c.removed) });
  return c;
}

/** One path in each of a comparison's three sets. */
interface ComparePath {
  added: PathCursor;
  modified: PathCursor;
  removed: PathCursor;
}

const childOf = (p: ComparePath, pe: string): ComparePath => ({ added: p.added.child(pe), modified: p.modified.child(pe), removed: p.removed.child(pe) });

function walkCompare(l: unknown, r: unknown, s: Schema, path: ComparePath): void {
  const kind = kindOf(s, l, r);
  if (kind === "scalar") {
    if (l === undefined && r === undefined) return;
    if (l === undefined) path.added.insert();
    else if (r === undefined) path.removed.insert();
    else if (!deepEqual(l, r)) path.modified.insert();
    return;
  }
  const lv = kind === "list" ? asList(l) : asMap(l);
  const rv = kind === "list" ? asList(r) : asMap(r);
  if (!lv && !rv) return;
  if (!lv) path.added.insert();
  else if (!rv) path.removed.insert();
  if (isAtomic(s, kind)) {
    if (lv && rv && !deepEqual(lv, rv)) path.modified.insert();
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
      walkCompare(li.get(pe), it, s?.items, childOf(path, pe));
    });
    for (const [pe, it] of li) if (!seen.has(pe)) walkCompare(it, undefined, s?.items, childOf(path, pe));
    return;
  }
  const lm = (lv ?? {}) as Obj;
  const rm = (rv ?? {}) as Obj;
  for (const k of Object.keys(rm)) walkCompare(lm[k], rm[k], childSchema(s, k), childOf(path, fieldPE(k)));
  for (const k of Object.keys(lm)) if (!Object.hasOwn(rm, k)) walkCompare(lm[k], undefined, childSchema(s, k), childOf(path, fieldPE(k)));
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
