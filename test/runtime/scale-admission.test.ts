/**
 * Admission of /scale writes as apiextensions' ScaleREST runs it: the plugins see
 * autoscaling/v1 Scales (kind Scale, resource widgets, subresource scale), built from
 * the new and the stored object; a mutating plugin's change of the replicas reaches the
 * object (scaleUpdatedObjectInfo); a plugin for the main resource alone is not asked.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AdmissionChain } from "../../runtime/src/admission/chain.js";
import { type AdmissionAttributes, definePlugin } from "../../runtime/src/admission/index.js";
import { call, GV, ns, startHarness, widget, type Harness } from "./harness.js";

const MERGE = { "content-type": "application/merge-patch+json" };
const APPLY = { "content-type": "application/apply-patch+yaml" };

describe("admission on /scale", () => {
  let h: Harness;
  const seen: Array<{ stage: string; attrs: AdmissionAttributes }> = [];
  const onMain: string[] = [];

  before(async () => {
    const record = (stage: string) => (attrs: AdmissionAttributes) => void seen.push({ stage, attrs: structuredClone(attrs) });
    const capAtFive = definePlugin({
      name: "CapAtFive",
      operations: ["UPDATE"],
      resources: ["widgets/scale"],
      mutate(attrs) {
        record("mutate")(attrs);
        const spec = attrs.object!.spec as { replicas: number };
        if (spec.replicas > 5) spec.replicas = 5;
      },
      validate(attrs) {
        record("validate")(attrs);
        if ((attrs.object!.spec as { replicas: number }).replicas === 3) throw new Error("three is not allowed");
      },
    });
    const mainOnly = definePlugin({
      name: "MainOnly",
      operations: ["UPDATE"],
      resources: ["widgets"],
      validate: (attrs) => void onMain.push(`${attrs.kind.kind} ${attrs.resource.subresource}`),
    });
    h = await startHarness({ admission: new AdmissionChain([capAtFive, mainOnly]) });
    assert.equal((await call(h, "POST", ns(), widget("w", { replicas: 1 }))).status, 201);
  });
  after(() => h.close());

  it("the plugins see Scales of the new and the stored object, as autoscaling/v1 Scale on widgets/scale", async () => {
    seen.length = 0;
    const r = await call(h, "PUT", `${ns()}/w/scale`, { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "w", namespace: "default" }, spec: { replicas: 2 } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      seen.map((s) => s.stage),
      ["mutate", "validate"],
    );
    for (const { attrs } of seen) {
      assert.deepEqual(attrs.kind, { group: "autoscaling", version: "v1", kind: "Scale" });
      assert.deepEqual(attrs.resource, { group: "test.skai.io", version: "v1", resource: "widgets", subresource: "scale" });
      assert.equal(attrs.operation, "UPDATE");
      assert.equal(attrs.name, "w");
      assert.equal(attrs.object!.kind, "Scale");
      assert.equal(attrs.object!.apiVersion, "autoscaling/v1");
      assert.deepEqual(attrs.object!.spec, { replicas: 2 });
      assert.equal(attrs.oldObject!.kind, "Scale");
      assert.deepEqual(attrs.oldObject!.spec, { replicas: 1 });
    }
    // A plugin that names only the main resource is not asked about its subresource.
    assert.deepEqual(onMain, []);
  });

  it("a mutating plugin's replicas reach the object, through PUT, merge patch and apply alike", async () => {
    const put = await call(h, "PUT", `${ns()}/w/scale`, { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "w", namespace: "default" }, spec: { replicas: 9 } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.spec.replicas, 5);
    assert.equal((await call(h, "GET", `${ns()}/w`)).body.spec.replicas, 5);

    assert.equal((await call(h, "PATCH", `${ns()}/w/scale`, { spec: { replicas: 1 } }, MERGE)).status, 200);
    const patched = await call(h, "PATCH", `${ns()}/w/scale`, { spec: { replicas: 7 } }, MERGE);
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.spec.replicas, 5);

    assert.equal((await call(h, "PATCH", `${ns()}/w/scale`, { spec: { replicas: 1 } }, MERGE)).status, 200);
    const config = JSON.stringify({ apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "w", namespace: "default" }, spec: { replicas: 8 } });
    const applied = await call(h, "PATCH", `${ns()}/w/scale?fieldManager=scaler&force=true`, config, APPLY);
    assert.equal(applied.status, 200, applied.text);
    assert.equal(applied.body.spec.replicas, 5);
    assert.equal((await call(h, "GET", `${ns()}/w`)).body.spec.replicas, 5);
  });

  it("a validating plugin's refusal is kube's 403 on the resource, and nothing changes", async () => {
    const before = (await call(h, "GET", `${ns()}/w`)).body;
    const r = await call(h, "PATCH", `${ns()}/w/scale`, { spec: { replicas: 3 } }, MERGE);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.message, `widgets.test.skai.io "w" is forbidden: three is not allowed`);
    const after = (await call(h, "GET", `${ns()}/w`)).body;
    assert.equal(after.spec.replicas, before.spec.replicas);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it("writes of the main resource are admitted as the Widget they are", async () => {
    onMain.length = 0;
    const current = (await call(h, "GET", `${ns()}/w`)).body;
    const r = await call(h, "PUT", `${ns()}/w`, { ...current, apiVersion: GV });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(onMain, ["Widget "]);
  });
});
