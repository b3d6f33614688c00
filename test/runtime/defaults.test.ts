// Defaulting by a plan worked out once per schema: the same results as walking the schema,
// and a key that is also an Object.prototype member is an ordinary map key.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { applyDefaults } from "../../runtime/src/validation/defaults.js";

const limits: StructuralSchema = { type: "object", properties: { cpu: { type: "string", default: "1" }, memory: { type: "string" } } };
const schema: StructuralSchema = {
  type: "object",
  properties: {
    replicas: { type: "integer", default: 1 },
    mode: { type: "string", default: "fast" },
    note: { type: "string" },
    limits,
    byName: { type: "object", additionalProperties: limits },
  },
};

test("defaults fill missing and non-nullable null fields, in the schema's order, at every level", () => {
  const obj: Record<string, unknown> = { note: null, limits: { memory: "1Gi" }, mode: null, byName: { constructor: { memory: "2Gi" }, toString: null } };
  applyDefaults(obj, schema);
  assert.deepEqual(obj, {
    mode: "fast",
    limits: { memory: "1Gi", cpu: "1" },
    byName: { constructor: { memory: "2Gi", cpu: "1" }, toString: null },
    replicas: 1,
  });
  assert.deepEqual(Object.keys(obj), ["limits", "mode", "byName", "replicas"], "a replaced null keeps its place; missing ones follow");
  // the same schema again (its plan is remembered) gives the same
  const again: Record<string, unknown> = { byName: { a: {} } };
  applyDefaults(again, schema);
  assert.deepEqual(again, { byName: { a: { cpu: "1" } }, replicas: 1, mode: "fast" });
});
