import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { addedFieldsV1 } from "../../runtime/src/fieldmanager/created.js";
import { compare, encodeFieldsV1, FieldSet, recordWrite, type Scope } from "../../runtime/src/fieldmanager/index.js";
import { objectSchema } from "../../runtime/src/fieldmanager/schema.js";
import { STRIP } from "../../runtime/src/fieldmanager/updater.js";
import { specSchema } from "./spec-schema.js";

type Obj = Record<string, any>;
const str: StructuralSchema = { type: "string" };
const schema: StructuralSchema = {
  type: "object",
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: "object" },
    spec: { ...specSchema, properties: { ...specSchema.properties, size: { "x-kubernetes-int-or-string": true } } },
    status: { type: "object", properties: { phase: str } },
  },
};
const scope: Scope = { schema, apiVersion: "skai.io/v1alpha1", kind: "Notebook", subresource: "", hasStatus: true };
const T0 = new Date("2026-01-01T00:00:00Z");

const meta = (extra: Obj = {}): Obj => ({ name: "nb", namespace: "default", uid: "u-1", creationTimestamp: "2026-01-01T00:00:00Z", ...extra });
const obj = (spec: unknown, extra: Obj = {}): Obj => ({ apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: meta(), spec, ...extra });

/** What kube's updater owns after a create: compare({}, obj)'s added fields less the reset and stripped ones (merge/update.go). */
function byComparison(o: Obj, reset: FieldSet): Obj {
  return encodeFieldsV1(compare({}, o, objectSchema(schema)).added.recursiveDifference(reset).difference(STRIP));
}

const cases: Record<string, Obj> = {
  "every kind of field": obj(
    {
      image: "a",
      size: "10Gi",
      atomicList: ["x", "y"],
      tags: ["b", "a", "b"],
      env: [{ name: "A", value: "1" }, { name: "B" }, { name: "A", value: "dup" }],
      ports: [{ port: 80 }, { port: 80, protocol: "UDP" }],
      selector: { app: "x", tier: "y" },
      atomicMap: { k: "v" },
      atomicStruct: { a: "1" },
      resources: { gpus: 1, cpu: "4" },
      free: { z: { nested: [1, { x: 1 }] }, a: "s" },
    },
    {
      metadata: meta({
        generateName: "nb-",
        labels: { b: "2", a: "1" },
        annotations: { note: "x" },
        finalizers: ["f2", "f1"],
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "o-1", controller: true }],
      }),
      status: { phase: "Running" },
    },
  ),
  // More members than an insertion sort takes, in reverse order: map keys, set values, list-map keys.
  "many members in reverse order": obj({
    selector: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${String(39 - i).padStart(2, "0")}`, "v"])),
    tags: Array.from({ length: 20 }, (_, i) => `t${String(19 - i).padStart(2, "0")}`),
    env: Array.from({ length: 20 }, (_, i) => ({ name: `E${String(19 - i).padStart(2, "0")}`, value: "x" })),
  }),
  "nulls, empty maps and lists": obj({ image: null, resources: null, env: null, selector: {}, atomicList: [], tags: [], free: { a: null, b: {} } }),
  "values of the wrong shape are scalars": obj({ image: { x: 1 }, resources: "big", env: { a: 1 }, tags: "t", size: 3 }),
  "an empty spec": obj({}),
  "only identity fields": { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: meta() },
  "a reset managedFields in the body": obj({ image: "a" }, { metadata: meta({ managedFields: [] }) }),
};

describe("a create's managed fields", () => {
  for (const [name, o] of Object.entries(cases)) {
    it(`match the updater's comparison from nothing: ${name}`, () => {
      for (const reset of [FieldSet.of(["f:status"]), new FieldSet()]) {
        const fields = addedFieldsV1(o, objectSchema(schema), STRIP, reset) ?? {};
        assert.deepEqual(fields, byComparison(o, reset));
        // the key order is the wire's: FieldsV1 keys sorted as path elements
        assert.equal(JSON.stringify(fields), JSON.stringify(byComparison(o, reset)));
      }
    });
  }

  it("are one Update entry in kube's shape, with the manager's fields", () => {
    const o = obj({ image: "a", env: [{ name: "A", value: "1" }] }, { metadata: meta({ labels: { app: "x" } }), status: { phase: "P" } });
    recordWrite(o, undefined, "kubectl-create", scope, T0);
    assert.deepEqual(o.metadata.managedFields, [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "skai.io/v1alpha1",
        time: "2026-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": { ".": {}, "f:env": { ".": {}, 'k:{"name":"A"}': { ".": {}, "f:name": {}, "f:value": {} } }, "f:image": {} },
        },
      },
    ]);
  });

  it("are none when the object sets only identity fields", () => {
    const o: Obj = { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: meta({ managedFields: [{}] }) };
    recordWrite(o, undefined, "m", scope, T0);
    assert.equal(o.metadata.managedFields, undefined);
  });

  it("keep the managers a created object brings with it, less what the creator sets", () => {
    const fieldsV1 = { "f:spec": { "f:image": {}, "f:gone": {} } };
    const brought = [{ manager: "other", operation: "Apply", apiVersion: "skai.io/v1alpha1", fieldsType: "FieldsV1", fieldsV1 }];
    const o = obj({ image: "a", size: 1 }, { metadata: meta({ managedFields: brought }) });
    recordWrite(o, undefined, "m", scope, T0);
    assert.deepEqual(
      o.metadata.managedFields.map((e: Obj) => [e.manager, e.operation, e.fieldsV1]),
      [
        ["other", "Apply", { "f:spec": { "f:gone": {} } }],
        ["m", "Update", { "f:spec": { ".": {}, "f:image": {}, "f:size": {} } }],
      ],
    );
  });
});

describe("map keys named like Object.prototype members", () => {
  // A free-form map of sets: each value's items are owned one by one (`v:` entries). A key such
  // as `constructor` must find the map's value schema, not Object.prototype's member.
  const setMap: StructuralSchema = {
    ...schema,
    properties: { ...schema.properties, spec: { type: "object", additionalProperties: { type: "array", "x-kubernetes-list-type": "set", items: str } } },
  };
  const setScope: Scope = { ...scope, schema: setMap };

  it("take the map's value schema when a create records its fields", () => {
    const o = obj({});
    // JSON.parse makes `__proto__` an own key, as a request body would.
    o.spec = JSON.parse('{"constructor":["a"],"toString":["b"],"__proto__":["c"],"plain":["d"]}');
    recordWrite(o, undefined, "m", setScope, T0);
    assert.deepEqual(o.metadata.managedFields[0].fieldsV1["f:spec"], {
      ".": {},
      "f:__proto__": { ".": {}, 'v:"c"': {} },
      "f:constructor": { ".": {}, 'v:"a"': {} },
      "f:plain": { ".": {}, 'v:"d"': {} },
      "f:toString": { ".": {}, 'v:"b"': {} },
    });
  });

  it("take the map's value schema when an update compares fields", () => {
    const before = JSON.parse('{"constructor":["a"],"plain":["d"]}');
    const after = JSON.parse('{"constructor":["a","x"],"plain":["d","y"]}');
    const changed = compare({ spec: before }, { spec: after }, objectSchema(setMap));
    assert.deepEqual(encodeFieldsV1(changed.added), { "f:spec": { "f:constructor": { 'v:"x"': {} }, "f:plain": { 'v:"y"': {} } } });
  });
});
