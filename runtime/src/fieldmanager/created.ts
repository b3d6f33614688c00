/**
 * The fields of a create's Update entry in one walk of the new object. With nothing
 * live and no other manager, kube's updater reduces to "every field compare({}, obj)
 * reports as added, less the reset and stripped fields": this builds that FieldsV1
 * directly, with no field sets and no comparison (the create path's hot spot).
 */
import type { FieldsV1 } from "./fieldsv1.js";
import { comparePE, fieldPE } from "./pathelement.js";
import { childSchema, isAtomic, itemPE, kindOf, type NodeKind, type Schema } from "./schema.js";
import type { FieldSet } from "./set.js";

type Obj = Record<string, unknown>;

/** Most members sorted by insertion: its cost grows with the square of their number. */
const INSERTION_SORT_MAX = 16;

/**
 * What compare(undefined, `v`) adds below `v`'s own path, as FieldsV1 children, less the
 * members of `strip` (difference) and whatever lies at or below a member of `reset`
 * (recursiveDifference); undefined when nothing is left.
 */
export function addedFieldsV1(v: unknown, s: Schema, strip: FieldSet | undefined, reset: FieldSet | undefined): FieldsV1 | undefined {
  return v === null || v === undefined ? undefined : addedBelow(v, s, kindOf(s, v), false, strip, reset);
}

/** The FieldsV1 node of `v` (`".": {}` first when it is itself a `member`), or undefined when it holds nothing. */
function addedBelow(v: unknown, s: Schema, kind: NodeKind, member: boolean, strip: FieldSet | undefined, reset: FieldSet | undefined): FieldsV1 | undefined {
  if (kind === "scalar" || isAtomic(s, kind)) return undefined;
  const entries: Entry[] = [];
  if (kind === "list") {
    const items = v as unknown[];
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const pe = itemPE(s, items[i], i);
      if (seen.has(pe)) continue; // the first of duplicate items counts, as compare's
      seen.add(pe);
      addEntry(entries, pe, items[i], s?.items, strip, reset);
    }
  } else {
    const m = v as Obj;
    for (const k of Object.keys(m)) addEntry(entries, fieldPE(k), m[k], childSchema(s, k), strip, reset);
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
function addEntry(entries: Entry[], pe: string, v: unknown, s: Schema, strip: FieldSet | undefined, reset: FieldSet | undefined): void {
  if (reset?.members.has(pe)) return;
  const kind = kindOf(s, v);
  const present = kind === "scalar" ? v !== undefined : v !== null && v !== undefined;
  const member = present && !strip?.members.has(pe);
  const below = present ? addedBelow(v, s, kind, member, strip?.children.get(pe), reset?.children.get(pe)) : undefined;
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
