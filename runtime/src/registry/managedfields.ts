/**
 * The registry's hook into field management: every create, update and non-apply patch
 * records its manager's changed fields (operation Update) as kube's FieldManager does;
 * the logic lives in ../fieldmanager.
 */
import { recordWrite, type Scope } from "../fieldmanager/index.js";
import type { ResourceScope } from "./scope.js";

type Obj = Record<string, unknown>;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
/** The common User-Agent prefix: printable ASCII that fits, taken as it is. */
const PRINTABLE_ASCII_THAT_FITS = /^[\x20-\x7e]{0,128}$/;
/** apimachinery's FieldManagerMaxLength, in UTF-8 bytes. */
const FIELD_MANAGER_MAX_BYTES = 128;

/**
 * fieldManager or, as kube's prefixFromUserAgent (handlers/create.go), the User-Agent up to
 * its first `/`, unprintable characters dropped, cut before the character that would pass
 * 128 bytes.
 */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? "").split("/", 1)[0]!;
  if (PRINTABLE_ASCII_THAT_FITS.test(prefix)) return prefix;
  let name = "";
  let bytes = 0;
  for (const char of prefix) {
    if (!PRINTABLE.test(char)) continue;
    const size = Buffer.byteLength(char);
    if (bytes + size > FIELD_MANAGER_MAX_BYTES) break;
    name += char;
    bytes += size;
  }
  return name;
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
