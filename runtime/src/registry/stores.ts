/**
 * The registry of a set of served definitions: one GenericStore per kind and
 * version over one storage. Field management compares the managers of another
 * version in theirs, so every store sees the versions the server serves
 * (ServedVersions, passed in as kube passes its Scheme).
 */
import type { ResourceDefinition } from "../api/resource.js";
import { ServedVersions } from "../fieldmanager/index.js";
import { compileRules } from "../validation/cel.js";
import type { Storage } from "../storage/interface.js";
import { createScope } from "./scope.js";
import { GenericStore, type StoreOptions } from "./store.js";

export interface StoresOptions extends StoreOptions {
  /** Every definition the server serves (default: `defs`); other versions of these kinds may be served by other stores. */
  served?: ResourceDefinition[];
}

export function createStores(
  defs: ResourceDefinition[],
  storage: Storage,
  opts: StoresOptions = {},
): GenericStore[] {
  const { served = defs, ...storeOptions } = opts;
  const versions = new ServedVersions(served);
  // CEL rules compile as the kinds start serving, as kube's validators do, not in their first requests.
  for (const def of defs) compileRules(def.schema);
  return defs.map(
    (def) =>
      new GenericStore(createScope(def, versions), storage, storeOptions),
  );
}
