// Impersonation through the front proxy: a user the aggregator vouches for (X-Remote-*) sending
// Impersonate-* headers is checked with one SubjectAccessReview per attribute (verb impersonate),
// as k8s.io/apiserver's WithImpersonation does with the delegated (webhook) authorizer
// (pkg/endpoints/filters/impersonation/impersonation.go, plugin/pkg/authorizer/webhook).
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { createDelegatedAuth, type DelegatedAuth } from "../../runtime/src/auth/index.js";
import { aggregatorRequest, FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { certificates, startServer, type TestServer } from "../server/fixtures.js";

let kube: FakeKubeApiServer;
let auth: DelegatedAuth;
let server: TestServer;

before(async () => {
  kube = await new FakeKubeApiServer().start();
  // Short caches so every request below sends its own reviews.
  auth = await createDelegatedAuth({ kubeconfig: kube.kubeconfigPath(), authorizedTtlMs: 1, unauthorizedTtlMs: 1, onError: () => {} });
  const certs = certificates();
  server = await startServer({
    tls: { cert: certs.serving.certPem, key: certs.serving.keyPem, clientCA: auth.clientCABundle() },
    authenticator: (req) => auth.authenticate(req),
    authorizer: (user, info, query) => auth.decide(user, info, query),
  });
});
after(async () => {
  auth.close();
  await server.close();
  await kube.stop();
});
beforeEach(() => {
  kube.authorize = () => ({ allowed: true });
  kube.subjectAccessReviews.length = 0;
});

const NB = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/x";

/** alice through the aggregator, asking to act as someone else. */
const asAlice = (headers: Record<string, string>) =>
  aggregatorRequest({
    port: server.port,
    ca: server.certs.ca.certPem,
    path: NB,
    clientCert: kube.frontProxyClient,
    user: "alice",
    groups: ["skai-users"],
    extra: { "example.org/tenant": ["t1"] },
    headers,
  });

const alice = { user: "alice", groups: ["skai-users", "system:authenticated"], extra: { "example.org/tenant": ["t1"] } };

test("allowed: one review per impersonated attribute, then the request is reviewed as the impersonated user", async () => {
  const res = await asAlice({ "Impersonate-User": "bob", "Impersonate-Group": "ml", "Impersonate-Extra-Scopes": "view", "Impersonate-Uid": "u-1" });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.user, { name: "bob", groups: ["ml", "system:authenticated"], uid: "u-1", extra: { scopes: ["view"] } });
  const auth = { group: "authentication.k8s.io", version: "v1" };
  assert.deepEqual(kube.subjectAccessReviews, [
    { ...alice, resourceAttributes: { verb: "impersonate", resource: "users", name: "bob" } },
    { ...alice, resourceAttributes: { verb: "impersonate", resource: "groups", name: "ml" } },
    { ...alice, resourceAttributes: { verb: "impersonate", ...auth, resource: "userextras", subresource: "scopes", name: "view" } },
    { ...alice, resourceAttributes: { verb: "impersonate", ...auth, resource: "uids", name: "u-1" } },
    {
      user: "bob",
      groups: ["ml", "system:authenticated"],
      extra: { scopes: ["view"] },
      uid: "u-1",
      resourceAttributes: { namespace: "ns", verb: "get", group: "skai.io", version: "v1alpha1", resource: "notebooks", name: "x" },
    },
  ]);
});

test("a service account is reviewed as serviceaccounts in its namespace", async () => {
  const res = await asAlice({ "Impersonate-User": "system:serviceaccount:team-a:builder" });
  assert.equal(res.status, 200);
  assert.deepEqual(kube.subjectAccessReviews[0], { ...alice, resourceAttributes: { namespace: "team-a", verb: "impersonate", resource: "serviceaccounts", name: "builder" } });
  assert.deepEqual(kube.subjectAccessReviews[1]!.groups, ["system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"]);
});

test("denied by kube-apiserver: 403 with kube's message and the review's reason; the request is not reviewed", async () => {
  kube.authorize = (spec) => (spec.resourceAttributes?.verb === "impersonate" ? { allowed: false, reason: "no RBAC policy matched" } : { allowed: true });
  const res = await asAlice({ "Impersonate-User": "bob" });
  assert.equal(res.status, 403);
  assert.deepEqual(res.body, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope: no RBAC policy matched',
    reason: "Forbidden",
    details: { name: "bob", kind: "users" },
    code: 403,
  });
  assert.equal(kube.subjectAccessReviews.length, 1);
});

test("the impersonated user denied for the request itself gets the ordinary 403 naming them", async () => {
  kube.authorize = (spec) => ({ allowed: spec.user === "alice", reason: spec.user === "alice" ? "" : "bob has no binding" });
  const res = await asAlice({ "Impersonate-User": "bob" });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'notebooks.skai.io "x" is forbidden: User "bob" cannot get resource "notebooks" in API group "skai.io" in the namespace "ns": bob has no binding');
});

test("a failed review refuses the impersonation with 403 (kube: err != nil is Forbidden here)", async () => {
  kube.authorize = () => {
    throw new Error("kube-apiserver trouble");
  };
  const res = await asAlice({ "Impersonate-User": "carol" });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
});

test("a front-proxy system:masters user impersonates without a review", async () => {
  const res = await aggregatorRequest({
    port: server.port,
    ca: server.certs.ca.certPem,
    path: NB,
    clientCert: kube.frontProxyClient,
    user: "root",
    groups: ["system:masters"],
    headers: { "Impersonate-User": "bob" },
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.user.name, "bob");
  assert.deepEqual(kube.subjectAccessReviews.map((s) => s.user), ["bob"]);
});
