/**
 * Wraps the generated field-by-field conversions so that objects round-trip
 * without loss: A -> B keeps A's fields that B cannot hold in the annotation
 * `<group>/<A>-fields`, and restores B's fields kept earlier under
 * `<group>/<B>-fields` (removing that annotation).
 */
import { lostFields, restoreFields, stashAnnotation } from "./stash.js";
import type { ConvertFunc, Obj } from "./types.js";

type Meta = { annotations?: Record<string, string>; [k: string]: unknown };

function metaOf(obj: Obj): Meta {
  return (obj.metadata ?? {}) as Meta;
}

/** Takes the annotation out of a shallow copy of `obj` (the input is never mutated). */
function withoutAnnotation(obj: Obj, name: string): { obj: Obj; value?: string } {
  const ann = metaOf(obj).annotations;
  if (!ann || !(name in ann)) return { obj };
  const { [name]: value, ...rest } = ann;
  const metadata: Meta = { ...metaOf(obj) };
  if (Object.keys(rest).length) metadata.annotations = rest;
  else delete metadata.annotations;
  return { obj: { ...obj, metadata }, value };
}

export function losslessConversion(group: string, from: string, to: string, forward: ConvertFunc, backward: ConvertFunc): ConvertFunc {
  const keptHere = stashAnnotation(group, to);
  const keepThere = stashAnnotation(group, from);
  return (input) => {
    const { obj, value } = withoutAnnotation(input, keptHere);
    const out = forward(obj);
    if (value !== undefined) {
      try {
        restoreFields(out, JSON.parse(value) as Obj);
      } catch {
        // A hand-edited, unparsable annotation is dropped rather than failing every read.
      }
    }
    const lost = lostFields(obj, backward(forward(obj)));
    if (lost) {
      const meta: Meta = { ...metaOf(out) };
      meta.annotations = { ...(meta.annotations ?? {}), [keepThere]: JSON.stringify(lost) };
      out.metadata = meta;
    }
    return out;
  };
}
