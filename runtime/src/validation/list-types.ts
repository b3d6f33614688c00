/**
 * The `x-kubernetes-list-type` invariants: no duplicate items in a `set`, no
 * two items with the same keys in a `map` (apiextensions' structural
 * listtype validation). Reported as `Duplicate value` at the later item.
 */
import type { FieldError, StructuralSchema } from "../api/resource.js";
import { fieldError } from "./field-errors.js";
import { keyPath } from "./paths.js";

export function validateListTypes(value: unknown, schema: StructuralSchema | undefined, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  walk(value, schema, path, errs);
  return errs;
}

function walk(value: unknown, s: StructuralSchema | undefined, path: string, errs: FieldError[]): void {
  if (!s || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    const listType = s["x-kubernetes-list-type"];
    if (listType === "set") {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = canonical(item);
        if (seen.has(key)) errs.push(fieldError.duplicate(`${path}[${i}]`, item));
        seen.add(key);
      });
    } else if (listType === "map") {
      const keys = s["x-kubernetes-list-map-keys"] ?? [];
      const seen = new Set<string>();
      value.forEach((item, i) => {
        if (!item || typeof item !== "object" || Array.isArray(item)) return;
        const keyMap: Record<string, unknown> = {};
        for (const k of keys) if ((item as Record<string, unknown>)[k] !== undefined) keyMap[k] = (item as Record<string, unknown>)[k];
        const key = canonical(keyMap);
        if (seen.has(key)) errs.push(fieldError.duplicate(`${path}[${i}]`, keyMap));
        seen.add(key);
      });
    }
    value.forEach((item, i) => walk(item, s.items, `${path}[${i}]`, errs));
    return;
  }
  const obj = value as Record<string, unknown>;
  const additional = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(obj)) {
    const prop = s.properties?.[k];
    if (prop) walk(v, prop, path ? `${path}.${k}` : k, errs);
    else if (additional) walk(v, additional, keyPath(path, k), errs);
  }
}

/** Order-independent identity of a JSON value, for set and key comparison. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}
