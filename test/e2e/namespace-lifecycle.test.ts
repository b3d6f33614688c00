/**
 * The generated server behind a stand-in kube-apiserver (delegated mode):
 * requests arrive as the aggregator sends them, and the NamespaceLifecycle
 * admission plugin, fed by a watch of the cluster's namespaces, rejects
 * creates in namespaces that do not exist or are terminating.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { aggregatorRequest, FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

const notebook = (namespace: string) => ({
  apiVersion: "skai.io/v1alpha1",
  kind: "Notebook",
  metadata: { name: "nb", namespace },
  spec: { image: "jupyter/base-notebook:2024.05" },
});

describe("NamespaceLifecycle in the generated server", { timeout: 120_000 }, () => {
  let kube: FakeKubeApiServer;
  let server: GeneratedServer;
  let ca: string;
  const create = (namespace: string) =>
    aggregatorRequest({
      port: server.port,
      ca,
      method: "POST",
      path: `/apis/skai.io/v1alpha1/namespaces/${namespace}/notebooks`,
      body: notebook(namespace),
      clientCert: kube.frontProxyClient,
      user: "alice",
      groups: ["skai-users"],
    });

  before(async () => {
    kube = await new FakeKubeApiServer().start();
    kube.authorize = () => ({ allowed: true, reason: "" });
    kube.setNamespace("ml-research");
    kube.setNamespace("leaving", "Terminating");
    server = await startGeneratedServer({ extraArgs: [`--kubeconfig=${kube.kubeconfigPath()}`] });
    ca = readFileSync(path.join(server.dir, "certs", "ca.crt"), "utf8");
  });
  after(async () => {
    await server?.stop({ cleanup: true });
    await kube?.stop();
  });

  it("admits a create in an existing namespace, as alice through the aggregator", async () => {
    // The namespace informer syncs right after start-up: retry briefly until it has.
    let res = await create("ml-research");
    for (let i = 0; i < 50 && res.status !== 201; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await create("ml-research");
    }
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const body = res.body as { metadata: { annotations: Record<string, string> } };
    assert.equal(body.metadata.annotations["skai.io/created-by"], "alice");
  });

  it("rejects a create in a namespace the cluster does not have", async () => {
    const res = await create("nowhere");
    assert.equal(res.status, 404);
    const status = res.body as { kind: string; reason: string; message: string };
    assert.equal(status.kind, "Status");
    assert.equal(status.reason, "NotFound");
    assert.equal(status.message, 'namespaces "nowhere" not found');
  });

  it("rejects a create in a terminating namespace", async () => {
    const res = await create("leaving");
    assert.equal(res.status, 403);
    const status = res.body as { reason: string; message: string };
    assert.equal(status.reason, "Forbidden");
    assert.match(status.message, /unable to create new content in namespace leaving because it is being terminated/);
  });
});
