/**
 * Unknown fields against a structural schema, as apiextensions' pruning
 * algorithm finds them: fields a schema does not declare are unknown unless
 * the node has `x-kubernetes-preserve-unknown-fields` (below which declared
 * properties are still checked) or `additionalProperties`; `apiVersion`,
 * `kind` and `metadata` are kept at the root and in embedded resources. The
 * server drops them (fieldValidation=Ignore), warns (Warn) or rejects
 * (Strict) with `unknown field "<path>"`. Paths join keys with `.` and index
 * lists with `[i]`, as the pruning algorithm records them.
 */
import type { StructuralSchema } from "../api/resource.js";

/** Paths of the fields `value` has that `schema` does not declare. */
export function findUnknownFields(value: unknown, schema: StructuralSchema): string[] {
  const found: string[] = [];
  walk(value, schema, [], true, false, found);
  return found;
}

/** Removes unknown fields in place; returns their paths. */
export function pruneUnknownFields(value: unknown, schema: StructuralSchema): string[] {
  const found: string[] = [];
  walk(value, schema, [], true, true, found);
  return found;
}

const RESOURCE_KEYS = new Set(["apiVersion", "kind", "metadata"]);

/**
 * The path to where the walk is, as keys and list indexes: spelled out (`a.b[0].c`) only for
 * an unknown field, so a clean object costs no string per member.
 */
type Path = (string | number)[];

function spell(path: Path, key: string): string {
  let out = "";
  for (const seg of path) out = typeof seg === "number" ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg;
  return out ? `${out}.${key}` : key;
}

function walk(value: unknown, s: StructuralSchema | undefined, path: Path, isRoot: boolean, remove: boolean, found: string[]): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], s?.items, path, false, remove, found);
      path.pop();
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  const preserve = !!s?.["x-kubernetes-preserve-unknown-fields"];
  const keepResourceKeys = isRoot || !!s?.["x-kubernetes-embedded-resource"];
  const additional = typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const key of Object.keys(obj)) {
    const prop = s?.properties?.[key];
    if (prop) {
      // Root and embedded metadata is ObjectMeta: the server validates it, this file does not prune it.
      if (keepResourceKeys && key === "metadata") continue;
      path.push(key);
      walk(obj[key], prop, path, false, remove, found);
      path.pop();
    } else if (additional) {
      path.push(key);
      walk(obj[key], additional, path, false, remove, found);
      path.pop();
    } else if (keepResourceKeys && RESOURCE_KEYS.has(key)) {
      continue;
    } else if (preserve || s?.additionalProperties === true) {
      // Kept as given; nothing below it is declared, so nothing below it is unknown.
      continue;
    } else {
      found.push(spell(path, key));
      if (remove) delete obj[key];
    }
  }
}
