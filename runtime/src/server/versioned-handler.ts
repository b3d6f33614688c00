/**
 * The resource handler for a server whose kinds may be served in several
 * versions. Each non-storage version gets its own endpoints handler over a
 * converting view of the shared storage (so also its own encode and list
 * caches, which are keyed by storage key and would otherwise mix versions);
 * the storage versions share one. Deprecated versions get their warning header
 * on every request, before any handler can fail. As apiextensions-apiserver's
 * crdHandler, this is serving: it picks the handler a request's version needs.
 */
import type { Handler } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import { addWarnings } from "../endpoints/responses.js";
import { createResourceHandler } from "../endpoints/index.js";
import type { ResourceHandlerOptions } from "../endpoints/env.js";
import type { Storage } from "../storage/interface.js";
import { convertingStorage } from "../conversion/storage.js";
import { createStores } from "../registry/stores.js";
import "../conversion/types.js";

/** join copies into one flat string, which a Map hashes and compares without V8's runtime (a `+` rope needs it). */
const keyOf = (group: string, version: string, plural: string) => [group, version, plural].join("/");

export function createVersionedResourceHandler(defs: ResourceDefinition[], storage: Storage, opts: ResourceHandlerOptions = {}): Handler {
  // Every store sees all served versions: field management compares managers in theirs.
  const storeOptions = { served: defs, clock: opts.now, bookmarkFrequencyMs: opts.bookmarkIntervalMs };
  const stored = createResourceHandler(createStores(defs.filter((d) => !d.conversion), storage, storeOptions), opts);
  const converted = new Map<string, Handler>();
  const warnings = new Map<string, string>();
  for (const d of defs) {
    const key = keyOf(d.group, d.version, d.plural);
    if (d.conversion) converted.set(key, createResourceHandler(createStores([d], convertingStorage(storage, d.conversion, opts.log), storeOptions), opts));
    if (d.deprecationWarning) warnings.set(key, d.deprecationWarning);
  }
  if (converted.size === 0 && warnings.size === 0) return stored;
  return (ctx) => {
    const { info } = ctx;
    const key = keyOf(info.apiGroup, info.apiVersion, info.resource);
    const warning = warnings.get(key);
    if (warning) addWarnings(ctx.res, [warning]);
    return (converted.get(key) ?? stored)(ctx);
  };
}
