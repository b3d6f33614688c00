// Bearer tokens through delegated TokenReview, cached for the TTL; a revoked token stops working after it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { aggregatorRequest } from "../support/fake-kube-apiserver.js";
import { startHarness, type Harness } from "./harness.js";

const TTL_MS = 400;
let h: Harness;
before(async () => {
  h = await startHarness({ tokenCacheTtlMs: TTL_MS });
  h.kube.authorize = () => ({ allowed: true });
  h.kube.tokens.set("alice-token", { username: "alice", uid: "u-1", groups: ["skai-users"], extra: { scope: ["x"] } });
});
after(() => h.close());

const call = (token: string, path = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks") =>
  aggregatorRequest({ port: h.port, ca: h.ca, path, headers: { Authorization: `Bearer ${token}` } });

test("a token is authenticated by TokenReview, cached, and Authorization is stripped", async () => {
  const before = h.kube.tokenReviews.length;
  const res = await call("alice-token");
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.user, { name: "alice", uid: "u-1", groups: ["skai-users", "system:authenticated"], extra: { scope: ["x"] } });
  assert.equal(res.body.headers.authorization, undefined);
  assert.deepEqual(h.kube.tokenReviews.at(-1), { token: "alice-token" });
  await call("alice-token");
  await call("alice-token");
  assert.equal(h.kube.tokenReviews.length, before + 1, "one TokenReview within the TTL");
  // the SubjectAccessReview carries what TokenReview said
  const sar = h.kube.subjectAccessReviews.at(-1)!;
  assert.equal(sar.user, "alice");
  assert.equal(sar.uid, "u-1");
  assert.deepEqual(sar.extra, { scope: ["x"] });
});

test("a revoked token keeps working until the TTL ends, then 401", async () => {
  h.kube.tokens.set("revocable", { username: "carol" });
  assert.equal((await call("revocable")).status, 200);
  h.kube.tokens.delete("revocable");
  assert.equal((await call("revocable")).status, 200, "cached");
  await new Promise((r) => setTimeout(r, TTL_MS + 100));
  const res = await call("revocable");
  assert.equal(res.status, 401);
  assert.equal(res.body.message, "Unauthorized");
});

test("an unknown token is 401, not anonymous, even on a health path", async () => {
  assert.equal((await call("nope")).status, 401);
  assert.equal((await call("nope", "/healthz")).status, 401);
});

test("the bearer WebSocket subprotocol works and is removed", async () => {
  const protocol = `base64url.bearer.authorization.k8s.io.${Buffer.from("alice-token").toString("base64url")}`;
  const res = await aggregatorRequest({
    port: h.port,
    ca: h.ca,
    path: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks",
    headers: { "Sec-WebSocket-Protocol": `v5.channel.k8s.io, ${protocol}` },
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.user.name, "alice");
  assert.equal(res.body.headers["sec-websocket-protocol"], "v5.channel.k8s.io");
});

test("the kube-apiserver calls carry the kubeconfig's credentials", () => {
  assert.deepEqual(h.kube.unauthenticatedCalls, []);
});
