// @kubernetes/client-node's own generic clients against the generated server: our wire format is
// what its users expect (discovery, CRUD through KubernetesObjectApi, Watch event framing).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject } from "@kubernetes/client-node";
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

type Nb = KubernetesObject & { spec: { image: string; suspend?: boolean } };

test("KubernetesObjectApi: create, read, list, replace, merge patch, delete (namespaced and cluster-scoped)", async () => {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const ns = "client-node";
  const nb = sample("notebook", "kn", ns) as unknown as Nb;
  const created = await api.create<Nb>(nb);
  assert.equal(created.metadata?.name, "kn");
  assert.ok(created.metadata?.uid);
  const read = await api.read<Nb>({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "kn", namespace: ns } });
  assert.equal(read.spec.image, nb.spec.image);
  const list = await api.list<Nb>("skai.io/v1alpha1", "Notebook", ns);
  assert.deepEqual(list.items.map((o) => o.metadata?.name), ["kn"]);
  const replaced = await api.replace<Nb>({ ...read, spec: { ...read.spec, suspend: true } });
  assert.equal(replaced.spec.suspend, true);
  const merged = await api.patch<Nb>(
    { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "kn", namespace: ns, labels: { patched: "merge" } } } as unknown as Nb,
    undefined,
    undefined,
    undefined,
    undefined,
    PatchStrategy.MergePatch,
  );
  assert.equal(merged.metadata?.labels?.patched, "merge");
  // Cluster-scoped kinds resolve through discovery too.
  const q = await api.create(sample("queue", "kn-queue") as unknown as KubernetesObject);
  assert.equal(q.metadata?.namespace, undefined);
  await api.delete({ apiVersion: "skai.io/v1alpha1", kind: "Queue", metadata: { name: "kn-queue" } });
  await api.delete({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "kn", namespace: ns } });
  await assert.rejects(api.read({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "kn", namespace: ns } }), (e: { code?: number }) => e.code === 404);
});

test("Watch: ADDED, MODIFIED, DELETED events with typed objects", async () => {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const ns = "client-node-watch";
  const events: string[] = [];
  let doneErr: unknown = "not done";
  const ctrl = await new Watch(kc).watch(
    `/apis/skai.io/v1alpha1/namespaces/${ns}/notebooks`,
    { allowWatchBookmarks: true },
    (type, obj: Nb) => {
      if (type !== "BOOKMARK") events.push(`${type}:${obj.metadata?.name}:${obj.kind}`);
    },
    (err) => (doneErr = err),
  );
  const nb = sample("notebook", "w", ns) as unknown as Nb;
  const created = await api.create<Nb>(nb);
  await api.replace<Nb>({ ...created, spec: { ...created.spec, suspend: true } });
  await api.delete({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "w", namespace: ns } });
  const end = Date.now() + 10_000;
  while (events.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(events, ["ADDED:w:Notebook", "MODIFIED:w:Notebook", "DELETED:w:Notebook"]);
  ctrl.abort();
  assert.ok(doneErr === "not done" || doneErr === null || doneErr === undefined || (doneErr as Error).name === "AbortError", String(doneErr));
});
