/**
 * Managers that wrote through another served version: a write compares their fields in
 * their version, through the ServedVersions the field manager is given (nothing is
 * shared between servers through module state).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ResourceDefinition } from "../../runtime/src/api/resource.js";
import type { ResourceConversion } from "../../runtime/src/conversion/index.js";
import { recordWrite, ServedVersions, type Scope } from "../../runtime/src/fieldmanager/index.js";
import { widgetDef } from "../runtime/harness.js";

type Obj = Record<string, any>;

// v1 (storage) calls it spec.image, v2 spec.imageRef
const renamed = (apiVersion: string, from: string, to: string) => (o: Obj): Obj => {
  const { [from]: value, ...spec } = o.spec ?? {};
  return { ...o, apiVersion, spec: value === undefined ? spec : { ...spec, [to]: value } };
};
const toV1 = renamed("g.io/v1", "imageRef", "image");
const toV2 = renamed("g.io/v2", "image", "imageRef");
const conversion: ResourceConversion = { group: "g.io", version: "v2", storageVersion: "v1", toStorage: toV1, fromStorage: toV2 };

const v1: ResourceDefinition = {
  ...widgetDef,
  group: "g.io",
  version: "v1",
  kind: "Thing",
  plural: "things",
  schema: { type: "object", properties: { spec: { type: "object", properties: { image: { type: "string" } } } } },
};
const v2: ResourceDefinition = {
  ...v1,
  version: "v2",
  schema: { type: "object", properties: { spec: { type: "object", properties: { imageRef: { type: "string" } } } } },
  conversion,
};

const T0 = new Date("2026-01-01T00:00:00Z");
const scopeOf = (def: ResourceDefinition, versions?: ServedVersions): Scope => ({
  schema: def.schema,
  apiVersion: `g.io/${def.version}`,
  kind: "Thing",
  subresource: "",
  hasStatus: false,
  versions,
});

/** What "v1-writer" owns after it set spec.image through v1 and "v2-writer" changed it through v2. */
function v1WriterFieldsAfterWrites(versions?: ServedVersions): Obj {
  const created: Obj = { apiVersion: "g.io/v1", kind: "Thing", metadata: { name: "t" }, spec: { image: "a" } };
  recordWrite(created, undefined, "v1-writer", scopeOf(v1, versions), T0);
  const live = toV2(created);
  const next = structuredClone(live);
  next.spec.imageRef = "b";
  recordWrite(next, live, "v2-writer", scopeOf(v2, versions), T0);
  return (next.metadata.managedFields as Obj[]).find((e) => e.manager === "v1-writer")!.fieldsV1;
}

describe("fieldmanager: served versions", () => {
  it("a change through v2 takes the field from the manager that set it through v1", () => {
    // it keeps only spec itself (".": it created the map)
    assert.deepEqual(v1WriterFieldsAfterWrites(new ServedVersions([v1, v2])), { "f:spec": {} });
  });

  it("versions it was not built with are not seen, whatever other instances know", () => {
    const both = new ServedVersions([v1, v2]);
    assert.ok(both.view("Thing", "g.io/v2", "g.io/v1"));
    const onlyV1 = new ServedVersions([v1]);
    assert.equal(onlyV1.view("Thing", "g.io/v2", "g.io/v1"), undefined);
    // without v1, v1-writer's fields are compared as served (v2): spec.image looks untouched
    assert.deepEqual(v1WriterFieldsAfterWrites(onlyV1), { "f:spec": { ".": {}, "f:image": {} } });
  });

  it("a view converts through the storage version and types by the target's schema", () => {
    const view = new ServedVersions([v1, v2]).view("Thing", "g.io/v2", "g.io/v1")!;
    assert.deepEqual(view.convert({ apiVersion: "g.io/v2", kind: "Thing", metadata: {}, spec: { imageRef: "x" } }).spec, { image: "x" });
    assert.deepEqual(Object.keys(view.schema.properties ?? {}).includes("spec"), true);
  });
});
