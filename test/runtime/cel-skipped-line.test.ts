/**
 * The `<nil>: Invalid value: null: some validation rules were not checked ...` cause is
 * added only when the kind has CEL rules that a blocking schema error made the server
 * skip, as apiextensions-apiserver does: pkg/registry/customresource/strategy.go
 * (Validate/ValidateUpdate call hasBlockingErr only when a.celValidator != nil) and
 * pkg/apiserver/schema/cel/validation.go (NewValidator is nil without x-kubernetes-validations
 * anywhere in properties, items or additionalProperties: hasXValidations).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newAjv, toAjvSchema } from "../../generator/src/emit/schema/ajv.js";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { createSchemaValidation } from "../../runtime/src/validation/index.js";

const SKIPPED =
  "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

function kind(spec: StructuralSchema): StructuralSchema {
  return {
    type: "object",
    properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec },
  };
}

function validation(schema: StructuralSchema) {
  return createSchemaValidation(schema, newAjv().compile(toAjvSchema(schema)));
}

const bad = { apiVersion: "test.skai.io/v1", kind: "Thing", metadata: { name: "t" }, spec: { replicas: "x", min: 5, max: 1 } };

describe("the 'some validation rules were not checked' cause (strategy.go hasBlockingErr)", () => {
  const plain: StructuralSchema = {
    type: "object",
    properties: { replicas: { type: "integer" }, min: { type: "integer" }, max: { type: "integer" } },
  };

  it("a kind without CEL rules: only the schema errors, no <nil> cause", () => {
    const errs = validation(kind(plain)).validate(structuredClone(bad));
    assert.deepEqual(errs.map((e) => e.field), ["spec.replicas"]);
    assert.equal(errs[0]!.type, "FieldValueTypeInvalid");
  });

  it("a kind with rules skipped by a blocking error: the <nil> cause after the schema errors", () => {
    const ruled = { ...plain, "x-kubernetes-validations": [{ rule: "self.min <= self.max", message: "min must not exceed max" }] };
    const errs = validation(kind(ruled)).validate(structuredClone(bad));
    assert.deepEqual(errs.map((e) => [e.field, e.type]), [
      ["spec.replicas", "FieldValueTypeInvalid"],
      ["<nil>", "FieldValueInvalid"],
    ]);
    assert.equal(errs[1]!.message, SKIPPED);
  });

  it("rules under items or additionalProperties count; a valid object runs them", () => {
    const deep: StructuralSchema = {
      ...plain,
      properties: {
        ...plain.properties,
        byName: {
          type: "object",
          additionalProperties: { type: "string", "x-kubernetes-validations": [{ rule: "self != 'no'", message: "not no" }] },
        },
      },
    };
    const v = validation(kind(deep));
    assert.deepEqual(v.validate(structuredClone(bad)).map((e) => e.field), ["spec.replicas", "<nil>"]);
    const ok = { ...bad, spec: { replicas: 1, byName: { a: "no" } } };
    assert.deepEqual(v.validate(ok).map((e) => [e.field, e.message]), [["spec.byName[a]", 'Invalid value: "string": not no']]);
  });
});
