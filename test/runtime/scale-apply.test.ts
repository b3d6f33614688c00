/**
 * Field management through /scale, kube's way: the sequence of kube's integration test
 * test/integration/apiserver/apply/scale_test.go (TestScaleAllResources), with the
 * managedFields entries as apimachinery's util/managedfields/scalehandler.go writes them
 * (the replicas owner recorded on the object, apiVersion of the object, no time).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, GV, ns, startHarness, type Harness } from "./harness.js";

const APPLY = { "content-type": "application/apply-patch+yaml" };
const MERGE = { "content-type": "application/merge-patch+json" };

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

const scaleConfig = (replicas: number) =>
  JSON.stringify({ kind: "Scale", apiVersion: "autoscaling/v1", metadata: { name: "s", namespace: "default" }, spec: { replicas } });

describe("apply and field ownership on /scale", () => {
  let h: Harness;
  const widgetConfig = JSON.stringify({ apiVersion: GV, kind: "Widget", metadata: { name: "s" }, spec: { replicas: 1, color: "red" } });
  const object = async () => (await call(h, "GET", `${ns()}/s`)).body;
  /** Managers owning spec.replicas (scale_test.go assertReplicasOwnership). */
  const replicasOwners = async () =>
    ((await object()).metadata.managedFields as Entry[])
      .filter((e) => (e.fieldsV1["f:spec"] as Record<string, unknown> | undefined)?.["f:replicas"])
      .map((e) => e.manager)
      .sort();

  before(async () => {
    h = await startHarness();
    const c = await call(h, "PATCH", `${ns()}/s?fieldManager=apply_test`, widgetConfig, APPLY);
    assert.equal(c.status, 201);
  });
  after(() => h.close());

  it("a merge patch of /scale takes spec.replicas; the entry is the object's, with subresource scale and no time", async () => {
    const r = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=scale_test`, { spec: { replicas: 5 } }, MERGE);
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, "Scale");
    assert.equal(r.body.metadata.managedFields, undefined);
    const obj = await object();
    assert.equal(obj.spec.replicas, 5);
    assert.deepEqual(await replicasOwners(), ["scale_test"]);
    const entries = obj.metadata.managedFields as Entry[];
    assert.deepEqual(
      entries.find((e) => e.manager === "scale_test"),
      { manager: "scale_test", operation: "Update", apiVersion: GV, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } }, subresource: "scale" },
    );
    // the applier keeps the rest of what it applied
    assert.deepEqual(entries.find((e) => e.manager === "apply_test")?.fieldsV1, { "f:spec": { "f:color": {} } });
  });

  it("re-applying the object conflicts with the scaler; force takes replicas back", async () => {
    const r = await call(h, "PATCH", `${ns()}/s?fieldManager=apply_test`, widgetConfig, APPLY);
    assert.equal(r.status, 409);
    assert.equal(r.body.message, 'Apply failed with 1 conflict: conflict with "scale_test" with subresource "scale" using test.skai.io/v1: .spec.replicas');
    const f = await call(h, "PATCH", `${ns()}/s?fieldManager=apply_test&force=true`, widgetConfig, APPLY);
    assert.equal(f.status, 200);
    assert.equal(f.body.spec.replicas, 1);
    assert.deepEqual(await replicasOwners(), ["apply_test"]);
  });

  it("applying a Scale that changes replicas conflicts with the object's applier, in the Scale's terms (409)", async () => {
    const r = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=apply_scale`, scaleConfig(17), APPLY);
    assert.equal(r.status, 409);
    assert.deepEqual(r.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Apply failed with 1 conflict: conflict with "apply_test": .spec.replicas',
      reason: "Conflict",
      details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "apply_test"', field: ".spec.replicas" }] },
      code: 409,
    });
    assert.equal((await object()).spec.replicas, 1);
  });

  it("dry-run apply of a Scale answers the new Scale and writes nothing", async () => {
    const r = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=apply_scale&force=true&dryRun=All`, scaleConfig(17), APPLY);
    assert.equal(r.status, 200);
    assert.equal(r.body.spec.replicas, 17);
    assert.equal((await object()).spec.replicas, 1);
    assert.deepEqual(await replicasOwners(), ["apply_test"]);
  });

  it("a forced apply of a Scale makes its manager the only owner of replicas, as an Apply entry with subresource scale", async () => {
    const r = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=apply_scale&force=true`, scaleConfig(17), APPLY);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.spec, { replicas: 17 });
    const obj = await object();
    assert.equal(obj.spec.replicas, 17);
    assert.deepEqual(await replicasOwners(), ["apply_scale"]);
    assert.deepEqual(
      (obj.metadata.managedFields as Entry[]).find((e) => e.manager === "apply_scale"),
      { manager: "apply_scale", operation: "Apply", apiVersion: GV, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } }, subresource: "scale" },
    );
  });

  it("a PUT of /scale replaces the owner; applying the same replicas co-owns them; scaling again owns them alone", async () => {
    const put = await call(h, "PUT", `${ns()}/s/scale?fieldManager=replace_test`, JSON.parse(scaleConfig(7)));
    assert.equal(put.status, 200);
    assert.equal((await object()).spec.replicas, 7);
    assert.deepEqual(await replicasOwners(), ["replace_test"]);
    // an Update manager is named with its version, the Scale's
    const other = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=apply_scale`, scaleConfig(8), APPLY);
    assert.equal(other.status, 409);
    assert.equal(other.body.message, 'Apply failed with 1 conflict: conflict with "replace_test" with subresource "scale" using autoscaling/v1: .spec.replicas');
    const same = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=co_owning_test`, scaleConfig(7), APPLY);
    assert.equal(same.status, 200);
    assert.deepEqual(await replicasOwners(), ["co_owning_test", "replace_test"]);
    const scaled = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=scale_test`, { spec: { replicas: 5 } }, MERGE);
    assert.equal(scaled.status, 200);
    assert.deepEqual(await replicasOwners(), ["scale_test"]);
  });

  it("a merge patch of the Scale's status changes nothing and leaves ownership alone (TestScaleUpdateOnlyStatus)", async () => {
    const r = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=status_test`, { status: { replicas: 42 } }, MERGE);
    assert.equal(r.status, 200);
    assert.equal((await object()).spec.replicas, 5);
    assert.deepEqual(await replicasOwners(), ["scale_test"]);
  });

  it("an apply of /scale is 404 for a missing object and 400 for a wrong kind or name, bad YAML", async () => {
    const missing = await call(h, "PATCH", `${ns()}/nope/scale?fieldManager=m`, scaleConfig(1).replace('"s"', '"nope"'), APPLY);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'widgets.test.skai.io "nope" not found');
    const kind = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=m`, scaleConfig(1).replace('"Scale"', '"Widget"'), APPLY);
    assert.equal(kind.status, 400);
    assert.equal(kind.body.message, "invalid object type: autoscaling/v1, Kind=Widget");
    // checked once the configuration is applied (handlers/patch.go applyPatch), so without a conflict
    const name = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=m`, scaleConfig(5).replace('"s"', '"t"'), APPLY);
    assert.equal(name.status, 400);
    assert.equal(name.body.message, "the name of the object (t) does not match the name on the URL (s)");
    const yaml = await call(h, "PATCH", `${ns()}/s/scale?fieldManager=m`, "a: [", APPLY);
    assert.equal(yaml.status, 400);
    assert.match(yaml.body.message, /^error decoding YAML: /);
    const noManager = await call(h, "PATCH", `${ns()}/s/scale`, scaleConfig(1), APPLY);
    assert.equal(noManager.status, 422);
  });
});
