// @kubernetes/client-node's Watch against the generated server (watch cache on, as by default):
// a watch with allowWatchBookmarks=true&timeoutSeconds=6 gets a BOOKMARK at a revision at least
// as recent as the last write before the server ends it, as kube-apiserver's cacher sends one
// 2 s before the watch's deadline (k8s.io/apiserver pkg/storage/cacher/cache_watcher.go
// nextBookmarkTime, the deadline from pkg/endpoints/handlers/get.go handleWatch); without
// allowWatchBookmarks there is none. The rules in detail: test/runtime/watch-bookmark.test.ts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { KubeConfig, KubernetesObjectApi, Watch, type KubernetesObject } from "@kubernetes/client-node";
import { sample } from "./helpers/samples.js";
import { ServerProcess } from "./helpers/server.js";

let server: ServerProcess;
let kc: KubeConfig;

before(async () => {
  server = await ServerProcess.start();
  kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfig);
});
after(async () => {
  await server?.stop();
});

interface Seen {
  type: string;
  object: KubernetesObject;
  /** Milliseconds since the watch was asked for. */
  after: number;
}

/** A watch read until the server ends it: its events, and a promise of them once it has ended. */
async function watchUntilEnd(path: string, query: Record<string, string | number | boolean | undefined>): Promise<{ ended: Promise<Seen[]> }> {
  const seen: Seen[] = [];
  const sent = Date.now();
  let finish!: (err: unknown) => void;
  const ended = new Promise<Seen[]>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve(seen));
  });
  await new Watch(kc).watch(path, query, (type, object: KubernetesObject) => seen.push({ type, object, after: Date.now() - sent }), finish);
  return { ended };
}

test("Watch with allowWatchBookmarks and timeoutSeconds=6: a BOOKMARK at the last write's revision or later before the end; none without", async () => {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const ns = "client-node-bookmark";
  const path = `/apis/skai.io/v1alpha1/namespaces/${ns}/notebooks`;
  await api.create(sample("notebook", "before", ns) as unknown as KubernetesObject);
  const from = (await api.list("skai.io/v1alpha1", "Notebook", ns)).metadata?.resourceVersion;
  assert.ok(from);

  const withBookmarks = await watchUntilEnd(path, { allowWatchBookmarks: true, timeoutSeconds: 6, resourceVersion: from });
  const without = await watchUntilEnd(path, { timeoutSeconds: 6, resourceVersion: from });
  const written = await api.create(sample("notebook", "during", ns) as unknown as KubernetesObject);
  const writtenRV = Number(written.metadata?.resourceVersion);

  const [a, b] = await Promise.all([withBookmarks.ended, without.ended]);
  assert.deepEqual(a.map((e) => e.type), ["ADDED", "BOOKMARK"]);
  const bookmark = a[1]!;
  assert.equal(bookmark.object.kind, "Notebook");
  assert.equal(bookmark.object.apiVersion, "skai.io/v1alpha1");
  assert.ok(Number(bookmark.object.metadata?.resourceVersion) >= writtenRV, `bookmark ${bookmark.object.metadata?.resourceVersion}, write ${writtenRV}`);
  assert.equal(bookmark.object.metadata?.annotations, undefined);
  // kube: 2 s before the 6 s deadline (its one-second dispatch buckets may make it up to 1 s earlier)
  assert.ok(bookmark.after >= 3_000, `bookmark after ${bookmark.after} ms`);
  assert.deepEqual(b.map((e) => e.type), ["ADDED"]);
});
