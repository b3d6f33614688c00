/**
 * Validation ratcheting over HTTP, the safe path `skai-gen compat` relies on
 * when it lists a tightened validation as ratcheted rather than breaking.
 * Kubernetes (KEP-4008, CRDValidationRatcheting, GA in 1.33;
 * apiextensions-apiserver pkg/apiserver/validation/ratcheting.go with
 * apiserver pkg/cel/common/equality.go for correlation): on update, a schema
 * error or a CEL rule failure in a value equal to the stored one is not
 * reported; a changed value is judged by the current schema; transition rules
 * (oldSelf) are never ratcheted. List-type invariants (set items unique, map
 * keys unique) are ratcheted as a whole: checked on update only when the stored
 * object satisfies them (registry/customresource/strategy.go ValidateUpdate).
 *
 * The test stores an object under a loose schema, then serves the same storage
 * under a tighter one, as after an upgrade of the server.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newAjv, toAjvSchema } from "../../generator/src/emit/schema/ajv.js";
import type { ResourceDefinition, StructuralSchema } from "../../runtime/src/api/resource.js";
import { createSchemaValidation, type SchemaValidation } from "../../runtime/src/validation/index.js";
import { call, GV, ns, startHarness, widgetDef, type Harness } from "./harness.js";

function kindSchema(spec: StructuralSchema): StructuralSchema {
  return { type: "object", properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec } };
}

const loose = kindSchema({
  type: "object",
  properties: {
    title: { type: "string" },
    code: { type: "string" },
    replicas: { type: "integer" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    tags: { type: "array", items: { type: "string" } },
  },
});

const tight = kindSchema({
  type: "object",
  properties: {
    title: { type: "string", maxLength: 5 },
    code: { type: "string", "x-kubernetes-validations": [{ rule: "self.startsWith('c-')", message: "code must start with c-" }] },
    replicas: { type: "integer", maximum: 3 },
    labels: { type: "object", additionalProperties: { type: "string", pattern: "^[a-z]+$" } },
    tags: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" },
  },
});

const compile = (s: StructuralSchema) => createSchemaValidation(s, newAjv().compile(toAjvSchema(s)));

describe("validation ratcheting on update (KEP-4008), over HTTP", () => {
  let h: Harness;
  let current: SchemaValidation = compile(loose);
  const def: ResourceDefinition = {
    ...widgetDef,
    subresources: { status: false, log: false, exec: false, custom: [] },
    printColumns: [],
    selectableFields: [],
    get schema() {
      return current.schema;
    },
    applyDefaults: (obj) => current.applyDefaults(obj),
    validate: (obj, old) => current.validate(obj, old),
  };
  const url = `${ns()}/w`;

  before(async () => {
    h = await startHarness({}, [def]);
    const created = await call(h, "POST", ns(), {
      apiVersion: GV,
      kind: "Widget",
      metadata: { name: "w" },
      spec: { title: "a long title", code: "x", replicas: 10, labels: { team: "Blue Team" }, tags: ["a", "a"] },
    });
    assert.equal(created.status, 201, created.text);
    current = compile(tight); // the server now serves the tighter schema over the same storage
  });
  after(() => h.close());

  const update = async (edit: (spec: Record<string, unknown>) => void) => {
    const got = await call(h, "GET", url);
    assert.equal(got.status, 200, got.text);
    edit(got.body.spec);
    return call(h, "PUT", url, got.body);
  };

  it("a create with the old values is judged by the tighter schema", async () => {
    const r = await call(h, "POST", ns(), { apiVersion: GV, kind: "Widget", metadata: { name: "new" }, spec: { title: "a long title" } });
    assert.equal(r.status, 422, r.text);
  });

  it("an update that leaves the invalid values alone passes", async () => {
    const r = await update((spec) => (spec.labels = { team: "Blue Team", tier: "gold" }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.spec.title, "a long title");
  });

  it("changing a field to another invalid value fails, naming only that field", async () => {
    const r = await update((spec) => (spec.title = "another long title"));
    assert.equal(r.status, 422, r.text);
    // The too-long value blocks the CEL rules, hence upstream's <nil> "rules were not checked" cause.
    assert.deepEqual(
      r.body.details.causes.map((c: { field: string }) => c.field),
      ["spec.title", "<nil>"],
    );
    assert.match(r.body.details.causes[0].message, /may not be more than 5 bytes|at most 5|must have at most 5/);
  });

  it("a CEL rule is ratcheted too: unchanged passes, a changed value is judged", async () => {
    const unchanged = await update((spec) => (spec.replicas = 10));
    assert.equal(unchanged.status, 200, unchanged.text);
    const changed = await update((spec) => (spec.code = "y"));
    assert.equal(changed.status, 422, changed.text);
    assert.deepEqual(
      changed.body.details.causes.map((c: { field: string; message: string }) => [c.field, c.message]),
      [["spec.code", 'Invalid value: "string": code must start with c-']],
    );
  });

  it("map values correlate by key: an unchanged value keeps working while another key changes", async () => {
    const bad = await update((spec) => (spec.labels = { team: "Blue Team", tier: "Gold" }));
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(
      bad.body.details.causes.map((c: { field: string }) => c.field),
      ["spec.labels.tier"],
    );
    const fixed = await update((spec) => (spec.replicas = 2));
    assert.equal(fixed.status, 200, fixed.text);
  });

  it("list-type invariants are checked on update only when the stored object satisfies them", async () => {
    const kept = await update((spec) => (spec.tags = ["a", "a", "b"]));
    assert.equal(kept.status, 200, kept.text);
    const fixed = await update((spec) => (spec.tags = ["a", "b"]));
    assert.equal(fixed.status, 200, fixed.text);
    const again = await update((spec) => (spec.tags = ["b", "b"]));
    assert.equal(again.status, 422, again.text);
    assert.deepEqual(
      again.body.details.causes.map((c: { field: string; reason: string }) => [c.field, c.reason]),
      [["spec.tags[1]", "FieldValueDuplicate"]],
    );
  });
});
