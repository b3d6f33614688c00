/**
 * Server-side field management (k8s.io/apimachinery util/managedfields): managedFields
 * kept for every write, and server-side apply. The registry calls `recordWrite` for
 * create, update and non-apply patches; the PATCH handler calls `applyConfig`.
 */
import { deepCopyJSON } from "../apimachinery/deepcopy.js";
import { rfc3339 } from "../apimachinery/time.js";
import type { StructuralSchema } from "../api/resource.js";
import { errors } from "../api/status.js";
import { conflictStatusError, ConflictsError } from "./conflict.js";
import { allowedConflicts, buildLastApplied, hasLastApplied, KUBECTL_MANAGER, LAST_APPLIED } from "./last-applied.js";
import { addedFieldsV1 } from "./created.js";
import { decodeManagedFields, encodeManagedFields, ManagedFieldsError, managedFieldsEntry, type ManagerSet } from "./managers.js";
import { objectSchema } from "./schema.js";
import { FieldSet } from "./set.js";
import { recordApply, recordUpdate, STRIP, type Context } from "./updater.js";
import type { ServedVersions } from "./versions.js";

export { FieldSet } from "./set.js";
export { decodeFieldsV1, encodeFieldsV1, type FieldsV1 } from "./fieldsv1.js";
export { compare, merge, removeItems, toFieldSet } from "./typed.js";
export { ManagedFieldsError } from "./managers.js";
export { ServedVersions } from "./versions.js";

type Obj = Record<string, unknown>;

export interface Scope {
  /** The kind's structural schema (ResourceDefinition.schema). */
  schema: StructuralSchema;
  /** group/version of the request. */
  apiVersion: string;
  kind: string;
  /** "" or "status". */
  subresource: string;
  /** The kind has a /status subresource (the main resource then resets status). */
  hasStatus: boolean;
  /** The served versions, to compare managers that wrote through another version in theirs. */
  versions?: ServedVersions;
}

const RESET_BY_STATUS = FieldSet.of(["f:spec"]);
const RESET_BY_MAIN = FieldSet.of(["f:status"]);
const RESET_NONE = new FieldSet();

/** GetResetFields of the custom-resource strategies. */
function resetFields(scope: Scope): FieldSet {
  if (scope.subresource === "status") return RESET_BY_STATUS;
  return scope.hasStatus ? RESET_BY_MAIN : RESET_NONE;
}

function context(scope: Scope, now: Date): Context {
  return {
    schema: objectSchema(scope.schema),
    apiVersion: scope.apiVersion,
    subresource: scope.subresource,
    ignored: resetFields(scope),
    now: rfc3339(now),
    viewIn: (apiVersion) => scope.versions?.view(scope.kind, scope.apiVersion, apiVersion),
  };
}

const metaOf = (o: unknown): Obj => ((o as Obj).metadata ?? {}) as Obj;

/** The object as fields are compared: managedFields are bookkeeping, not fields. */
function withoutManagedFields(o: unknown): Obj {
  const obj = o as Obj;
  if (!obj?.metadata) return obj ?? {};
  // Most writes carry none: no copies then (a rest pattern is a slow copy in V8).
  if (!Object.hasOwn(obj.metadata, "managedFields")) return obj;
  const { managedFields: _mf, ...meta } = obj.metadata as Obj;
  return { ...obj, metadata: meta };
}

function setManagedFields(obj: Obj, managers: Map<string, ManagerSet>): void {
  const entries = encodeManagedFields(managers);
  const meta = metaOf(obj);
  if (entries.length) meta.managedFields = entries;
  else delete meta.managedFields;
  obj.metadata = meta;
}

/** isResetManagedFields: `[]` or `[{}]` in a write clears managedFields. */
function isReset(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && mf[0] !== null && typeof mf[0] === "object" && Object.keys(mf[0] as Obj).length === 0;
}

/** decodeLiveOrNew: a write may set managedFields itself (not through a subresource). */
function baseManagers(next: Obj, live: Obj | undefined, scope: Scope): Map<string, ManagerSet> {
  const fromLive = () => {
    try {
      return decodeManagedFields(live ? metaOf(live).managedFields : undefined);
    } catch {
      return new Map<string, ManagerSet>();
    }
  };
  if (scope.subresource) return fromLive();
  const mf = metaOf(next).managedFields;
  if (isReset(mf)) return new Map();
  try {
    const m = decodeManagedFields(mf);
    return m.size ? m : fromLive();
  } catch {
    return fromLive();
  }
}

/**
 * FieldManager.UpdateNoErrors: sets `next`'s managedFields for a create (`live`
 * undefined), update or non-apply patch by `manager`.
 */
export function recordWrite(next: Obj, live: Obj | undefined, manager: string, scope: Scope, now = new Date()): void {
  const managers = baseManagers(next, live, scope);
  if (!live && managers.size === 0) return recordCreate(next, manager, scope, now);
  recordUpdate(withoutManagedFields(live ?? {}), withoutManagedFields(next), managers, manager, context(scope, now));
  setManagedFields(next, managers);
}

/** recordWrite of a create nobody else manages: its one Update entry owns every field it sets. */
function recordCreate(next: Obj, manager: string, scope: Scope, now: Date): void {
  const fields = addedFieldsV1(withoutManagedFields(next), objectSchema(scope.schema), STRIP, resetFields(scope));
  const meta = metaOf(next);
  if (fields) {
    const self = { manager, operation: "Update" as const, apiVersion: scope.apiVersion, subresource: scope.subresource, time: rfc3339(now) };
    meta.managedFields = [managedFieldsEntry(self, fields)];
  } else delete meta.managedFields;
  next.metadata = meta;
}

function gvkString(config: Obj): string {
  const av = typeof config.apiVersion === "string" ? config.apiVersion : "";
  const [g, v] = av.includes("/") ? av.split("/", 2) : ["", av];
  return `${g}/${v}, Kind=${typeof config.kind === "string" ? config.kind : ""}`;
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: the object does
 * not exist yet). Returns the new object with its managedFields; throws kube's 400s for
 * a bad configuration and the 409 for conflicts.
 */
export function applyConfig(
  live: Obj | undefined,
  config: Obj,
  manager: string,
  force: boolean,
  scope: Scope,
  now = new Date(),
): Obj {
  if (config.apiVersion !== scope.apiVersion || config.kind !== scope.kind) {
    throw errors.badRequest(`invalid object type: ${gvkString(config)}`);
  }
  const cmeta = config.metadata;
  if (cmeta && typeof cmeta === "object" && (cmeta as Obj).managedFields != null) {
    throw errors.badRequest("metadata.managedFields must be nil");
  }
  const ctx = context(scope, now);
  const decode = () => {
    try {
      return decodeManagedFields(live ? metaOf(live).managedFields : undefined);
    } catch (e) {
      // a plain error in kube: the registry sends it as a 500 without a reason
      if (e instanceof ManagedFieldsError) throw new ManagedFieldsError(`failed to decode managed fields: ${e.message}`);
      throw e;
    }
  };
  const base = withoutManagedFields(live ?? {});
  let managers = decode();
  let result;
  try {
    result = recordApply(base, config, managers, manager, force, ctx);
  } catch (e) {
    if (!(e instanceof ConflictsError)) throw e;
    const allowed = manager === KUBECTL_MANAGER && live ? allowedConflicts(base, ctx.schema) : undefined;
    const remaining = allowed ? e.conflicts.filter((c) => !allowed.has(c.path)) : e.conflicts;
    if (remaining.length) throw conflictStatusError(remaining);
    managers = decode();
    result = recordApply(base, config, managers, manager, true, ctx);
  }
  const obj = deepCopyJSON(result.object) as Obj;
  if (manager === KUBECTL_MANAGER && live && hasLastApplied(live)) {
    const meta = metaOf(obj);
    meta.annotations = { ...((meta.annotations as Obj) ?? {}), [LAST_APPLIED]: buildLastApplied(config) };
  }
  setManagedFields(obj, managers);
  return obj;
}
