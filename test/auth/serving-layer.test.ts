// Delegated auth plugged into the serving layer's pipeline (createApiServer's authenticator and
// authorizer hooks), through the "aggregator". The front-proxy path's cost is a figure of
// `npm run bench -- auth`, not an assertion here.
import assert from "node:assert/strict";
import https from "node:https";
import { after, before, test } from "node:test";
import { createDelegatedAuth, type DelegatedAuth } from "../../runtime/src/auth/index.js";
import { createClientCertificate } from "../../runtime/src/server/certs.js";
import { aggregatorRequest, FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { startServer, type TestServer } from "../server/fixtures.js";

let kube: FakeKubeApiServer;
let auth: DelegatedAuth;
let delegated: TestServer;
let standalone: TestServer;

before(async () => {
  kube = await new FakeKubeApiServer().start();
  kube.authorize = (spec) => ({ allowed: spec.user === "alice", reason: spec.user === "alice" ? "" : "RBAC: no binding" });
  auth = await createDelegatedAuth({ kubeconfig: kube.kubeconfigPath(), onError: () => {} });
  delegated = await startServer({
    tls: { ...tlsOf(await startServerCerts()), clientCA: auth.clientCABundle() },
    authenticator: (req) => auth.authenticate(req),
    authorizer: (user, info) => auth.decide(user, info),
  });
  standalone = await startServer();
});
after(async () => {
  auth.close();
  await delegated.close();
  await standalone.close();
  await kube.stop();
});

async function startServerCerts() {
  const { certificates } = await import("../server/fixtures.js");
  return certificates();
}
function tlsOf(c: Awaited<ReturnType<typeof startServerCerts>>) {
  return { cert: c.serving.certPem, key: c.serving.keyPem };
}

const NB = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/x";
const asAggregator = (user: string | undefined, path = NB, cert = kube.frontProxyClient) =>
  aggregatorRequest({ port: delegated.port, ca: delegated.certs.ca.certPem, path, clientCert: cert, user, groups: user ? ["skai-users"] : undefined });

test("alice through the aggregator reaches the handler as alice", async () => {
  const res = await asAggregator("alice");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.user.groups, ["skai-users", "system:authenticated"]);
  assert.equal(res.body.user.name, "alice");
  assert.deepEqual(kube.subjectAccessReviews.at(-1)?.resourceAttributes, {
    namespace: "ns",
    verb: "get",
    group: "skai.io",
    version: "v1alpha1",
    resource: "notebooks",
    name: "x",
  });
});

test("bob is denied with kube's message and the review's reason", async () => {
  const res = await asAggregator("bob");
  assert.equal(res.status, 403);
  assert.equal(
    res.body.message,
    'notebooks.skai.io "x" is forbidden: User "bob" cannot get resource "notebooks" in API group "skai.io" in the namespace "ns": RBAC: no binding',
  );
});

test("X-Remote-User without the front-proxy certificate is 401", async () => {
  const res = await aggregatorRequest({ port: delegated.port, ca: delegated.certs.ca.certPem, path: NB, user: "alice" });
  assert.equal(res.status, 401);
});

test("the availability probe (system:masters, no Accept) gets 2xx discovery", async () => {
  const res = await aggregatorRequest({
    port: delegated.port,
    ca: delegated.certs.ca.certPem,
    path: "/apis/skai.io/v1alpha1",
    clientCert: kube.frontProxyClient,
    user: "system:kube-aggregator",
    groups: ["system:masters"],
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.kind, "APIResourceList");
});
