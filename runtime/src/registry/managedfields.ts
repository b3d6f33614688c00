/**
 * The registry's hook into field management: every create, update and non-apply patch
 * records its manager's changed fields (operation Update) as kube's FieldManager does;
 * the logic lives in ../fieldmanager.
 */
import { recordWrite, type Scope } from "../fieldmanager/index.js";
import type { ResourceScope } from "./scope.js";

type Obj = Record<string, unknown>;

const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/g;

/** fieldManager or, as kube does, the User-Agent up to its first `/`. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? "").split("/")[0];
  return ua.replace(CONTROL_CHARACTERS, "");
}

/** What the field manager needs to know of a write to the kind of `scope` (main resource, or "status"). */
export function fieldManagerScope(scope: ResourceScope, subresource: string): Scope {
  return {
    schema: scope.def.schema,
    apiVersion: scope.apiVersion,
    kind: scope.def.kind,
    subresource,
    hasStatus: scope.def.subresources.status,
    versions: scope.versions,
  };
}

/** Sets obj.metadata.managedFields for a write by `manager`. `old` is the stored object (undefined on create). */
export function updateManagedFields(obj: Obj, old: Obj | undefined, manager: string, subresource: string, now: Date, scope: ResourceScope): void {
  recordWrite(obj, old, manager, fieldManagerScope(scope, subresource), now);
}
