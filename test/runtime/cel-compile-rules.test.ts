/**
 * compileRules: every rule and messageExpression of a kind's schema is planned when the kind
 * starts serving (createStores), reaching rules under properties, list items and map values,
 * and naming the ones that do not compile by their schema path.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { compileRules } from "../../runtime/src/validation/cel.js";
import { resources as v1alpha1 } from "../../generated/src/skai.io/v1alpha1/resources.js";
import { resources as v1beta1 } from "../../generated/src/skai.io/v1beta1/resources.js";

const BAD = "self.size( > 1";

function schemaWith(bad: { at: "root" | "property" | "items" | "values"; messageExpression?: boolean }): StructuralSchema {
  const rule = bad.messageExpression ? { rule: "true", messageExpression: BAD } : { rule: BAD };
  const ruled = (s: StructuralSchema): StructuralSchema => ({ ...s, "x-kubernetes-validations": [{ rule: "self == self" }, rule] });
  const leaf: StructuralSchema = { type: "string" };
  return {
    type: "object",
    ...(bad.at === "root" ? { "x-kubernetes-validations": [rule] } : {}),
    properties: {
      plain: { type: "integer" },
      spec: {
        type: "object",
        properties: {
          name: bad.at === "property" ? ruled(leaf) : leaf,
          args: { type: "array", items: bad.at === "items" ? ruled(leaf) : leaf },
          env: { type: "object", additionalProperties: bad.at === "values" ? ruled(leaf) : leaf },
        },
      },
    },
  };
}

describe("compileRules", () => {
  for (const [at, path] of [
    ["root", "<root>"],
    ["property", "spec.name"],
    ["items", "spec.args[*]"],
    ["values", "spec.env[*]"],
  ] as const) {
    it(`finds a rule that does not compile at ${path}`, () => {
      const failed = compileRules(schemaWith({ at }));
      assert.equal(failed.length, 1, failed.join("\n"));
      assert.ok(failed[0]!.startsWith(`${path}: ${BAD}: `), failed[0]);
    });
  }

  it("compiles messageExpressions too", () => {
    const failed = compileRules(schemaWith({ at: "property", messageExpression: true }));
    assert.equal(failed.length, 1);
    assert.ok(failed[0]!.startsWith(`spec.name: ${BAD}: `), failed[0]);
  });

  it("reports nothing for a schema whose rules compile, or that has none", () => {
    assert.deepEqual(compileRules({ type: "object", "x-kubernetes-validations": [{ rule: "has(self.a)", messageExpression: "'a: ' + string(self.a)" }], properties: { a: { type: "integer" } } }), []);
    assert.deepEqual(compileRules({ type: "object", properties: { a: { type: "string" } } }), []);
  });

  it("compiles every rule of the SKAI kinds the generator accepted", () => {
    const defs = [...v1alpha1, ...v1beta1];
    const ruled = defs.filter((d) => JSON.stringify(d.schema).includes("x-kubernetes-validations"));
    assert.ok(ruled.length > 0, "SKAI's schemas carry rules");
    for (const def of defs) assert.deepEqual(compileRules(def.schema), [], `${def.kind} ${def.version}`);
  });

  it("ends on a schema reachable from itself", () => {
    const node: StructuralSchema = { type: "object", "x-kubernetes-validations": [{ rule: BAD }], properties: {} };
    node.properties!.child = node;
    assert.equal(compileRules(node).length, 1);
  });
});
