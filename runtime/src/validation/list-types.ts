/**
 * The `x-kubernetes-list-type` invariants: no duplicate items in a `set`, no
 * two items with the same keys in a `map` (apiextensions' structural
 * listtype validation). Reported as `Duplicate value` at the later item.
 */
import type { FieldError, StructuralSchema } from "../api/resource.js";
import { fieldError } from "./field-errors.js";
import { indexPath } from "./paths.js";
import { relevantWhere, walkWithSchema } from "./schema-walk.js";

const hasListType = relevantWhere((s) => s["x-kubernetes-list-type"] === "set" || s["x-kubernetes-list-type"] === "map");

export function validateListTypes(value: unknown, schema: StructuralSchema | undefined, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  walkWithSchema(value, schema, path, (node, s, at) => {
    if (!Array.isArray(node)) return;
    const listType = s["x-kubernetes-list-type"];
    if (listType === "set") {
      const seen = new Set<string>();
      node.forEach((item, i) => {
        const key = canonical(item);
        if (seen.has(key)) errs.push(fieldError.duplicate(indexPath(at, i), item));
        seen.add(key);
      });
    } else if (listType === "map") {
      const keys = s["x-kubernetes-list-map-keys"] ?? [];
      const seen = new Set<string>();
      node.forEach((item, i) => {
        if (!item || typeof item !== "object" || Array.isArray(item)) return;
        const keyMap: Record<string, unknown> = {};
        for (const k of keys) if ((item as Record<string, unknown>)[k] !== undefined) keyMap[k] = (item as Record<string, unknown>)[k];
        const key = canonical(keyMap);
        if (seen.has(key)) errs.push(fieldError.duplicate(indexPath(at, i), keyMap));
        seen.add(key);
      });
    }
  }, hasListType);
  return errs;
}

/** Order-independent identity of a JSON value, for set and key comparison. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}
