/**
 * The registry's hook into field management: every create, update and non-apply patch
 * records its manager's changed fields (operation Update) as kube's FieldManager does;
 * the logic lives in ../fieldmanager.
 */
import { recordWrite, wasApplied } from "../fieldmanager/index.js";
import type { ResourceScope } from "./scope.js";

type Obj = Record<string, unknown>;

export type { ManagedFieldsEntry } from "../fieldmanager/index.js";

/** fieldManager or, as kube does, the User-Agent up to its first `/`. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = (userAgent ?? "").split("/")[0];
  return [...ua].filter((c) => c >= " " && c !== "\x7f").join("");
}

/**
 * Sets obj.metadata.managedFields for a write by `manager`. `old` is the stored object
 * (undefined on create). `scope` gives the schema the fields are typed by; without it
 * values are typed by their shape (maps granular, lists atomic). Objects produced by an
 * apply already carry their managedFields.
 */
export function updateManagedFields(
  obj: Obj,
  old: Obj | undefined,
  manager: string,
  apiVersion: string,
  subresource: string,
  now = new Date(),
  scope?: ResourceScope,
): void {
  if (wasApplied(obj)) return;
  recordWrite(
    obj,
    old,
    manager,
    {
      schema: scope?.def.schema ?? {},
      apiVersion,
      kind: String(obj.kind ?? ""),
      subresource,
      hasStatus: scope?.def.subresources.status ?? false,
    },
    now,
  );
}
