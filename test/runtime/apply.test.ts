/** Server-side apply through the handlers: options rules, YAML bodies, create, /status, errors. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, GV, ns, startHarness, type Harness } from "./harness.js";

const APPLY = { "content-type": "application/apply-patch+yaml" };

describe("server-side apply", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it("needs a fieldManager; force only with apply", async () => {
    const r = await call(h, "PATCH", `${ns()}/a`, "{}", APPLY);
    assert.equal(r.status, 422);
    assert.equal(r.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.deepEqual(r.body.details.causes, [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }]);
  });

  it("a YAML body on a missing object creates it (201), then updates (200)", async () => {
    const yaml = `apiVersion: ${GV}\nkind: Widget\nmetadata:\n  name: y\nspec:\n  replicas: 2\n  ports:\n  - name: http\n    port: 80\n`;
    const c = await call(h, "PATCH", `${ns()}/y?fieldManager=m`, yaml, APPLY);
    assert.equal(c.status, 201);
    assert.equal(c.body.spec.replicas, 2);
    assert.deepEqual(c.body.metadata.managedFields.map((e: { manager: string; operation: string }) => [e.manager, e.operation]), [["m", "Apply"]]);
    assert.deepEqual(c.body.metadata.managedFields[0].fieldsV1, {
      "f:spec": { "f:ports": { 'k:{"name":"http"}': { ".": {}, "f:name": {}, "f:port": {} } }, "f:replicas": {} },
    });
    const u = await call(h, "PATCH", `${ns()}/y?fieldManager=m`, yaml.replace("replicas: 2", "replicas: 3"), APPLY);
    assert.equal(u.status, 200);
    assert.equal(u.body.spec.replicas, 3);
    assert.equal(u.body.metadata.generation, 2);
  });

  it("conflicts are 409 with FieldManagerConflict causes; force=true takes the field", async () => {
    const body = (n: number) => JSON.stringify({ apiVersion: GV, kind: "Widget", metadata: { name: "y" }, spec: { replicas: n } });
    const r = await call(h, "PATCH", `${ns()}/y?fieldManager=other`, body(5), APPLY);
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, "Conflict");
    assert.equal(r.body.message, 'Apply failed with 1 conflict: conflict with "m": .spec.replicas');
    assert.deepEqual(r.body.details, { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "m"', field: ".spec.replicas" }] });
    const f = await call(h, "PATCH", `${ns()}/y?fieldManager=other&force=true`, body(5), APPLY);
    assert.equal(f.status, 200);
    assert.equal(f.body.spec.replicas, 5);
  });

  it("apply on /status owns status fields with subresource status; 404 when the object is missing", async () => {
    const st = JSON.stringify({ apiVersion: GV, kind: "Widget", metadata: { name: "y" }, status: { phase: "Ready" } });
    const r = await call(h, "PATCH", `${ns()}/y/status?fieldManager=ctl`, st, APPLY);
    assert.equal(r.status, 200);
    assert.equal(r.body.status.phase, "Ready");
    const e = r.body.metadata.managedFields.find((x: { manager: string }) => x.manager === "ctl");
    assert.equal(e.subresource, "status");
    assert.deepEqual(e.fieldsV1, { "f:status": { "f:phase": {} } });
    const m = await call(h, "PATCH", `${ns()}/nope/status?fieldManager=ctl`, st.replace('"y"', '"nope"'), APPLY);
    assert.equal(m.status, 404);
  });

  it("rejects a wrong kind, managedFields in the body, a name mismatch and bad YAML with 400", async () => {
    const base = { apiVersion: GV, kind: "Widget", metadata: { name: "y" }, spec: {} };
    const kind = await call(h, "PATCH", `${ns()}/y?fieldManager=m`, JSON.stringify({ ...base, kind: "Other" }), APPLY);
    assert.equal(kind.status, 400);
    assert.equal(kind.body.message, `invalid object type: ${GV}, Kind=Other`);
    const mf = await call(h, "PATCH", `${ns()}/y?fieldManager=m`, JSON.stringify({ ...base, metadata: { name: "y", managedFields: [{}] } }), APPLY);
    assert.equal(mf.status, 400);
    assert.equal(mf.body.message, "metadata.managedFields must be nil");
    const name = await call(h, "PATCH", `${ns()}/y?fieldManager=m`, JSON.stringify({ ...base, metadata: { name: "z" } }), APPLY);
    assert.equal(name.status, 400);
    const bad = await call(h, "PATCH", `${ns()}/y?fieldManager=m`, "a: [", APPLY);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /^error decoding YAML: /);
  });

  it("PUT keeps managedFields sent back from a GET and resets them on []", async () => {
    const g = await call(h, "GET", `${ns()}/y`);
    const put = await call(h, "PUT", `${ns()}/y?fieldManager=editor`, { ...g.body, spec: { ...g.body.spec, color: "red" } });
    assert.equal(put.status, 200);
    const managers = put.body.metadata.managedFields.map((e: { manager: string }) => e.manager);
    assert.ok(managers.includes("m") && managers.includes("editor"));
    const reset = await call(h, "PUT", `${ns()}/y?fieldManager=editor`, { ...put.body, metadata: { ...put.body.metadata, managedFields: [] } });
    assert.equal(reset.body.metadata.managedFields, undefined);
  });
});
