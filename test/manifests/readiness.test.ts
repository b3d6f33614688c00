/**
 * /readyz waits for the watch cache, as kube-apiserver's poststarthook/storage-readiness
 * (k8s.io/apiserver pkg/server/storage_readiness_hook.go): every kind's cache starts with
 * the server and the check fails until each holds its initial list. The manifests'
 * readinessProbe relies on it: a pod gets traffic only when watches can be served.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResourceDefinition } from "../../runtime/src/api/resource.js";
import { Cacher } from "../../runtime/src/storage/cacher/index.js";
import { createMemoryStorage } from "../../runtime/src/storage/index.js";
import type { Storage } from "../../runtime/src/storage/interface.js";
import { storageReadinessCheck } from "../../runtime/src/server/storage-readiness.js";

test("the storage-readiness check fails until every kind's watch cache has listed", async () => {
  const backend = createMemoryStorage() as unknown as Storage;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const listed: string[] = [];
  // The backend's first list of each kind waits for the gate: the caches are still filling.
  const slow = new Proxy(backend, {
    get(target, prop, receiver) {
      if (prop === "list") {
        return async (prefix: string, opts: unknown) => {
          listed.push(prefix);
          await gate;
          return (target.list as (p: string, o: unknown) => unknown).call(target, prefix, opts);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const cacher = new Cacher(slow);
  const resources = [
    { group: "skai.io", plural: "notebooks" },
    { group: "skai.io", plural: "queues" },
    { group: "skai.io", plural: "notebooks" }, // a second version of the same kind shares its cache
  ] as ResourceDefinition[];
  const check = storageReadinessCheck(cacher, resources);
  assert.equal(check.name, "poststarthook/storage-readiness");
  assert.throws(() => check.check(), /watch cache not synced yet for \/skai\.io\/notebooks\/, \/skai\.io\/queues\//);
  assert.deepEqual(listed.sort(), ["/skai.io/notebooks/", "/skai.io/queues/"], "started with the server, one cache per kind");
  open();
  for (let i = 0; i < 100 && cacher.unsynced().length; i++) await new Promise((r) => setTimeout(r, 10));
  assert.doesNotThrow(() => check.check());
  await cacher.close();
});
