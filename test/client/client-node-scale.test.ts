// Server-side apply of a Scale with @kubernetes/client-node (CustomObjectsApi
// patchNamespacedCustomObjectScale with the apply content type, the call client-go's
// ApplyScale makes) against the generated server: kube's conflicts, force and ownership,
// recorded on the object at its own replicas path (apimachinery scalehandler.go).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiException, CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject } from "@kubernetes/client-node";
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

type Entry = { manager: string; fieldsV1: Record<string, Record<string, Record<string, unknown>>> };
type TrainingJob = KubernetesObject & { spec: { workers: { replicas: number } } };

test("apply on /scale: 409 against the creator's replicas, then force makes the applier their owner on the object", async () => {
  const ns = "client-node-scale";
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const tj = sample("trainingjob", "scaled", ns) as unknown as TrainingJob;
  await objects.create(tj, undefined, undefined, "creator");
  const custom = kc.makeApiClient(CustomObjectsApi);
  const applyScale = (replicas: number, force: boolean) =>
    custom.patchNamespacedCustomObjectScale(
      {
        group: "skai.io",
        version: "v1alpha1",
        namespace: ns,
        plural: "trainingjobs",
        name: "scaled",
        body: { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "scaled", namespace: ns }, spec: { replicas } },
        fieldManager: "autoscaler",
        force,
      },
      setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
    );
  const replicas = tj.spec.workers.replicas + 3;

  const conflict = await applyScale(replicas, false).then(
    () => assert.fail("expected a conflict"),
    (e: unknown) => e,
  );
  assert.ok(conflict instanceof ApiException);
  assert.equal(conflict.code, 409);
  const status = typeof conflict.body === "string" ? JSON.parse(conflict.body) : conflict.body;
  // the Scale's field manager sees the creator in the Scale's version and path
  assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "creator" using autoscaling/v1: .spec.replicas');

  const scale = (await applyScale(replicas, true)) as { kind: string; spec: { replicas: number } };
  assert.equal(scale.kind, "Scale");
  assert.equal(scale.spec.replicas, replicas);
  const read = await objects.read<TrainingJob>({ apiVersion: "skai.io/v1alpha1", kind: "TrainingJob", metadata: { name: "scaled", namespace: ns } });
  assert.equal(read.spec.workers.replicas, replicas);
  const entries = read.metadata!.managedFields as unknown as Entry[];
  const applier = entries.find((e) => e.manager === "autoscaler");
  // no time: kube's ScaleHandler.ToParent takes times from the object's entries, which had none for it
  assert.deepEqual(JSON.parse(JSON.stringify(applier)), {
    manager: "autoscaler",
    operation: "Apply",
    apiVersion: "skai.io/v1alpha1",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:spec": { "f:workers": { "f:replicas": {} } } },
    subresource: "scale",
  });
  // the creator keeps the rest of what it wrote
  const creator = entries.find((e) => e.manager === "creator");
  assert.ok(creator);
  assert.ok(creator.fieldsV1["f:spec"]["f:image"] ?? creator.fieldsV1["f:spec"]["f:framework"]);
  assert.equal(creator.fieldsV1["f:spec"]["f:workers"]?.["f:replicas"], undefined);
});
