// NamespaceLifecycle against the stand-in's namespaces: missing -> 404, terminating -> 403, watched changes apply.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AdmissionChain, admissionAttributes, createNamespaceLifecycle, type NamespaceLifecyclePlugin } from "../../runtime/src/admission/index.js";
import { StatusError } from "../../runtime/src/api/status.js";
import type { RequestInfo } from "../../runtime/src/api/request.js";
import { ClusterConnection } from "../../runtime/src/cluster/connection.js";
import { FakeKubeApiServer } from "../support/fake-kube-apiserver.js";

let kube: FakeKubeApiServer;
let plugin: NamespaceLifecyclePlugin;
let chain: AdmissionChain;

before(async () => {
  kube = await new FakeKubeApiServer().start();
  kube.setNamespace("default");
  kube.setNamespace("team-a");
  kube.setNamespace("leaving", "Terminating");
  const conn = await ClusterConnection.load(kube.kubeconfigPath());
  plugin = createNamespaceLifecycle({ connection: conn!, onError: () => {} }).start();
  chain = new AdmissionChain([plugin]);
});
after(async () => {
  plugin.stop();
  await kube.stop();
});

function info(namespace: string, name = "nb"): RequestInfo {
  return {
    isResourceRequest: true,
    path: `/apis/skai.io/v1alpha1/namespaces/${namespace}/notebooks`,
    verb: "create",
    apiPrefix: "apis",
    apiGroup: "skai.io",
    apiVersion: "v1alpha1",
    namespace,
    resource: "notebooks",
    subresource: "",
    name,
    parts: [],
  };
}

function create(namespace: string) {
  return admissionAttributes({
    operation: "CREATE",
    info: { ...info(namespace), name: "" },
    user: { name: "alice", groups: ["system:authenticated"] },
    kind: "Notebook",
    object: { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb", namespace } },
  });
}

async function statusOf(p: Promise<void>) {
  try {
    await p;
    return undefined;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err.status;
  }
}

test("creating a Notebook in an existing namespace passes", async () => {
  assert.equal(await statusOf(chain.admit(create("team-a"))), undefined);
});

test("creating a Notebook in a namespace the cluster does not have is kube's NotFound", async () => {
  const status = await statusOf(chain.admit(create("nowhere")));
  assert.deepEqual(status, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'namespaces "nowhere" not found',
    reason: "NotFound",
    details: { name: "nowhere", kind: "namespaces" },
    code: 404,
  });
});

test("creating in a terminating namespace is forbidden with kube's text and cause", async () => {
  const status = await statusOf(chain.admit(create("leaving")));
  assert.equal(status?.code, 403);
  assert.equal(status?.reason, "Forbidden");
  assert.equal(
    status?.message,
    'notebooks.skai.io "nb" is forbidden: unable to create new content in namespace leaving because it is being terminated',
  );
  assert.deepEqual(status?.details, {
    name: "nb",
    group: "skai.io",
    kind: "notebooks",
    causes: [{ reason: "NamespaceTerminating", message: "namespace leaving is being terminated", field: "metadata.namespace" }],
  });
});

test("deletes always pass, updates in a terminating namespace pass", async () => {
  const del = admissionAttributes({ operation: "DELETE", info: info("nowhere"), user: { name: "a", groups: [] }, kind: "Notebook" });
  assert.equal(await statusOf(chain.admit(del)), undefined);
  const upd = admissionAttributes({ operation: "UPDATE", info: info("leaving"), user: { name: "a", groups: [] }, kind: "Notebook", object: {} });
  assert.equal(await statusOf(chain.admit(upd)), undefined);
});

/** Polls admission until it answers `code` (undefined = admitted). */
async function eventually(namespace: string, code: number | undefined, ms = 5_000) {
  const end = Date.now() + ms;
  let last: number | undefined;
  while (Date.now() < end) {
    last = (await statusOf(chain.admit(create(namespace))))?.code;
    if (last === code) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`admission answered ${last}, want ${code}`);
}

test("namespaces created, terminated and deleted in the cluster are seen through the watch", async () => {
  kube.setNamespace("fresh");
  // Even before the watch delivers it, the 50 ms wait or the live lookup finds it.
  assert.equal(await statusOf(chain.admit(create("fresh"))), undefined);
  kube.setNamespace("fresh", "Terminating");
  await eventually("fresh", 403);
  kube.deleteNamespace("fresh");
  await eventually("fresh", 404);
});

test("createAdmission: NamespaceLifecycle first, then the user's plugins; none of it without a cluster", async () => {
  const { createAdmission } = await import("../../runtime/src/admission/index.js");
  const conn = await ClusterConnection.load(kube.kubeconfigPath());
  const user = { name: "Mine", validate: () => {} };
  const withCluster = createAdmission({ cluster: conn, plugins: [user], onError: () => {} });
  try {
    assert.deepEqual(withCluster.chain.plugins.map((p) => p.name), ["NamespaceLifecycle", "Mine"]);
    const status = await statusOf(withCluster.chain.admit(create("nowhere")));
    assert.equal(status?.code, 404);
  } finally {
    withCluster.close();
  }
  const standalone = createAdmission({ cluster: null, plugins: [user] });
  assert.deepEqual(standalone.chain.plugins.map((p) => p.name), ["Mine"]);
  standalone.close();
});
