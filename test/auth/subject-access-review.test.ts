// Delegated authorization: the SubjectAccessReview carries the request's attributes, answers decide, caches hold.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { aggregatorRequest, type RecordedSar } from "../support/fake-kube-apiserver.js";
import { startHarness, type Harness } from "./harness.js";

let h: Harness;
before(async () => {
  // Short caches so each case below sees its own review; the cache has its own test.
  h = await startHarness({ authorizedTtlMs: 1, unauthorizedTtlMs: 1 });
  h.kube.authorize = () => ({ allowed: true });
});
after(() => h.close());
beforeEach(() => {
  h.kube.authorize = () => ({ allowed: true });
});

const NB = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks";

async function asAlice(method: string, path: string) {
  return aggregatorRequest({ port: h.port, ca: h.ca, method, path, clientCert: h.kube.frontProxyClient, user: "alice", groups: ["skai-users"] });
}

async function reviewOf(method: string, path: string): Promise<RecordedSar> {
  const before = h.kube.subjectAccessReviews.length;
  const res = await asAlice(method, path);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(h.kube.subjectAccessReviews.length, before + 1, "one review per request");
  return h.kube.subjectAccessReviews.at(-1)!;
}

const cases: Array<[string, string, string, Record<string, string>]> = [
  ["get", "GET", `${NB}/x`, { verb: "get", name: "x" }],
  ["list", "GET", NB, { verb: "list" }],
  ["watch", "GET", `${NB}?watch=true`, { verb: "watch" }],
  ["watch (legacy /watch/ prefix)", "GET", "/apis/skai.io/v1alpha1/watch/namespaces/ns/notebooks", { verb: "watch" }],
  ["create", "POST", NB, { verb: "create" }],
  ["update", "PUT", `${NB}/x`, { verb: "update", name: "x" }],
  ["patch", "PATCH", `${NB}/x`, { verb: "patch", name: "x" }],
  ["delete", "DELETE", `${NB}/x`, { verb: "delete", name: "x" }],
  ["deletecollection", "DELETE", NB, { verb: "deletecollection" }],
  ["get status", "GET", `${NB}/x/status`, { verb: "get", name: "x", subresource: "status" }],
  ["update status", "PUT", `${NB}/x/status`, { verb: "update", name: "x", subresource: "status" }],
  ["patch scale", "PATCH", `/apis/skai.io/v1alpha1/namespaces/ns/trainingjobs/t/scale`, { verb: "patch", name: "t", subresource: "scale", resource: "trainingjobs" }],
  ["get scale", "GET", `/apis/skai.io/v1alpha1/namespaces/ns/trainingjobs/t/scale`, { verb: "get", name: "t", subresource: "scale", resource: "trainingjobs" }],
  ["get log", "GET", `${NB}/x/log?follow=true`, { verb: "get", name: "x", subresource: "log" }],
];

for (const [label, method, path, want] of cases) {
  test(`SubjectAccessReview attributes: ${label}`, async () => {
    const spec = await reviewOf(method, path);
    assert.deepEqual(spec.resourceAttributes, {
      namespace: "ns",
      group: "skai.io",
      version: "v1alpha1",
      resource: "notebooks",
      ...want,
    });
    assert.equal(spec.user, "alice");
    assert.deepEqual(spec.groups, ["skai-users", "system:authenticated"]);
  });
}

test("cluster-scoped list and a list with selectors carry selector requirements", async () => {
  const spec = await reviewOf("GET", `/apis/skai.io/v1alpha1/notebooks?labelSelector=${encodeURIComponent("tier in (b,a),!legacy,app=x")}&fieldSelector=${encodeURIComponent("status.phase!=Done")}`);
  assert.deepEqual(spec.resourceAttributes, {
    verb: "list",
    group: "skai.io",
    version: "v1alpha1",
    resource: "notebooks",
    fieldSelector: { requirements: [{ key: "status.phase", operator: "NotIn", values: ["Done"] }] },
    labelSelector: {
      requirements: [
        { key: "app", operator: "In", values: ["x"] },
        { key: "legacy", operator: "DoesNotExist" },
        { key: "tier", operator: "In", values: ["a", "b"] },
      ],
    },
  });
});

test("discovery is a non-resource review", async () => {
  const spec = await reviewOf("GET", "/apis/skai.io/v1alpha1");
  assert.deepEqual(spec.nonResourceAttributes, { path: "/apis/skai.io/v1alpha1", verb: "get" });
  assert.equal(spec.resourceAttributes, undefined);
});

test("a denial is kube's 403 Status, with the review's reason appended", async () => {
  h.kube.authorize = () => ({ allowed: false, reason: "no RBAC policy matched" });
  const res = await asAlice("GET", `${NB}/x`);
  assert.equal(res.status, 403);
  assert.deepEqual(res.body, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message:
      'notebooks.skai.io "x" is forbidden: User "alice" cannot get resource "notebooks" in API group "skai.io" in the namespace "ns": no RBAC policy matched',
    reason: "Forbidden",
    details: { name: "x", group: "skai.io", kind: "notebooks" },
    code: 403,
  });
});

test("cluster scope, subresource and non-resource denials are worded as kube", async () => {
  h.kube.authorize = () => ({ allowed: false });
  let res = await asAlice("GET", "/apis/skai.io/v1alpha1/notebooks");
  assert.equal(res.body.message, 'notebooks.skai.io is forbidden: User "alice" cannot list resource "notebooks" in API group "skai.io" at the cluster scope');
  assert.deepEqual(res.body.details, { group: "skai.io", kind: "notebooks" });
  res = await asAlice("PUT", `${NB}/x/status`);
  assert.equal(res.body.message, 'notebooks.skai.io "x" is forbidden: User "alice" cannot update resource "notebooks/status" in API group "skai.io" in the namespace "ns"');
  res = await asAlice("GET", "/openapi/v3");
  assert.equal(res.body.message, 'forbidden: User "alice" cannot get path "/openapi/v3"');
  assert.deepEqual(res.body.details, {});
});

test("allowed and denied both set means denied", async () => {
  h.kube.authorize = () => ({ allowed: true, denied: true });
  const res = await asAlice("GET", `${NB}/x`);
  assert.equal(res.status, 403);
});

test("system:masters and the health paths need no review", async () => {
  const before = h.kube.subjectAccessReviews.length;
  h.kube.authorize = () => ({ allowed: false });
  const admin = await aggregatorRequest({ port: h.port, ca: h.ca, path: `${NB}/x`, clientCert: h.kube.frontProxyClient, user: "root", groups: ["system:masters"] });
  assert.equal(admin.status, 200);
  for (const p of ["/healthz", "/livez", "/readyz"]) assert.equal((await asAlice("GET", p)).status, 200);
  assert.equal(h.kube.subjectAccessReviews.length, before);
});

test("answers are cached 10 s by the review spec, allowed and denied alike", async () => {
  const cached = await startHarness();
  try {
    let allow = true;
    cached.kube.authorize = () => ({ allowed: allow });
    const req = (path: string) => aggregatorRequest({ port: cached.port, ca: cached.ca, path, clientCert: cached.kube.frontProxyClient, user: "alice" });
    assert.equal((await req(`${NB}/x`)).status, 200);
    allow = false;
    assert.equal((await req(`${NB}/x`)).status, 200, "the allowed answer is cached");
    assert.equal(cached.kube.subjectAccessReviews.length, 1);
    assert.equal((await req(`${NB}/y`)).status, 403, "another name is another spec");
    allow = true;
    assert.equal((await req(`${NB}/y`)).status, 403, "the denied answer is cached");
    assert.equal(cached.kube.subjectAccessReviews.length, 2);
    // The same attributes for another subject are another spec: bob (or alice in another group) is asked about.
    cached.kube.authorize = (spec) => ({ allowed: spec.user === "alice" && !spec.groups?.includes("admins") });
    const as = (user: string, groups: string[]) =>
      aggregatorRequest({ port: cached.port, ca: cached.ca, path: `${NB}/x`, clientCert: cached.kube.frontProxyClient, user, groups });
    assert.equal((await as("bob", [])).status, 403);
    assert.equal((await as("alice", ["admins"])).status, 403);
    assert.equal(cached.kube.subjectAccessReviews.length, 4);
  } finally {
    await cached.close();
  }
});
