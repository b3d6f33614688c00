import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { StatusError } from "../../runtime/src/api/status.js";
import { applyConfig, recordWrite, type Scope } from "../../runtime/src/fieldmanager/index.js";

type Obj = Record<string, any>;
const str: StructuralSchema = { type: "string" };
const schema: StructuralSchema = {
  type: "object",
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: "object" },
    spec: {
      type: "object",
      properties: {
        image: str,
        replicas: { type: "integer" },
        env: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: { type: "object", properties: { name: str, value: str } },
        },
      },
    },
    status: { type: "object", properties: { phase: str } },
  },
};
const scope: Scope = { schema, apiVersion: "skai.io/v1alpha1", kind: "Notebook", subresource: "", hasStatus: true };
const apply = (...args: Parameters<typeof applyConfig>): Obj => applyConfig(...args);
const T0 = new Date("2026-01-01T00:00:00Z");
const cfg = (spec: Obj, extra: Obj = {}): Obj => ({
  apiVersion: "skai.io/v1alpha1",
  kind: "Notebook",
  metadata: { name: "nb", namespace: "default", ...extra },
  spec,
});
const entry = (o: Obj, manager: string, operation = "Apply") =>
  o.metadata.managedFields.find((e: Obj) => e.manager === manager && e.operation === operation);

function conflict(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail("expected a conflict");
}

describe("apply", () => {
  it("creates with the applier's fields, Apply entry shape as kube's", () => {
    const o = apply(undefined, cfg({ image: "a", env: [{ name: "A", value: "1" }] }), "a", false, scope, T0);
    assert.deepEqual(o.metadata.managedFields, [
      {
        manager: "a",
        operation: "Apply",
        apiVersion: "skai.io/v1alpha1",
        time: "2026-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": { "f:env": { 'k:{"name":"A"}': { ".": {}, "f:name": {}, "f:value": {} } }, "f:image": {} } },
      },
    ]);
  });

  it("a second applier changing a field conflicts with kube's 409; same value co-owns; force takes it", () => {
    const live = apply(undefined, cfg({ image: "a", replicas: 1 }), "a", false, scope, T0);
    const e = conflict(() => apply(live, cfg({ image: "b", replicas: 2 }), "b", false, scope, T0));
    assert.equal(e.status.code, 409);
    assert.equal(e.status.reason, "Conflict");
    assert.equal(e.status.message, 'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.image\n- .spec.replicas');
    assert.deepEqual(e.status.details, {
      causes: [
        { reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".spec.image" },
        { reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".spec.replicas" },
      ],
    });
    const one = conflict(() => apply(live, cfg({ image: "b" }), "b", false, scope, T0));
    assert.equal(one.status.message, 'Apply failed with 1 conflict: conflict with "a": .spec.image');

    const shared = apply(live, cfg({ image: "a" }), "b", false, scope, T0);
    assert.deepEqual(entry(shared, "a").fieldsV1, { "f:spec": { "f:image": {}, "f:replicas": {} } });
    assert.deepEqual(entry(shared, "b").fieldsV1, { "f:spec": { "f:image": {} } });

    const forced = apply(live, cfg({ image: "b" }), "b", true, scope, T0);
    assert.equal(forced.spec.image, "b");
    assert.deepEqual(entry(forced, "a").fieldsV1, { "f:spec": { "f:replicas": {} } });
    assert.deepEqual(entry(forced, "b").fieldsV1, { "f:spec": { "f:image": {} } });
  });

  it("conflicts with an Update manager name its version", () => {
    const created: Obj = cfg({ image: "a" });
    recordWrite(created, undefined, "kubectl-client-side-apply", scope, T0);
    assert.deepEqual(entry(created, "kubectl-client-side-apply", "Update").fieldsV1, { "f:spec": { ".": {}, "f:image": {} } });
    const e = conflict(() => apply(created, cfg({ image: "b" }), "x", false, scope, T0));
    assert.equal(e.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using skai.io/v1alpha1: .spec.image');
  });

  it("fields dropped from the configuration are removed unless someone else owns them", () => {
    let live = apply(undefined, cfg({ image: "a", replicas: 1, env: [{ name: "A" }, { name: "B" }] }), "a", false, scope, T0);
    live = apply(live, cfg({ env: [{ name: "B" }] }), "b", false, scope, T0);
    live = apply(live, cfg({ image: "a" }), "a", false, scope, T0);
    assert.deepEqual(live.spec, { image: "a", env: [{ name: "B" }] });
    assert.deepEqual(entry(live, "a").fieldsV1, { "f:spec": { "f:image": {} } });
  });

  it("status is not owned through the main resource; spec not through /status", () => {
    const o = apply(undefined, { ...cfg({ image: "a" }), status: { phase: "Running" } }, "a", false, scope, T0);
    assert.deepEqual(entry(o, "a").fieldsV1, { "f:spec": { "f:image": {} } });
    const s = apply(o, { ...cfg({ image: "z" }), status: { phase: "Done" } }, "ctl", false, { ...scope, subresource: "status" }, T0);
    const st = s.metadata.managedFields.find((e: Obj) => e.manager === "ctl");
    assert.deepEqual(st, {
      manager: "ctl",
      operation: "Apply",
      apiVersion: "skai.io/v1alpha1",
      time: "2026-01-01T00:00:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { "f:phase": {} } },
      subresource: "status",
    });
  });

  it("rejects a wrong type and managedFields in the configuration", () => {
    assert.throws(() => apply(undefined, { ...cfg({}), kind: "Other" }, "a", false, scope), /invalid object type: skai.io\/v1alpha1, Kind=Other/);
    assert.throws(() => apply(undefined, cfg({}, { managedFields: [] }), "a", false, scope), /metadata.managedFields must be nil/);
  });

  it("kubectl's server-side apply takes over fields client-side apply set, and keeps last-applied in step", () => {
    const lastApplied = JSON.stringify(cfg({ image: "a" }));
    const live: Obj = cfg({ image: "a" }, { annotations: { "kubectl.kubernetes.io/last-applied-configuration": lastApplied } });
    recordWrite(live, undefined, "kubectl-client-side-apply", scope, T0);
    const o = apply(live, cfg({ image: "b" }), "kubectl", false, scope, T0);
    assert.equal(o.spec.image, "b");
    assert.equal(
      o.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"],
      '{"apiVersion":"skai.io/v1alpha1","kind":"Notebook","metadata":{"name":"nb","namespace":"default"},"spec":{"image":"b"}}\n',
    );
    // another manager name gets the conflict
    assert.equal(conflict(() => apply(live, cfg({ image: "b" }), "other", false, scope, T0)).status.code, 409);
  });
});

describe("update managers", () => {
  it("record changed fields per manager and take them from others", () => {
    const o: Obj = cfg({ image: "a", replicas: 1 });
    recordWrite(o, undefined, "creator", scope, T0);
    const next: Obj = structuredClone(o);
    next.spec.image = "b";
    recordWrite(next, o, "editor", scope, new Date("2026-01-02T00:00:00Z"));
    assert.deepEqual(
      next.metadata.managedFields.map((e: Obj) => [e.manager, e.time, e.fieldsV1]),
      [
        ["creator", "2026-01-01T00:00:00Z", { "f:spec": { ".": {}, "f:replicas": {} } }],
        ["editor", "2026-01-02T00:00:00Z", { "f:spec": { "f:image": {} } }],
      ],
    );
  });

  it("a write that changes nothing keeps entries; [] resets them; status writes ignore sent managedFields", () => {
    const o: Obj = cfg({ image: "a" });
    recordWrite(o, undefined, "creator", scope, T0);
    const same: Obj = structuredClone(o);
    recordWrite(same, o, "other", scope, new Date());
    assert.deepEqual(same.metadata.managedFields, o.metadata.managedFields);
    const reset: Obj = structuredClone(o);
    reset.metadata.managedFields = [];
    recordWrite(reset, o, "other", scope, new Date());
    assert.equal(reset.metadata.managedFields, undefined);
    const st: Obj = structuredClone(o);
    st.metadata.managedFields = [];
    st.status = { phase: "Running" };
    recordWrite(st, o, "ctl", { ...scope, subresource: "status" }, T0);
    assert.equal(st.metadata.managedFields.length, 2);
    assert.equal(st.metadata.managedFields[1].subresource, "status");
  });

  it("more than 10 update managers fold the oldest into ancient-changes", () => {
    let o: Obj = cfg({ image: "a" });
    recordWrite(o, undefined, "m0", scope, new Date(Date.UTC(2026, 0, 1, 0, 0, 0)));
    for (let i = 1; i <= 11; i++) {
      const n: Obj = structuredClone(o);
      n.metadata.labels = { ...(n.metadata.labels ?? {}), [`l${i}`]: "x" };
      recordWrite(n, o, `m${i}`, scope, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
      o = n;
    }
    const names = o.metadata.managedFields.map((e: Obj) => e.manager);
    assert.equal(names.length, 10);
    assert.ok(names.includes("ancient-changes"));
    assert.ok(!names.includes("m0"));
  });
});
