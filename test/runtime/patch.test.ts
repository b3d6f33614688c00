import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, ns, startHarness, widget, type Harness } from "./harness.js";

const MERGE = { "content-type": "application/merge-patch+json" };
const JSONP = { "content-type": "application/json-patch+json" };
const SMP = { "content-type": "application/strategic-merge-patch+json" };

describe("patch", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await call(
      h,
      "POST",
      ns(),
      widget("p", {
        replicas: 1,
        tags: ["a", "b"],
        ports: [
          { name: "http", port: 80 },
          { name: "https", port: 443 },
        ],
      }, { labels: { keep: "1", drop: "1" } }),
    );
  });
  after(() => h.close());

  it("merge patch: null deletes, generation bumps on spec changes", async () => {
    const r = await call(h, "PATCH", `${ns()}/p`, { metadata: { labels: { drop: null, added: "x" } }, spec: { replicas: 3 } }, MERGE);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.metadata.labels, { keep: "1", added: "x" });
    assert.equal(r.body.spec.replicas, 3);
    assert.equal(r.body.metadata.generation, 2);
  });

  it("json patch: ops, test failure 422, bad document 400", async () => {
    const r = await call(h, "PATCH", `${ns()}/p`, [
      { op: "replace", path: "/spec/replicas", value: 4 },
      { op: "add", path: "/spec/tags/-", value: "c" },
    ], JSONP);
    assert.equal(r.status, 200);
    assert.equal(r.body.spec.replicas, 4);
    assert.deepEqual(r.body.spec.tags, ["a", "b", "c"]);
    const t = await call(h, "PATCH", `${ns()}/p`, [{ op: "test", path: "/spec/replicas", value: 9 }], JSONP);
    assert.equal(t.status, 422);
    assert.equal(t.body.reason, "Invalid");
    const bad = await call(h, "PATCH", `${ns()}/p`, { op: "add" }, JSONP);
    assert.equal(bad.status, 400);
  });

  it("strategic merge patch merges map lists by key and honours directives", async () => {
    const r = await call(h, "PATCH", `${ns()}/p`, {
      spec: {
        ports: [{ name: "https", port: 8443 }, { name: "grpc", port: 9000 }, { name: "http", $patch: "delete" }],
        $setElementOrder: undefined,
        "$deleteFromPrimitiveList/tags": ["b"],
      },
    }, SMP);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.spec.ports, [
      { name: "https", port: 8443 },
      { name: "grpc", port: 9000 },
    ]);
    assert.deepEqual(r.body.spec.tags, ["a", "c"]);
    const order = await call(h, "PATCH", `${ns()}/p`, {
      spec: { "$setElementOrder/ports": [{ name: "grpc" }, { name: "https" }], ports: [{ name: "grpc", protocol: "TCP" }] },
    }, SMP);
    assert.deepEqual(order.body.spec.ports, [
      { name: "grpc", port: 9000, protocol: "TCP" },
      { name: "https", port: 8443 },
    ]);
    const replace = await call(h, "PATCH", `${ns()}/p`, { spec: { ports: [{ $patch: "replace" }, { name: "only", port: 1 }] } }, SMP);
    assert.deepEqual(replace.body.spec.ports, [{ name: "only", port: 1 }]);
  });

  it("strategic merge patch merges finalizers as ObjectMeta does", async () => {
    await call(h, "PATCH", `${ns()}/p`, { metadata: { finalizers: ["a.io/one"] } }, SMP);
    const r = await call(h, "PATCH", `${ns()}/p`, { metadata: { finalizers: ["b.io/two"] } }, SMP);
    assert.deepEqual(r.body.metadata.finalizers, ["a.io/one", "b.io/two"]);
    const d = await call(h, "PATCH", `${ns()}/p`, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a.io/one", "b.io/two"] } }, SMP);
    assert.equal(d.body.metadata.finalizers, undefined);
  });

  it("unknown patch types are 415 with kube's text listing apply-patch+yaml", async () => {
    const r = await call(h, "PATCH", `${ns()}/p`, "{}", { "content-type": "application/x-nope" });
    assert.equal(r.status, 415);
    assert.equal(
      r.body.message,
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
    );
  });

  it("patch conflicts on a stale resourceVersion, 404 on missing objects, force is forbidden", async () => {
    const r = await call(h, "PATCH", `${ns()}/p`, { metadata: { resourceVersion: "1" }, spec: { replicas: 1 } }, MERGE);
    assert.equal(r.status, 409);
    const m = await call(h, "PATCH", `${ns()}/nope`, { spec: {} }, MERGE);
    assert.equal(m.status, 404);
    const f = await call(h, "PATCH", `${ns()}/p?force=true`, { spec: {} }, MERGE);
    assert.equal(f.status, 422);
    assert.equal(f.body.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it("patch reports unknown fields per fieldValidation", async () => {
    const s = await call(h, "PATCH", `${ns()}/p?fieldValidation=Strict`, { spec: { nope: 1 } }, MERGE);
    assert.equal(s.status, 400);
    assert.match(s.body.message, /strict decoding error: unknown field "spec.nope"/);
    const w = await call(h, "PATCH", `${ns()}/p`, { spec: { nope: 1 } }, MERGE);
    assert.equal(w.status, 200);
    assert.equal(w.headers["warning"], '299 - "unknown field \\"spec.nope\\""');
    assert.equal(w.body.spec.nope, undefined);
  });

  it("a no-op patch keeps the resourceVersion", async () => {
    const cur = (await call(h, "GET", `${ns()}/p`)).body;
    const r = await call(h, "PATCH", `${ns()}/p`, { spec: { replicas: cur.spec.replicas } }, MERGE);
    assert.equal(r.body.metadata.resourceVersion, cur.metadata.resourceVersion);
  });
});
