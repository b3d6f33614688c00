/**
 * Every constraint of the definitions language, on the hand-built Widget
 * model: a sample that breaks it is rejected with kube-apiserver's field path,
 * cause type and message; a valid sample passes; defaults are applied. Runs
 * the ahead-of-time compiled validator the validators emitter writes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { schemasEmitter } from "../../generator/src/emit/schemas.js";
import { validatorsEmitter } from "../../generator/src/emit/validators.js";
import type { FieldError } from "../../runtime/src/api/resource.js";
import type { SchemaValidation } from "../../runtime/src/validation/index.js";
import { findUnknownFields, pruneUnknownFields } from "../../runtime/src/validation/index.js";
import { emitToScratch, type Scratch } from "../fixtures/samples/generated.js";
import { WIDGET_MODEL } from "../fixtures/samples/widget-model.js";

let scratch: Scratch;
let widget: SchemaValidation;

before(async () => {
  scratch = await emitToScratch(WIDGET_MODEL, [schemasEmitter, validatorsEmitter]);
  const mod = await scratch.load<{ WidgetValidation: SchemaValidation }>("src/test.skai.io/v1/validation.ts");
  widget = mod.WidgetValidation;
});
after(() => scratch?.remove());

const valid = () => ({
  apiVersion: "test.skai.io/v1",
  kind: "Widget",
  metadata: { name: "w", namespace: "default" },
  spec: {
    name: "abc",
    mode: "Fast",
    replicas: 2,
    ratio: 0.5,
    percent: 99,
    step: 10,
    url: "https://example.com/x",
    tags: ["a", "b"],
    labels: { a: "b" },
    ports: [{ name: "http", port: 80 }, { name: "grpc", port: 81 }],
    hosts: ["a", "b"],
    size: "500Mi",
    target: 3,
    note: null,
    bounds: { min: 1, max: 2 },
    counter: 1,
    owner: "me",
    source: { git: "https://git.example.com/r" },
    extra: { anything: [1, { goes: true }] },
    when: "2024-05-01T10:00:00Z",
    logging: { level: "debug" },
  } as Record<string, unknown>,
});

function validate(spec: Record<string, unknown>, oldSpec?: Record<string, unknown>): FieldError[] {
  const obj = valid();
  obj.spec = { ...obj.spec, ...spec };
  for (const [k, v] of Object.entries(spec)) if (v === undefined) delete obj.spec[k];
  const old = oldSpec ? { ...valid(), spec: { ...valid().spec, ...oldSpec } } : undefined;
  return widget.validate(obj, old);
}

/** The note upstream adds when schema errors stop CEL rules from running; tested on its own below. */
const BLOCKED = "<nil>";

/** Asserts exactly one error (besides the blocked-rules note) and checks it. */
function one(errs: FieldError[], type: FieldError["type"], field: string, message: string): void {
  assert.deepEqual(errs.filter((e) => e.field !== BLOCKED), [{ type, field, message }]);
}

describe("schema constraints (fixture model)", () => {
  it("accepts a valid object", () => assert.deepEqual(validate({}), []));

  it("required", () => one(validate({ name: undefined }), "FieldValueRequired", "spec.name", "Required value"));
  it("required in a list item", () =>
    one(validate({ ports: [{ port: 80 }] }), "FieldValueRequired", "spec.ports[0].name", "Required value"));
  it("type", () =>
    assert.deepEqual(validate({ replicas: "two" }).slice(0, 1), [
      {
        type: "FieldValueTypeInvalid",
        field: "spec.replicas",
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      },
    ]));
  it("type: a fraction in an integer field", () =>
    assert.equal(validate({ replicas: 1.5 })[0]?.message, 'Invalid value: "number": spec.replicas in body must be of type integer: "number"'));
  it("enum", () =>
    one(validate({ mode: "Medium" }), "FieldValueNotSupported", "spec.mode", 'Unsupported value: "Medium": supported values: "Fast", "Slow"'));
  it("maximum", () =>
    one(validate({ replicas: 17 }), "FieldValueInvalid", "spec.replicas", "Invalid value: 17: spec.replicas in body should be less than or equal to 16"));
  it("minimum", () =>
    one(validate({ replicas: 0 }), "FieldValueInvalid", "spec.replicas", "Invalid value: 0: spec.replicas in body should be greater than or equal to 1"));
  it("exclusiveMinimum", () =>
    one(validate({ ratio: 0 }), "FieldValueInvalid", "spec.ratio", "Invalid value: 0: spec.ratio in body should be greater than 0"));
  it("exclusiveMaximum", () =>
    one(validate({ percent: 100 }), "FieldValueInvalid", "spec.percent", "Invalid value: 100: spec.percent in body should be less than 100"));
  it("multipleOf", () =>
    one(validate({ step: 7 }), "FieldValueInvalid", "spec.step", "Invalid value: 7: spec.step in body should be a multiple of 5"));
  it("minLength", () =>
    one(validate({ name: "ab" }), "FieldValueInvalid", "spec.name", 'Invalid value: "ab": spec.name in body should be at least 3 chars long'));
  it("maxLength", () => one(validate({ name: "abcdefghij" }), "FieldValueTooLong", "spec.name", "Too long: may not be more than 8 bytes"));
  it("pattern", () =>
    one(validate({ name: "ABC" }), "FieldValueInvalid", "spec.name", "Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'"));
  it("format", () =>
    one(validate({ url: "not a uri" }), "FieldValueTypeInvalid", "spec.url", 'Invalid value: "not a uri": spec.url in body must be of type uri: "not a uri"'));
  it("format date-time (Time)", () =>
    one(validate({ when: "yesterday" }), "FieldValueTypeInvalid", "spec.when", 'Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"'));
  it("minItems", () =>
    one(validate({ tags: [] }), "FieldValueInvalid", "spec.tags", "Invalid value: 0: spec.tags in body should have at least 1 items"));
  it("maxItems", () => one(validate({ tags: ["a", "b", "c", "d"] }), "FieldValueTooMany", "spec.tags", "Too many: 4: must have at most 3 items"));
  it("uniqueItems", () =>
    one(validate({ tags: ["a", "a"] }), "FieldValueInvalid", "spec.tags", 'Invalid value: "": spec.tags in body shouldn\'t contain duplicates'));
  it("minProperties", () =>
    one(validate({ labels: {} }), "FieldValueInvalid", "spec.labels", "Invalid value: 0: spec.labels in body should have at least 1 properties"));
  it("maxProperties", () =>
    one(validate({ labels: { a: "1", b: "2", c: "3" } }), "FieldValueTooMany", "spec.labels", "Too many: 3: must have at most 2 items"));
  it("constraints on map values (kube-openapi joins map keys with a dot)", () =>
    one(validate({ labels: { a: "toolong" } }), "FieldValueTooLong", "spec.labels.a", "Too long: may not be more than 4 bytes"));
  it("listType map: duplicate keys", () =>
    one(validate({ ports: [{ name: "a", port: 1 }, { name: "a", port: 2 }] }), "FieldValueDuplicate", "spec.ports[1]", 'Duplicate value: {"name":"a"}'));
  it("listType set: duplicate items", () =>
    one(validate({ hosts: ["a", "b", "a"] }), "FieldValueDuplicate", "spec.hosts[2]", 'Duplicate value: "a"'));
  it("int-or-string accepts both", () => {
    assert.deepEqual(validate({ size: 3, target: "50%" }), []);
  });
  it("int-or-string: other types", () =>
    one(
      validate({ target: true }),
      "FieldValueTypeInvalid",
      "spec.target",
      'Invalid value: "boolean": spec.target in body must be of type integer,string: "boolean"',
    ));
  it("quantity pattern", () => {
    const errs = validate({ size: "lots" });
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.type, "FieldValueInvalid");
    assert.equal(errs[0]!.field, "spec.size");
    assert.match(errs[0]!.message, /^Invalid value: "lots": spec\.size in body should match '\^\(\\\+\|-\)\?/);
  });
  it("nullable accepts null; non-nullable rejects it", () => {
    assert.deepEqual(validate({ note: null }), []);
    assert.equal(validate({ name: null })[0]?.message, 'Invalid value: "null": spec.name in body must be of type string: "null"');
  });
  it("CEL rule", () =>
    one(validate({ bounds: { min: 5, max: 1 } }), "FieldValueInvalid", "spec.bounds", 'Invalid value: "object": min must not exceed max'));
  it("transition rule with oldSelf: only on update", () => {
    assert.deepEqual(validate({ counter: 3 }), []);
    assert.deepEqual(validate({ counter: 3 }, { counter: 2 }), []);
    one(validate({ counter: 3 }, { counter: 5 }), "FieldValueInvalid", "spec.counter", 'Invalid value: "integer": counter may not decrease');
  });
  it("@immutable", () => {
    assert.deepEqual(validate({ owner: "me" }, { owner: "me" }), []);
    one(validate({ owner: "you" }, { owner: "me" }), "FieldValueInvalid", "spec.owner", 'Invalid value: "string": Value is immutable');
    // Not set before: setting it is allowed (transition rules need the old value).
    assert.deepEqual(validate({ owner: "you" }, { owner: undefined }), []);
  });
  it("exactlyOneOf", () => {
    const msg = 'Invalid value: "object": exactly one of the fields in [git s3] must be set';
    one(validate({ source: {} }), "FieldValueInvalid", "spec.source", msg);
    one(validate({ source: { git: "g", s3: "s" } }), "FieldValueInvalid", "spec.source", msg);
  });
  it("embedded resources need apiVersion and kind", () => {
    assert.deepEqual(validate({ manifest: { apiVersion: "v1", kind: "ConfigMap", data: { a: "b" } } }), []);
    assert.deepEqual(validate({ manifest: { data: {} } }), [
      { type: "FieldValueRequired", field: "spec.manifest.apiVersion", message: "Required value: must not be empty" },
      { type: "FieldValueRequired", field: "spec.manifest.kind", message: "Required value: must not be empty" },
      {
        type: "FieldValueInvalid",
        field: "<nil>",
        message: "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      },
    ]);
  });
  it("CEL rules are skipped after blocking schema errors, as upstream", () => {
    const errs = validate({ replicas: "x", bounds: { min: 5, max: 1 } });
    assert.deepEqual(errs.map((e) => e.field), ["spec.replicas", "<nil>"]);
    assert.equal(
      errs[1]!.message,
      "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
    );
  });
  it("reports every error at once", () => {
    const errs = validate({ replicas: 17, step: 7, name: "A" });
    assert.deepEqual(errs.map((e) => e.field).sort(), ["spec.name", "spec.name", "spec.replicas", "spec.step"]);
  });
});

describe("ratcheting on update (fixture model)", () => {
  it("errors in unchanged parts are not reported; changed parts are validated", () => {
    const bad = { replicas: 17, bounds: { min: 5, max: 1 }, ports: [{ name: "a", port: 0 }] };
    assert.deepEqual(validate({ ...bad, note: "changed" }, bad), []);
    one(
      validate({ ...bad, replicas: 18 }, bad),
      "FieldValueInvalid",
      "spec.replicas",
      "Invalid value: 18: spec.replicas in body should be less than or equal to 16",
    );
    one(validate({ ...bad, bounds: { min: 6, max: 1 } }, bad), "FieldValueInvalid", "spec.bounds", 'Invalid value: "object": min must not exceed max');
    // List-map items correlate by key, wherever they move.
    assert.deepEqual(validate({ ...bad, ports: [{ name: "b", port: 1 }, { name: "a", port: 0 }] }, bad), []);
  });
});

describe("defaults (fixture model)", () => {
  it("fills missing fields where the parent exists, before validation", () => {
    const obj = valid();
    delete obj.spec.replicas;
    obj.spec.logging = {};
    widget.applyDefaults(obj);
    assert.equal(obj.spec.replicas, 1);
    assert.deepEqual(obj.spec.logging, { level: "info", verbose: false });
    assert.deepEqual(widget.validate(obj), []);
  });
  it("does not create missing parents", () => {
    const obj = valid();
    delete obj.spec.logging;
    widget.applyDefaults(obj);
    assert.equal("logging" in obj.spec, false);
  });
  it("treats null in a non-nullable field as missing", () => {
    const obj = valid();
    obj.spec.replicas = null;
    obj.spec.step = null;
    widget.applyDefaults(obj);
    assert.equal(obj.spec.replicas, 1);
    assert.equal("step" in obj.spec, false);
  });
});

describe("unknown fields (fixture model)", () => {
  it("finds and prunes undeclared fields, keeping preserve-unknown-fields values", () => {
    const obj = valid() as Record<string, unknown> & { spec: Record<string, unknown> };
    obj.spec.bogus = 1;
    (obj.spec.ports as Record<string, unknown>[])[1]!.extra = "x";
    obj.status = { made: "up" };
    const expected = ["spec.bogus", "spec.ports[1].extra", "status"];
    assert.deepEqual(findUnknownFields(obj, widget.schema).sort(), expected);
    assert.deepEqual(pruneUnknownFields(obj, widget.schema).sort(), expected);
    assert.deepEqual(obj, valid());
  });
});
