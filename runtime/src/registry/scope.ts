/** Per-kind facts every layer needs: names, storage keys, the GroupResource for errors. */
import type { ResourceDefinition } from "../api/resource.js";
import type { GroupResource } from "../api/status.js";
import type { ServedVersions } from "../fieldmanager/index.js";

export interface ResourceScope {
  def: ResourceDefinition;
  gr: GroupResource;
  /** `group/version` as written in apiVersion. */
  apiVersion: string;
  /** `/<group>/<plural>/` */
  root: string;
  /** Every served version of every kind: field management compares other versions' managers in their own version. */
  versions: ServedVersions;
}

export function createScope(def: ResourceDefinition, versions: ServedVersions): ResourceScope {
  return {
    def,
    versions,
    gr: { group: def.group, resource: def.plural },
    apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
    root: `/${def.group}/${def.plural}/`,
  };
}

/**
 * Storage key of one object (namespace ignored for cluster-scoped kinds). Made by join, which
 * copies into one flat string: the caches look keys up in Maps, and a `+` rope would be
 * flattened and compared through V8's runtime on each lookup.
 */
export function objectKey(scope: ResourceScope, namespace: string, name: string): string {
  return scope.def.namespaced ? [scope.root, namespace, "/", name].join("") : [scope.root, name].join("");
}

/** Prefix listing a namespace, or every object when `namespace` is empty. */
export function listPrefix(scope: ResourceScope, namespace: string): string {
  return scope.def.namespaced && namespace ? `${scope.root}${namespace}/` : scope.root;
}
