// Flags: names and defaults as kube's, file CAs overriding the ConfigMap, startup without the ConfigMap.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createDelegatedAuth, delegatedAuthFlags, delegatedAuthOptionsFromFlags, parseDuration } from "../../runtime/src/auth/index.js";
import { fieldSelectorRequirements, labelSelectorRequirements } from "../../runtime/src/auth/selectors.js";
import { aggregatorRequest, FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { createCA, createClientCertificate } from "../../runtime/src/server/certs.js";
import { startHarness } from "./harness.js";

test("every kube delegated-auth flag is defined", () => {
  const names = delegatedAuthFlags.map((f) => f.name);
  for (const n of [
    "kubeconfig",
    "authentication-kubeconfig",
    "authorization-kubeconfig",
    "client-ca-file",
    "requestheader-client-ca-file",
    "requestheader-allowed-names",
    "requestheader-username-headers",
    "requestheader-group-headers",
    "requestheader-extra-headers-prefix",
  ]) {
    assert.ok(names.includes(n), n);
  }
});

test("flag values become options; string lists split on commas; durations parse as Go's", () => {
  const o = delegatedAuthOptionsFromFlags({
    kubeconfig: "/k",
    "requestheader-allowed-names": ["a,b", "c"],
    "authentication-token-webhook-cache-ttl": "1m30s",
    "authorization-webhook-cache-unauthorized-ttl": "500ms",
  });
  assert.equal(o.kubeconfig, "/k");
  assert.equal(o.authenticationKubeconfig, undefined, "defaults to --kubeconfig inside createDelegatedAuth");
  assert.deepEqual(o.authentication?.requestheaderAllowedNames, ["a", "b", "c"]);
  assert.equal(o.tokenCacheTtlMs, 90_000);
  assert.equal(o.unauthorizedTtlMs, 500);
  assert.equal(parseDuration("10s"), 10_000);
  assert.throws(() => parseDuration("10 parsecs"));
});

test("selectors become SubjectAccessReview requirements as kube 1.32 sends them", () => {
  assert.deepEqual(fieldSelectorRequirements("metadata.name=x,status.phase!=Done"), [
    { key: "metadata.name", operator: "In", values: ["x"] },
    { key: "status.phase", operator: "NotIn", values: ["Done"] },
  ]);
  assert.deepEqual(labelSelectorRequirements("b notin (y, x),a,c>1"), [
    { key: "a", operator: "Exists" },
    { key: "b", operator: "NotIn", values: ["x", "y"] },
  ]);
});

test("--requestheader-client-ca-file overrides the ConfigMap, with kube's default header names", async () => {
  const kube = await new FakeKubeApiServer().start();
  const dir = mkdtempSync(join(tmpdir(), "rh-"));
  const file = join(dir, "front-proxy-ca.crt");
  // A CA the ConfigMap does not know.
  const ownCA = createCA("own-front-proxy-ca");
  writeFileSync(file, ownCA.certPem);
  const proxy = createClientCertificate(ownCA, "my-proxy", []);
  const h = await startHarness({ authentication: { requestheaderClientCAFile: file, requestheaderAllowedNames: ["my-proxy"] } }, kube);
  try {
    kube.authorize = () => ({ allowed: true });
    const mine = await aggregatorRequest({ port: h.port, ca: h.ca, path: "/apis/skai.io/v1alpha1/notebooks", clientCert: proxy, user: "alice" });
    assert.equal(mine.body.user?.name, "alice");
    const clusters = await aggregatorRequest({ port: h.port, ca: h.ca, path: "/apis/skai.io/v1alpha1/notebooks", clientCert: kube.frontProxyClient, user: "alice" });
    assert.equal(clusters.status, 401, "the ConfigMap's CA no longer counts");
  } finally {
    await h.close();
  }
});

test("without the ConfigMap startup fails unless lookup failure is tolerated", async () => {
  const kube = await new FakeKubeApiServer().start();
  try {
    kube.setConfigMapData({});
    // An empty ConfigMap exists: fine, request-header and x509 are simply not configured.
    const ok = await createDelegatedAuth({ kubeconfig: kube.kubeconfigPath(), onError: () => {} });
    ok.close();
    const unreachable = join(mkdtempSync(join(tmpdir(), "kc-")), "kubeconfig");
    writeFileSync(unreachable, (await import("node:fs")).readFileSync(kube.kubeconfigPath(), "utf8").replace(kube.url, "https://127.0.0.1:1"));
    await assert.rejects(createDelegatedAuth({ kubeconfig: unreachable, lookupTimeoutMs: 300, onError: () => {} }), /extension-apiserver-authentication/);
    const tolerated = await createDelegatedAuth({ kubeconfig: unreachable, lookupTimeoutMs: 300, tolerateLookupFailure: true, onError: () => {} });
    tolerated.close();
  } finally {
    await kube.stop();
  }
});

test("outside a cluster, file flags alone authenticate; without an authorization kubeconfig only system:masters and health pass", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nocluster-"));
  const ca = createCA("front-proxy-ca");
  writeFileSync(join(dir, "rh.crt"), ca.certPem);
  const saved = process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBERNETES_SERVICE_HOST;
  const auth = await createDelegatedAuth({ authentication: { requestheaderClientCAFile: join(dir, "rh.crt") } });
  if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
  try {
    assert.equal(auth.cluster, null);
    const info = { isResourceRequest: true, path: "/apis/skai.io/v1alpha1/notebooks", verb: "list", apiPrefix: "apis", apiGroup: "skai.io", apiVersion: "v1alpha1", namespace: "", resource: "notebooks", subresource: "", name: "", parts: [] };
    assert.deepEqual(await auth.decide({ name: "alice", groups: ["system:authenticated"] }, info), { allowed: false, reason: "" });
    assert.equal((await auth.decide({ name: "root", groups: ["system:masters"] }, info)).allowed, true);
    assert.equal((await auth.decide({ name: "system:anonymous", groups: [] }, { ...info, isResourceRequest: false, path: "/readyz", verb: "get" })).allowed, true);
    assert.ok(auth.clientCABundle().includes(ca.certPem.trim()));
  } finally {
    auth.close();
  }
});
