/** List semantics: @listType fits the list, @listMapKey names required (or defaulted) fields of the items. */
import type { ApiModel } from "../model/types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";
import { allFields } from "./walk.js";

export function checkLists(model: ApiModel, diags: DiagnosticBag): void {
  for (const { owner, field } of allFields(model)) {
    // Upstream types come from the table, not from the user; their quirks are Kubernetes' own.
    if (owner.origin !== "definitions") continue;
    const c = field.constraints;
    const at = field.source;
    const where = `${owner.name}.${field.name}`;
    if (field.type.kind !== "array") {
      if (c.listType || c.listMapKeys)
        diags.report(at, "bad-list-type", `@${c.listType ? "listType" : "listMapKey"} on ${where}, which is not a list`, "remove the tag, or make the field an array");
      continue;
    }
    const items = field.type.items;
    const itemType = items.kind === "object" ? model.types[items.ref] : undefined;
    if (c.listType === "map" && !itemType) {
      diags.report(at, "bad-list-type", `@listType map on ${where}, a list of ${items.kind} values`, "a map list holds objects; use @listType set for unique scalar values");
      continue;
    }
    if (c.listType === "set" && itemType)
      diags.report(at, "bad-list-type", `@listType set on ${where}, a list of objects`, "use @listType map with @listMapKey for lists of objects");
    if (c.listType === "map" && !c.listMapKeys?.length)
      diags.report(at, "missing-list-map-key", `@listType map on ${where} needs at least one @listMapKey`, "add e.g. @listMapKey name");
    if (c.listMapKeys?.length && c.listType !== "map")
      diags.report(at, "bad-list-type", `@listMapKey on ${where} without @listType map`, "add @listType map");
    if (!itemType || c.listType !== "map") continue;
    for (const key of c.listMapKeys ?? []) {
      const kf = itemType.fields.find((f) => f.name === key);
      if (!kf) {
        const names = itemType.fields.map((f) => f.name).join(", ");
        diags.report(at, "bad-list-map-key", `@listMapKey ${key}: ${itemType.name} has no field ${key}`, `use one of ${names}`);
      } else if (!kf.required && kf.constraints.default === undefined) {
        diags.report(at, "bad-list-map-key", `@listMapKey ${key}: ${itemType.name}.${key} is optional and has no default`, `make ${itemType.name}.${key} required, or give it a @default`);
      } else if (!["string", "enum", "integer", "boolean", "number"].includes(kf.type.kind)) {
        diags.report(at, "bad-list-map-key", `@listMapKey ${key}: ${itemType.name}.${key} is not a scalar`, "list map keys must be strings, numbers or booleans");
      }
    }
  }
}
