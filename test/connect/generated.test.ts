/**
 * SKAI's server (apiserver/dist/main.js) wires it all: Notebook logs through
 * the pod named in its status, TrainingJob logs from the provider main.ts
 * passes to serve() (apiserver/src/connect.ts), and the generated kubectl-skai bin.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { aggregatorRequest, FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { type GeneratedServer, repoRoot, startGeneratedServer } from "../support/generated-server.js";

let kube: FakeKubeApiServer;
let server: GeneratedServer;
let ca: string;
const base = "/apis/skai.io/v1alpha1/namespaces/ml";
const as = (path: string, method = "GET", body?: unknown) => aggregatorRequest({ port: server.port, ca, path, method, user: "alice", clientCert: kube.frontProxyClient, body });

before(async () => {
  kube = await new FakeKubeApiServer().start();
  kube.setNamespace("ml");
  kube.authorize = () => ({ allowed: true });
  kube.pods.add("ml", "nb1-0");
  kube.pods.log("ml", "nb1-0", "jupyter started");
  for (const w of ["tj1-worker-0", "tj1-worker-1"]) {
    kube.pods.add("ml", w, { labels: { job: "tj1" } });
    kube.pods.log("ml", w, `${w} ready`);
  }
  server = await startGeneratedServer({ storage: "memory:", extraArgs: [`--kubeconfig=${kube.kubeconfigPath()}`] });
  ca = readFileSync(join(server.dir, "certs", "ca.crt"), "utf8");
  const nb = await as(`${base}/notebooks`, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: { image: "jupyter" } });
  assert.equal(nb.status, 201, JSON.stringify(nb.body));
  const tj = await as(`${base}/trainingjobs`, "POST", {
    apiVersion: "skai.io/v1alpha1",
    kind: "TrainingJob",
    metadata: { name: "tj1" },
    spec: { framework: "PyTorch", workers: { replicas: 2 }, template: { spec: { containers: [{ name: "w", image: "trainer:1.0" }] } } },
  });
  assert.equal(tj.status, 201, JSON.stringify(tj.body));
  for (const [path, status] of [
    [`${base}/notebooks/nb1/status`, { podName: "nb1-0" }],
    [`${base}/trainingjobs/tj1/status`, { selector: "job=tj1" }],
  ] as const) {
    const cur = await as(path.replace(/\/status$/, ""));
    const put = await as(path, "PUT", { ...cur.body, status });
    assert.equal(put.status, 200, JSON.stringify(put.body));
  }
});
after(async () => {
  await server?.stop({ cleanup: true });
  await kube?.stop();
});

test("Notebook logs come from its pod, TrainingJob logs from connect.ts's provider", async () => {
  const nb = await as(`${base}/notebooks/nb1/log`);
  assert.equal(nb.status, 200, JSON.stringify(nb.body));
  assert.equal(nb.body, "jupyter started\n");
  const tj = await as(`${base}/trainingjobs/tj1/log`);
  assert.equal(tj.status, 200, JSON.stringify(tj.body));
  assert.deepEqual(String(tj.body).trim().split("\n").sort(), ["[tj1-worker-0] tj1-worker-0 ready", "[tj1-worker-1] tj1-worker-1 ready"]);
});

test("the generated kubectl-skai bin runs exec against the generated server", async () => {
  // As the aggregator would not be in the way here, the plugin talks to the server with a client certificate.
  const cert = kube.newClientCertificate("alice");
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const kubeconfig = join(server.dir, "alice.kubeconfig");
  (await import("node:fs")).writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster: {server: "${server.url}", certificate-authority-data: ${b64(ca)}}\nusers:\n- name: a\n  user: {client-certificate-data: ${b64(cert.certPem)}, client-key-data: ${b64(cert.keyPem)}}\ncontexts:\n- name: s\n  context: {cluster: s, user: a, namespace: ml}\ncurrent-context: s\n`,
  );
  const bin = join(repoRoot, "generated/dist/plugin/kubectl-skai.js");
  const r = await promisify(execFile)(process.execPath, [bin, "exec", "notebook/nb1", "--", "echo", "from", "generated"], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: "utf8", timeout: 30_000 });
  assert.equal(r.stdout, "from generated\n");
  await assert.rejects(
    promisify(execFile)(process.execPath, [bin, "exec", "nb/nb1", "--", "fail", "4", "oops"], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: "utf8", timeout: 30_000 }),
    (e: Error & { code: number; stderr: string }) => {
      assert.equal(e.code, 4);
      assert.match(e.stderr, /oops\ncommand terminated with exit code 4\n/);
      return true;
    },
  );
});
