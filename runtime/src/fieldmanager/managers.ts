/**
 * managedFields entries and the manager sets they encode (apimachinery's
 * util/managedfields/internal managedfields.go): one set per manager identity, which
 * is the manager name, operation, subresource and, for Update only, the apiVersion
 * (an applier keeps one entry whatever version it applies).
 */
import { decodeFieldsV1, encodeFieldsV1, type FieldsV1 } from "./fieldsv1.js";
import { FieldSet } from "./set.js";

export type Operation = "Apply" | "Update";

export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: FieldsV1;
  subresource?: string;
}

export interface ManagerSet {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource: string;
  time?: string;
  set: FieldSet;
}

/** BuildManagerIdentifier, as a map key. */
export function managerKey(m: Pick<ManagerSet, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return JSON.stringify([m.manager, m.operation, m.operation === "Update" ? m.apiVersion : "", m.subresource]);
}

export class ManagedFieldsError extends Error {}

/** DecodeManagedFields: throws ManagedFieldsError on malformed entries. */
export function decodeManagedFields(v: unknown): Map<string, ManagerSet> {
  const out = new Map<string, ManagerSet>();
  if (v === undefined || v === null) return out;
  if (!Array.isArray(v)) throw new ManagedFieldsError("managedFields must be a list");
  for (const e of v as Partial<ManagedFieldsEntry>[]) {
    if (!e || typeof e !== "object") throw new ManagedFieldsError("managedFields entry must be an object");
    if (e.operation !== "Apply" && e.operation !== "Update") throw new ManagedFieldsError(`operation must be Apply or Update, got ${String(e.operation)}`);
    if (e.fieldsType !== "FieldsV1") throw new ManagedFieldsError(`fieldsType must be FieldsV1, got ${String(e.fieldsType)}`);
    let set: FieldSet;
    try {
      set = decodeFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      throw new ManagedFieldsError(`error decoding fieldsV1: ${(err as Error).message}`);
    }
    const m: ManagerSet = {
      manager: String(e.manager ?? ""),
      operation: e.operation,
      apiVersion: String(e.apiVersion ?? ""),
      subresource: String(e.subresource ?? ""),
      set,
    };
    if (typeof e.time === "string") m.time = e.time;
    const key = managerKey(m);
    const prev = out.get(key);
    // duplicate identities merge, as decoding into a map keyed by identity does
    if (prev) prev.set = prev.set.union(set);
    else out.set(key, m);
  }
  return out;
}

const seconds = (t?: string): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** encodeManagedFields + sortEncodedManagedFields: Apply before Update, then oldest first. */
export function encodeManagedFields(managers: Map<string, ManagerSet>): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => !m.set.empty());
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
  return list.map((m) => managedFieldsEntry(m, encodeFieldsV1(m.set)));
}

/** The entry of manager `m` owning `fieldsV1`, its fields in kube's order. */
export function managedFieldsEntry(m: Omit<ManagerSet, "set">, fieldsV1: FieldsV1): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion } as ManagedFieldsEntry;
  if (m.time) e.time = m.time;
  e.fieldsType = "FieldsV1";
  e.fieldsV1 = fieldsV1;
  if (m.subresource) e.subresource = m.subresource;
  return e;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** DefaultMaxUpdateManagers of capmanagers.go. */
const MAX_UPDATE_MANAGERS = 10;
const ANCIENT = "ancient-changes";

/**
 * capManagersManager: beyond 10 Update managers the oldest are folded into an
 * `ancient-changes` entry so managedFields cannot grow without bound.
 */
export function capUpdateManagers(managers: Map<string, ManagerSet>, apiVersion: string): void {
  const updates = [...managers.entries()].filter(([, m]) => m.operation === "Update" && m.manager !== ANCIENT);
  const ancientKey = managerKey({ manager: ANCIENT, operation: "Update", apiVersion, subresource: "" });
  const total = updates.length + (managers.has(ancientKey) ? 1 : 0);
  if (total <= MAX_UPDATE_MANAGERS) return;
  updates.sort(([, a], [, b]) => seconds(a.time) - seconds(b.time));
  let ancient = managers.get(ancientKey);
  for (const [key, m] of updates.slice(0, total - MAX_UPDATE_MANAGERS + (ancient ? 0 : 1))) {
    if (!ancient) {
      ancient = { manager: ANCIENT, operation: "Update", apiVersion, subresource: "", set: new FieldSet() };
      managers.set(ancientKey, ancient);
    }
    ancient.set = ancient.set.union(m.set);
    if (!ancient.time || seconds(m.time) > seconds(ancient.time)) ancient.time = m.time;
    managers.delete(key);
  }
}
