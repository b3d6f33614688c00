import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { compare, encodeFieldsV1, merge, removeItems, toFieldSet, FieldSet } from "../../runtime/src/fieldmanager/index.js";
import { specSchema } from "./spec-schema.js";

const schema: StructuralSchema = { type: "object", properties: { spec: specSchema } };

describe("toFieldSet", () => {
  it("owns scalars, atomics, list items and map entries but not the structs around them", () => {
    const v = {
      spec: {
        image: "x",
        atomicList: ["a"],
        tags: ["a", "b"],
        env: [{ name: "A", value: "1" }],
        ports: [{ port: 80 }],
        selector: { app: "x" },
        atomicMap: { k: "v" },
        atomicStruct: { a: "1" },
        resources: {},
        free: { deep: { x: 1 }, list: [1] },
      },
    };
    assert.deepEqual(encodeFieldsV1(toFieldSet(v, schema)), {
      "f:spec": {
        "f:atomicList": {},
        "f:atomicMap": {},
        "f:atomicStruct": {},
        "f:env": { 'k:{"name":"A"}': { ".": {}, "f:name": {}, "f:value": {} } },
        "f:free": { "f:deep": { ".": {}, "f:x": {} }, "f:list": {} },
        "f:image": {},
        "f:ports": { 'k:{"port":80,"protocol":"TCP"}': { ".": {}, "f:port": {} } },
        "f:resources": {},
        "f:selector": { "f:app": {} },
        "f:tags": { 'v:"a"': {}, 'v:"b"': {} },
      },
    });
  });
});

describe("compare", () => {
  it("reports added, modified and removed paths per list and map type", () => {
    const a = { spec: { image: "x", tags: ["a"], env: [{ name: "A", value: "1" }], atomicList: ["a"], selector: { a: "1" } } };
    const b = { spec: { image: "y", tags: ["a", "b"], env: [{ name: "A", value: "2" }, { name: "B" }], atomicList: ["b"], selector: {} } };
    const c = compare(a, b, schema);
    assert.deepEqual(encodeFieldsV1(c.modified), {
      "f:spec": { "f:atomicList": {}, "f:env": { 'k:{"name":"A"}': { "f:value": {} } }, "f:image": {} },
    });
    assert.deepEqual(encodeFieldsV1(c.added), {
      "f:spec": { "f:env": { 'k:{"name":"B"}': { ".": {}, "f:name": {} } }, "f:tags": { 'v:"b"': {} } },
    });
    assert.deepEqual(encodeFieldsV1(c.removed), { "f:spec": { "f:selector": { "f:a": {} } } });
  });

  it("a new struct is added with all its fields", () => {
    const c = compare({}, { spec: { image: "x" } }, schema);
    assert.deepEqual(encodeFieldsV1(c.added), { "f:spec": { ".": {}, "f:image": {} } });
  });
});

describe("merge", () => {
  const live = {
    spec: {
      image: "x",
      atomicList: ["a", "b"],
      tags: ["a", "b"],
      env: [{ name: "A", value: "1" }, { name: "B", value: "2" }],
      selector: { a: "1" },
      atomicMap: { a: "1" },
      atomicStruct: { a: "1" },
      resources: { cpu: "1" },
    },
  };
  it("replaces atomics and merges granular maps, structs, sets and map lists", () => {
    const out = merge(
      live,
      {
        spec: {
          atomicList: ["c"],
          tags: ["c", "a"],
          env: [{ name: "C", value: "3" }, { name: "A", value: "9" }],
          selector: { b: "2" },
          atomicMap: { b: "2" },
          atomicStruct: { b: "2" },
          resources: { gpus: 1 },
        },
      },
      schema,
    );
    assert.deepEqual(out, {
      spec: {
        image: "x",
        atomicList: ["c"],
        tags: ["a", "b", "c"],
        env: [{ name: "A", value: "9" }, { name: "B", value: "2" }, { name: "C", value: "3" }],
        selector: { a: "1", b: "2" },
        atomicMap: { b: "2" },
        atomicStruct: { b: "2" },
        resources: { cpu: "1", gpus: 1 },
      },
    });
  });

  it("removeItems drops members whole and descends into children", () => {
    const set = FieldSet.of(["f:spec", "f:env", 'k:{"name":"B"}'], ["f:spec", "f:tags", 'v:"a"'], ["f:spec", "f:resources", "f:cpu"]);
    const out = removeItems(live, set, schema) as { spec: Record<string, unknown> };
    assert.deepEqual(out.spec.env, [{ name: "A", value: "1" }]);
    assert.deepEqual(out.spec.tags, ["b"]);
    assert.deepEqual(out.spec.resources, {});
    assert.equal(out.spec.image, "x");
  });
});
