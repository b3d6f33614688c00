/**
 * The runtime's CEL evaluation of x-kubernetes-validations: values typed by
 * the schema (integers are CEL ints), the usual helpers, transition rules and
 * their correlation, reasons and field paths, and the compile cache.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { compileCel, validateCelRules } from "../../runtime/src/validation/index.js";

const withRule = (s: StructuralSchema, rule: string, extra: Record<string, unknown> = {}): StructuralSchema => ({
  ...s,
  "x-kubernetes-validations": [{ rule, ...extra }],
});

describe("CEL rules", () => {
  it("integers are CEL ints, numbers are doubles", () => {
    const ints = withRule({ type: "object", properties: { n: { type: "integer" } } }, "self.n + 1 == 3");
    assert.deepEqual(validateCelRules({ n: 2 }, ints), []);
    const doubles = withRule({ type: "object", properties: { x: { type: "number" } } }, "self.x * 2.0 == 3.0");
    assert.deepEqual(validateCelRules({ x: 1.5 }, doubles), []);
    // A double where the schema says number, even when integral: int arithmetic is a type error, as in Kubernetes.
    assert.match(validateCelRules({ x: 2 }, withRule({ type: "object", properties: { x: { type: "number" } } }, "self.x + 1 == 3"))[0]!.message, /evaluating rule: self\.x \+ 1 == 3$/);
  });

  it("has, size, all, exists, exists_one and matches", () => {
    const s: StructuralSchema = {
      type: "object",
      properties: { names: { type: "array", items: { type: "string" } }, opt: { type: "string" } },
      "x-kubernetes-validations": [
        { rule: "!has(self.opt)", message: "opt must be unset" },
        { rule: "size(self.names) <= 2", message: "at most two" },
        { rule: "self.names.all(n, n.matches('^[a-z]+$'))", message: "lower-case names" },
        { rule: "self.names.exists(n, n == 'a')", message: "needs a" },
        { rule: "self.names.exists_one(n, n == 'b')", message: "exactly one b" },
      ],
    };
    assert.deepEqual(validateCelRules({ names: ["a", "b"] }, s), []);
    assert.deepEqual(
      validateCelRules({ names: ["A", "b", "b"], opt: "x" }, s).map((e) => e.message),
      ['Invalid value: "object": opt must be unset', 'Invalid value: "object": at most two', 'Invalid value: "object": lower-case names', 'Invalid value: "object": needs a', 'Invalid value: "object": exactly one b'],
    );
  });

  it("default message, reasons, fieldPath and messageExpression", () => {
    const base: StructuralSchema = { type: "object", properties: { max: { type: "integer" } } };
    assert.deepEqual(validateCelRules({ max: 1 }, withRule(base, "self.max > 5")), [
      { type: "FieldValueInvalid", field: "<nil>", message: 'Invalid value: "object": failed rule: self.max > 5' },
    ]);
    assert.deepEqual(validateCelRules({ max: 1 }, withRule(base, "self.max > 5", { message: "too small", reason: "FieldValueForbidden", fieldPath: ".max" })), [
      { type: "FieldValueForbidden", field: "max", message: "Forbidden: too small" },
    ]);
    assert.deepEqual(validateCelRules({ max: 1 }, withRule(base, "self.max > 5", { messageExpression: "'max is ' + string(self.max)" }))[0]!.message, 'Invalid value: "object": max is 1');
  });

  it("transition rules run on update only, correlating list-map items by key and map values by key", () => {
    const item: StructuralSchema = withRule({ type: "object", properties: { name: { type: "string" }, size: { type: "integer" } } }, "self.size >= oldSelf.size", { message: "may not shrink" });
    const s: StructuralSchema = {
      type: "object",
      properties: {
        disks: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: item },
        byName: { type: "object", additionalProperties: item },
      },
    };
    const now = { disks: [{ name: "b", size: 1 }, { name: "a", size: 5 }], byName: { x: { size: 1 } } };
    assert.deepEqual(validateCelRules(now, s), []);
    const old = { disks: [{ name: "a", size: 5 }, { name: "b", size: 2 }], byName: { x: { size: 2 } } };
    assert.deepEqual(
      validateCelRules(now, s, old).map((e) => `${e.field}: ${e.message}`),
      ['disks[0]: Invalid value: "object": may not shrink', 'byName[x]: Invalid value: "object": may not shrink'],
    );
  });

  it("Kubernetes' list and regex helpers", () => {
    const s: StructuralSchema = {
      type: "object",
      properties: { xs: { type: "array", items: { type: "integer" } }, s: { type: "string" } },
      "x-kubernetes-validations": [
        { rule: "self.xs.isSorted() && self.xs.sum() == 6 && self.xs.max() == 3 && self.xs.min() == 1", message: "lists" },
        { rule: "self.xs.indexOf(2) == 1 && self.xs.lastIndexOf(9) == -1", message: "indexes" },
        { rule: "self.s.find('[0-9]+') == '42' && self.s.findAll('[a-z]') == ['a', 'b']", message: "regex" },
        { rule: "self.s.lowerAscii().startsWith('a')", message: "strings" },
      ],
    };
    assert.deepEqual(validateCelRules({ xs: [1, 2, 3], s: "a42b" }, s), []);
    assert.deepEqual(validateCelRules({ xs: [3, 1], s: "A" }, s).map((e) => e.message.split(": ").pop()), ["lists", "indexes", "regex"]);
  });

  it("date-time strings are timestamps, as in Kubernetes", () => {
    const s = withRule(
      { type: "object", properties: { start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" } } },
      "self.end - self.start <= duration('1h')",
      { message: "at most an hour" },
    );
    assert.deepEqual(validateCelRules({ start: "2024-05-01T10:00:00Z", end: "2024-05-01T10:30:00Z" }, s), []);
    assert.equal(validateCelRules({ start: "2024-05-01T10:00:00Z", end: "2024-05-01T12:00:00Z" }, s)[0]?.message, 'Invalid value: "object": at most an hour');
  });

  it("compiles each expression once", () => {
    assert.equal(compileCel("1 + 1 == 2"), compileCel("1 + 1 == 2"));
    assert.ok(compileCel("1 +") instanceof Error);
  });
});
