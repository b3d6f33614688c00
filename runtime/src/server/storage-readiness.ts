/**
 * /readyz waits for the watch cache: kube-apiserver's `poststarthook/storage-readiness`
 * (k8s.io/apiserver pkg/server/storage_readiness_hook.go) fails until every resource's
 * cacher has its initial list. Here every kind's cache is started with the server, and
 * the check fails while one is still filling, so a pod gets traffic only once watches
 * and lists can be served from memory.
 */
import type { ResourceDefinition } from "../api/resource.js";
import type { Cacher } from "../storage/cacher/index.js";
import type { HealthCheck } from "./health.js";

export function storageReadinessCheck(cacher: Cacher, resources: ResourceDefinition[]): HealthCheck {
  cacher.start([...new Set(resources.map((r) => `/${r.group}/${r.plural}/`))]);
  return {
    name: "poststarthook/storage-readiness",
    check() {
      const pending = cacher.unsynced();
      if (pending.length) throw new Error(`watch cache not synced yet for ${pending.join(", ")}`);
    },
  };
}
