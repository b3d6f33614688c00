// Rotating the request-header CA in the ConfigMap takes effect without a restart.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { aggregatorRequest } from "../support/fake-kube-apiserver.js";
import { startHarness, until, type Harness } from "./harness.js";

let h: Harness;
before(async () => {
  h = await startHarness();
  h.kube.authorize = () => ({ allowed: true });
});
after(() => h.close());

const path = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks";

test("a new request-header CA and allowed names in the ConfigMap apply to the next request", async () => {
  const oldProxy = h.kube.frontProxyClient;
  const asAlice = (cert = h.kube.frontProxyClient) => aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: cert, user: "alice" });
  assert.equal((await asAlice()).body.user?.name, "alice");

  h.kube.rotateFrontProxyCA();
  await until(() => h.auth.clientCABundle().includes(h.kube.frontProxyCA.certPem.slice(30, 90)));
  const rotated = await asAlice();
  assert.equal(rotated.status, 200);
  assert.equal(rotated.body.user.name, "alice", "the new front-proxy certificate is trusted");
  assert.equal((await asAlice(oldProxy)).status, 401, "the old CA is no longer trusted");

  // allowed names change too
  h.kube.setConfigMapData({ ...h.kube.defaultAuthenticationData(), "requestheader-allowed-names": JSON.stringify(["someone-else"]) });
  let res = await asAlice();
  for (let i = 0; i < 200 && res.status !== 401; i++) {
    await new Promise((r) => setTimeout(r, 10));
    res = await asAlice();
  }
  assert.equal(res.status, 401);
  // [] = any certificate from the CA
  h.kube.setConfigMapData({ ...h.kube.defaultAuthenticationData(), "requestheader-allowed-names": "[]" });
  const anyName = h.kube.newFrontProxyClient("whatever");
  res = await asAlice(anyName);
  for (let i = 0; i < 200 && res.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 10));
    res = await asAlice(anyName);
  }
  assert.equal(res.body.user.name, "alice");
});
