/**
 * runServer in delegated mode against a stand-in kube-apiserver: identities
 * come from front-proxy headers, decisions from SubjectAccessReviews.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServer, type RunningServer } from "../../runtime/src/server/run.js";
import { aggregatorRequest, FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { echoHandler, openapi, resources } from "./fixtures.js";
import { TEST_SERVER_NAMES } from "../support/server-names.js";

const dir = mkdtempSync(join(tmpdir(), "skai-delegated-"));
let kube: FakeKubeApiServer;
let server: RunningServer;
let servingCA: string;
const printed: string[] = [];

before(async () => {
  kube = await new FakeKubeApiServer().start();
  kube.authorize = (spec) => ({ allowed: spec.user === "alice", reason: spec.user === "alice" ? "" : "RBAC: no binding" });
  const started = await runServer(
    [`--kubeconfig=${kube.kubeconfigPath()}`, "--secure-port=0", "--storage=memory:", `--cert-dir=${join(dir, "certs")}`, `--kubeconfig-out=${join(dir, "kc")}`],
    resources,
    openapi,
    { names: TEST_SERVER_NAMES, out: (l) => printed.push(l), handleSignals: false, server: { resourceHandler: echoHandler, log: () => {} } },
  );
  assert.ok(started, printed.join("\n"));
  server = started;
  servingCA = readFileSync(join(dir, "certs", "ca.crt"), "utf8");
});
after(async () => {
  await server?.close();
  await kube?.stop();
});

const NB = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/x";

test("requests to kube-apiserver name the server's program as their User-Agent", () => {
  assert.deepEqual([...kube.userAgents], [TEST_SERVER_NAMES.program]);
});

test("--kubeconfig switches to delegated auth and writes no admin kubeconfig", () => {
  assert.equal(server.kubeconfig, undefined);
  assert.ok(printed.some((l) => /Delegated authentication/.test(l)));
});

test("front-proxy identities are authorized by SubjectAccessReview", async () => {
  const alice = await aggregatorRequest({ port: server.port, ca: servingCA, path: NB, clientCert: kube.frontProxyClient, user: "alice", groups: ["devs"] });
  assert.equal(alice.status, 200);
  assert.equal(alice.body.user.name, "alice");
  assert.deepEqual(alice.body.user.groups, ["devs", "system:authenticated"]);
  const bob = await aggregatorRequest({ port: server.port, ca: servingCA, path: NB, clientCert: kube.frontProxyClient, user: "bob" });
  assert.equal(bob.status, 403);
  assert.match(bob.body.message, /User "bob" cannot get resource "notebooks" in API group "skai.io" in the namespace "ns": RBAC: no binding$/);
});

test("headers without the front-proxy certificate, or nothing at all, are 401; probes still pass", async () => {
  const forged = await aggregatorRequest({ port: server.port, ca: servingCA, path: NB, user: "alice" });
  assert.equal(forged.status, 401);
  const local = await aggregatorRequest({ port: server.port, ca: servingCA, path: "/apis", clientCert: { certPem: readFileSync(join(dir, "certs", "admin.crt"), "utf8"), keyPem: readFileSync(join(dir, "certs", "admin.key"), "utf8") } });
  assert.equal(local.status, 401, "the local admin certificate is not trusted in delegated mode");
  const probe = await aggregatorRequest({ port: server.port, ca: servingCA, path: "/readyz" });
  assert.equal(probe.status, 200);
  assert.equal(probe.body, "ok");
});

test("the aggregator's availability probe gets discovery", async () => {
  const res = await aggregatorRequest({
    port: server.port,
    ca: servingCA,
    path: "/apis/skai.io/v1alpha1",
    clientCert: kube.frontProxyClient,
    user: "system:kube-aggregator",
    groups: ["system:masters"],
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.kind, "APIResourceList");
});
