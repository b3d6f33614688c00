// Front-proxy authentication: X-Remote-* is believed only with the front-proxy certificate.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createCA, createClientCertificate, createServingCertificate } from "../../runtime/src/server/certs.js";
import { aggregatorRequest } from "../support/fake-kube-apiserver.js";
import { startHarness, type Harness } from "./harness.js";

let h: Harness;
before(async () => {
  h = await startHarness();
  h.kube.authorize = (spec) => ({ allowed: spec.user === "alice" });
});
after(() => h.close());

const alice = { user: "alice", groups: ["skai-users"], extra: { "scopes.example.com/Team": ["a", "b"] } };
const path = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/x";

test("the aggregator's certificate and headers make alice, with groups, extra and system:authenticated", async () => {
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: h.kube.frontProxyClient, ...alice });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.user, {
    name: "alice",
    groups: ["skai-users", "system:authenticated"],
    extra: { "scopes.example.com/team": ["a", "b"] },
  });
  // The identity headers never reach the handler.
  for (const header of Object.keys(res.body.headers)) assert.ok(!header.startsWith("x-remote-"), header);
  assert.ok(!res.body.rawHeaders.some((h: string) => /^x-remote-/i.test(h)));
});

test("several X-Remote-Group headers are several groups", async () => {
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: h.kube.frontProxyClient, user: "alice", groups: ["g1", "g2,with-comma"] });
  assert.deepEqual(res.body.user.groups, ["g1", "g2,with-comma", "system:authenticated"]);
});

test("without a client certificate the headers are ignored: 401", async () => {
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, ...alice });
  assert.equal(res.status, 401);
  assert.equal(res.body.reason, "Unauthorized");
  assert.equal(res.body.message, "Unauthorized");
});

test("a certificate from another CA is not the front proxy: 401", async () => {
  const rogueCA = createCA("front-proxy-ca");
  const rogue = createClientCertificate(rogueCA, "front-proxy-client", []);
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: rogue, ...alice });
  assert.equal(res.status, 401);
});

test("a CN outside requestheader-allowed-names: 401", async () => {
  const other = h.kube.newFrontProxyClient("not-the-front-proxy");
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: other, ...alice });
  assert.equal(res.status, 401);
});

test("a front-proxy CA certificate without clientAuth usage is refused", async () => {
  const serverOnly = createServingCertificate(h.kube.frontProxyCA, [], 365, "front-proxy-client");
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: serverOnly, ...alice });
  assert.equal(res.status, 401);
});

test("an expired front-proxy certificate is refused", async () => {
  const expired = createClientCertificate(h.kube.frontProxyCA, "front-proxy-client", [], 1, new Date(Date.now() - 3 * 86_400_000));
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: expired, ...alice });
  assert.equal(res.status, 401);
});

test("a client-CA user certificate with X-Remote-User is that user, not alice", async () => {
  const bob = h.kube.newClientCertificate("bob", ["devs"]);
  h.kube.authorize = () => ({ allowed: true });
  try {
    const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: bob, ...alice });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.name, "bob");
    assert.deepEqual(res.body.user.groups, ["devs", "system:authenticated"]);
    assert.match(res.body.user.extra["authentication.kubernetes.io/credential-id"][0], /^X509SHA256=[0-9a-f]{64}$/);
  } finally {
    h.kube.authorize = (spec) => ({ allowed: spec.user === "alice" });
  }
});

test("the front-proxy certificate without X-Remote-User is anonymous: 401 outside health, allowed on /healthz", async () => {
  const res = await aggregatorRequest({ port: h.port, ca: h.ca, path, clientCert: h.kube.frontProxyClient });
  assert.equal(res.status, 401);
  const health = await aggregatorRequest({ port: h.port, ca: h.ca, path: "/healthz" });
  assert.equal(health.status, 200);
  assert.equal(health.body.user.name, "system:anonymous");
  assert.deepEqual(health.body.user.groups, ["system:unauthenticated"]);
});

test("the aggregator's availability probe as system:kube-aggregator in system:masters needs no review", async () => {
  const before = h.kube.subjectAccessReviews.length;
  const res = await aggregatorRequest({
    port: h.port,
    ca: h.ca,
    path: "/apis/skai.io/v1alpha1",
    clientCert: h.kube.frontProxyClient,
    user: "system:kube-aggregator",
    groups: ["system:masters"],
  });
  assert.equal(res.status, 200);
  assert.equal(h.kube.subjectAccessReviews.length, before);
});
