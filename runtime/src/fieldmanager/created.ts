/**
 * The fields of a create's Update entry in one walk of the new object. With nothing
 * live and no other manager, kube's updater reduces to "every field compare({}, obj)
 * reports as added, less the reset and stripped fields": this builds that FieldsV1
 * directly, with no field sets and no comparison (the create path's hot spot).
 */
import type { FieldsV1 } from "./fieldsv1.js";
import { comparePE, fieldPE } from "./pathelement.js";
import { childSchema, isAtomic, itemPE, kindOf, type Schema } from "./schema.js";
import type { FieldSet } from "./set.js";

type Obj = Record<string, unknown>;

/**
 * What compare(undefined, `v`) adds below `v`'s own path, as FieldsV1 children, less the
 * members of `strip` (difference) and whatever lies at or below a member of `reset`
 * (recursiveDifference); undefined when nothing is left.
 */
export function addedFieldsV1(v: unknown, s: Schema, strip: FieldSet | undefined, reset: FieldSet | undefined): FieldsV1 | undefined {
  const kind = kindOf(s, v);
  if (kind === "scalar" || isAtomic(s, kind)) return undefined;
  const entries: [string, FieldsV1][] = [];
  const add = (pe: string, child: unknown, cs: Schema) => {
    if (reset?.members.has(pe)) return;
    const member = isAddedMember(child, cs) && !strip?.members.has(pe);
    const below = addedFieldsV1(child, cs, strip?.children.get(pe), reset?.children.get(pe));
    if (below) entries.push([pe, member ? { ".": {}, ...below } : below]);
    else if (member) entries.push([pe, {}]);
  };
  if (kind === "list") {
    if (!Array.isArray(v)) return undefined;
    const seen = new Set<string>();
    for (let i = 0; i < v.length; i++) {
      const pe = itemPE(s, v[i], i);
      if (seen.has(pe)) continue; // the first of duplicate items counts, as compare's
      seen.add(pe);
      add(pe, v[i], s?.items);
    }
  } else {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    for (const k of Object.keys(v)) add(fieldPE(k), (v as Obj)[k], childSchema(s, k));
  }
  if (entries.length === 0) return undefined;
  entries.sort((a, b) => comparePE(a[0], b[0]));
  const out: FieldsV1 = {};
  for (const [pe, node] of entries) out[pe] = node;
  return out;
}

/** compare's rule for a new value: scalars (null too) are added; a map or list only when present. */
function isAddedMember(v: unknown, s: Schema): boolean {
  const kind = kindOf(s, v);
  if (kind === "scalar") return v !== undefined;
  return kind === "list" ? Array.isArray(v) : v !== null && typeof v === "object" && !Array.isArray(v);
}
