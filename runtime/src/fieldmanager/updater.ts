/**
 * The ownership bookkeeping of structured-merge-diff's merge.Updater (merge/update.go)
 * with apimachinery's manager wrappers folded in: stripped metadata paths
 * (stripmeta.go), reset fields a subresource ignores, per-manager times
 * (managedfieldsupdater.go) and the Update-manager cap (capmanagers.go).
 */
import { deepEqual } from "../apimachinery/jsonpatch.js";
import { ConflictsError, type Conflict } from "./conflict.js";
import { capUpdateManagers, managerKey, type ManagerSet } from "./managers.js";
import { fieldPE } from "./pathelement.js";
import type { Schema } from "./schema.js";
import { FieldSet } from "./set.js";
import { compare, merge, removeItems, toFieldSet, type Comparison } from "./typed.js";
import type { VersionView } from "./versions.js";

/** stripmeta.go: fields nobody owns (system-set, or the object's identity). */
export const STRIP = FieldSet.of(
  ["f:apiVersion"],
  ["f:kind"],
  ["f:metadata"],
  ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"].map(
    (f) => ["f:metadata", fieldPE(f)],
  ),
);

export interface Context {
  schema: Schema;
  /** apiVersion of the request (the entry's apiVersion). */
  apiVersion: string;
  subresource: string;
  /** Fields the subresource resets (status on the main resource, spec on /status). */
  ignored: FieldSet;
  now: string;
  /** The object seen in another served version, for managers that wrote through it. */
  viewIn?: (apiVersion: string) => VersionView | undefined;
}

type Managers = Map<string, ManagerSet>;

function excludeIgnored(c: Comparison, ignored: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

/**
 * Updater.update: other managers lose what this change removed and, when `force`,
 * what it changed; without force any overlap with them is a conflict.
 */
function transfer(live: unknown, next: unknown, managers: Managers, selfKey: string, ctx: Context, force: boolean): Comparison {
  const c = excludeIgnored(compare(live, next, ctx.schema), ctx.ignored);
  const byVersion = new Map<string, Comparison>([[ctx.apiVersion, c]]);
  const comparisonFor = (apiVersion: string): Comparison => {
    let vc = byVersion.get(apiVersion);
    if (!vc) {
      vc = c;
      const view = ctx.viewIn?.(apiVersion);
      if (view) {
        try {
          vc = excludeIgnored(compare(view.convert(live as never), view.convert(next as never), view.schema), ctx.ignored);
        } catch {
          // an object conversion cannot handle (e.g. the empty object of a create): compare as served
        }
      }
      byVersion.set(apiVersion, vc);
    }
    return vc;
  };
  const conflicts: Conflict[] = [];
  const taken = new Map<string, FieldSet>();
  const removedFor = new Map<string, FieldSet>();
  for (const [key, m] of managers) {
    if (key === selfKey) continue;
    const mc = comparisonFor(m.apiVersion);
    removedFor.set(key, mc.removed);
    const changed = mc.modified.union(mc.added);
    const overlap = m.set.intersection(changed);
    if (!overlap.empty()) {
      taken.set(key, overlap);
      for (const path of overlap.paths()) conflicts.push({ manager: m, path });
    }
  }
  if (!force && conflicts.length) throw new ConflictsError(conflicts);
  for (const [key, m] of managers) {
    if (key === selfKey) continue;
    let set = m.set;
    const t = taken.get(key);
    if (t) set = set.difference(t);
    const removed = removedFor.get(key);
    if (removed && !removed.empty()) set = set.difference(removed);
    if (set.empty()) managers.delete(key);
    else m.set = set;
  }
  return c;
}

/**
 * A non-apply write (create, PUT, PATCH) by `manager`: it owns what it added or changed
 * and, as every write does, takes those fields from others. No change keeps the entry
 * (and its time) as it was.
 */
export function recordUpdate(live: unknown, next: unknown, managers: Managers, manager: string, ctx: Context): void {
  const self = { manager, operation: "Update" as const, apiVersion: ctx.apiVersion, subresource: ctx.subresource };
  const key = managerKey(self);
  const c = transfer(live, next, managers, "", ctx, true);
  const prev = managers.get(key);
  // the "current-operation" set of managedfieldsupdater.go: only this write's fields (c has no ignored ones)
  const set = (c.modified.empty() ? c.added : c.modified.union(c.added)).difference(STRIP);
  if (set.empty()) return;
  managers.set(key, { ...self, time: ctx.now, set: prev ? prev.set.union(set) : set });
  capUpdateManagers(managers, ctx.apiVersion);
}

export interface ApplyResult {
  object: unknown;
  /** The object is unchanged (ownership may still have moved). */
  noop: boolean;
}

/**
 * Updater.Apply: merge the configuration into the live object, make its field set the
 * applier's, drop what the applier owned before and no longer applies unless someone
 * else owns it, then check the change against the other managers.
 */
export function recordApply(
  live: unknown,
  config: unknown,
  managers: Managers,
  manager: string,
  force: boolean,
  ctx: Context,
): ApplyResult {
  const self = { manager, operation: "Apply" as const, apiVersion: ctx.apiVersion, subresource: ctx.subresource };
  const key = managerKey(self);
  const last = managers.get(key)?.set;
  const set = toFieldSet(config, ctx.schema).recursiveDifference(ctx.ignored);
  let merged = merge(live, config, ctx.schema);
  const all = [...managers.entries()].reduce((acc, [k, m]) => (k === key ? acc : acc.union(m.set)), set);
  if (last && !last.empty()) {
    const present = toFieldSet(merged, ctx.schema).withNamedFieldsAsMembers();
    const drop = last.withNamedFieldsAsMembers().intersection(present).difference(all.withNamedFieldsAsMembers());
    merged = removeItems(merged, drop, ctx.schema);
  }
  const prev = managers.get(key);
  managers.set(key, { ...self, time: prev?.time, set });
  transfer(live, merged, managers, key, ctx, force);
  const noop = deepEqual(live, merged);
  const entry = managers.get(key)!;
  entry.set = entry.set.difference(STRIP);
  if (!noop || !entry.time) entry.time = ctx.now;
  if (entry.set.empty()) managers.delete(key);
  return { object: merged, noop };
}
