/** Helpers to visit the fields of a model with the place they live at. */
import type { ApiModel, Field, ObjectType } from "../model/types.js";

/** Every field of every object type, in sorted type order. */
export function* allFields(model: ApiModel): Generator<{ owner: ObjectType; field: Field }> {
  for (const id of Object.keys(model.types).sort()) {
    const owner = model.types[id];
    for (const field of owner.fields) yield { owner, field };
  }
}
