/**
 * Which named types a group-version's kinds reach: the user's own object
 * types (printed in the group-version's types.ts), the Kubernetes types they
 * stop at (imported, never re-typed) and the named enums (printed as aliases).
 */
import type { ApiModel, ObjectType, TypeNode, VersionModel } from "../../model/types.js";

export interface ReachedTypes {
  /** The user's object types, in first-reached order (kinds' specs first). */
  local: ObjectType[];
  /** Kubernetes types referenced directly by a local type. */
  kubernetes: ObjectType[];
  /** Named string-literal unions, by alias name. */
  enums: Map<string, string[]>;
}

export function reachedTypes(model: ApiModel, version: VersionModel): ReachedTypes {
  const local = new Map<string, ObjectType>();
  const kubernetes = new Map<string, ObjectType>();
  const enums = new Map<string, string[]>();
  const visitNode = (t: TypeNode): void => {
    switch (t.kind) {
      case "enum":
        if (t.name && !enums.has(t.name)) enums.set(t.name, t.values);
        return;
      case "array":
        return visitNode(t.items);
      case "map":
        return visitNode(t.values);
      case "object":
        return visitType(t.ref);
      default:
        return;
    }
  };
  const visitType = (ref: string): void => {
    if (local.has(ref) || kubernetes.has(ref)) return;
    const type = model.types[ref];
    if (!type) throw new Error(`internal error: type ${ref} is referenced but not in the model`);
    // A Kubernetes type without a module to import from is printed like the user's own.
    if (type.origin === "kubernetes" && type.module) {
      kubernetes.set(ref, type);
      return;
    }
    local.set(ref, type);
    for (const f of type.fields) visitNode(f.type);
  };
  for (const k of version.kinds) {
    visitType(k.spec);
    if (k.status) visitType(k.status);
  }
  return { local: [...local.values()], kubernetes: [...kubernetes.values()], enums };
}
