import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createCA, createClientCertificate } from "../../runtime/src/server/certs.js";
import { call, startServer, userCertificate, type TestServer } from "./fixtures.js";

let server: TestServer;
before(async () => {
  server = await startServer({
    // Only "alice" may do anything; everyone else is told why not.
    authorizer: (user) => (user.name === "alice" ? { allowed: true } : { allowed: false, reason: "" }),
  });
});
after(() => server.close());

const unauthorized = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

test("no client certificate: 401 Unauthorized Status", async () => {
  const r = await call(server, "/apis", { client: null });
  assert.equal(r.status, 401);
  assert.equal(r.headers["content-type"], "application/json");
  assert.deepEqual(r.json(), unauthorized);
});

test("a certificate from another CA: 401", async () => {
  const otherCA = createCA("someone-else");
  const stranger = createClientCertificate(otherCA, "admin", ["system:masters"]);
  const r = await call(server, "/apis/skai.io/v1alpha1", { client: stranger });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json(), unauthorized);
});

test("the client certificate's CN and O become the user, plus system:authenticated", async () => {
  const alice = userCertificate("alice", ["devs", "ml"]);
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", { client: alice });
  assert.equal(r.status, 200);
  const { user } = r.json();
  assert.equal(user.name, "alice");
  assert.deepEqual(user.groups, ["devs", "ml", "system:authenticated"]);
  assert.match(user.extra["authentication.kubernetes.io/credential-id"][0], /^X509SHA256=[0-9a-f]{64}$/);
});

test("a denied request gets kube's Forbidden Status", async () => {
  const bob = userCertificate("bob", ["devs"]);
  const named = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/status", { client: bob });
  assert.equal(named.status, 403);
  assert.deepEqual(named.json(), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'notebooks.skai.io "nb1" is forbidden: User "bob" cannot get resource "notebooks/status" in API group "skai.io" in the namespace "ns"',
    reason: "Forbidden",
    details: { name: "nb1", group: "skai.io", kind: "notebooks" },
    code: 403,
  });
  const cluster = await call(server, "/apis/skai.io/v1alpha1/clusterqueues", { client: bob });
  assert.equal(cluster.json().message, 'clusterqueues.skai.io is forbidden: User "bob" cannot list resource "clusterqueues" in API group "skai.io" at the cluster scope');
  const path = await call(server, "/apis", { client: bob });
  assert.equal(path.json().message, 'forbidden: User "bob" cannot get path "/apis"');
});

test("system:masters is always allowed", async () => {
  const r = await call(server, "/apis");
  assert.equal(r.status, 200);
});
