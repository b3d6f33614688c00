/**
 * CEL runtime cost, as kube-apiserver limits it for CRD validation rules:
 * - the cost of an evaluation is cel-go's (interpreter/runtimecost.go, with
 *   Kubernetes' library estimator k8s.io/apiserver/pkg/cel/library/cost.go);
 *   the expected numbers are those of cel-go's interpreter/runtimecost_test.go
 *   and apiserver's library/cost_test.go, except where Kubernetes'
 *   cel.OptOptimize folds constants first (k8s.io/apiserver/pkg/cel/environment/base.go);
 * - PerCallLimit (1e6) and RuntimeCELCostBudget (1e7), k8s.io/apiserver/pkg/apis/cel/config.go;
 * - the field errors and what happens to the remaining rules,
 *   k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go (validateExpressions).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isCelList, isCelMap } from "@bufbuild/cel";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { CostTracker, PER_CALL_LIMIT, RUNTIME_CEL_COST_BUDGET } from "../../runtime/src/validation/cel-cost.js";
import { evaluateMetered } from "../../runtime/src/validation/cel-metering.js";
import { compileCel, OUT_OF_BUDGET, toCel, validateCelRules } from "../../runtime/src/validation/cel.js";

/** The runtime cost of one evaluation. */
function costOf(expr: string, bindings: Record<string, unknown> = {}): number {
  const program = compileCel(expr);
  assert.ok(!(program instanceof Error), String(program));
  const tracker = new CostTracker();
  evaluateMetered(program, bindings, tracker);
  assert.ok(!tracker.exceeded);
  return tracker.cost;
}

const rules = (...rs: { rule: string; message?: string; messageExpression?: string }[]) => ({ "x-kubernetes-validations": rs });
const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

/** A 400-character pattern (regex cost factor ceil(400 * 0.25) = 100) that RE2 matches in linear time. */
const P400 = "^[" + "a".repeat(395) + "]*$";
const CALL_COST_EXCEEDED = "'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ";

describe("CEL runtime cost", () => {
  it("charges what library/cost.go and cel-go's sets extension charge (apiserver library/cost_test.go)", () => {
    const cases: [string, number][] = [
      ['quantity("12Mi")', 1],
      ['quantity("200M") == quantity("200M")', 3],
      ['quantity("50k").add(20).sub(quantity("100k")).asInteger() > 0', 6],
      ['quantity("50.703k").asApproximateFloat() > 0.0', 3],
      ["url('https:://kubernetes.io/').getScheme()", 4],
      ["url('https:://kubernetes.io/') == url('https:://kubernetes.io/')", 7],
      ["ip('192.168.0.1')", 2],
      ["ip('2001:db8:3333:4444:5555:6666:7777:8888').family()", 5],
      ["ip('192.168.0.1') == ip('192.168.0.1')", 5],
      ["ip.isCanonical('192.168.0.1')", 3],
      ["ip.isCanonical('2001:db8:3333:4444:5555:6666:7777:8888')", 8],
      ["cidr('192.168.0.0/16').masked()", 3],
      ["cidr('192.168.0.0/16').containsCIDR(cidr('192.0.0.0/30'))", 7],
      ["cidr('192.168.0.0/16').containsCIDR('192.0.0.0/30')", 7],
      ["cidr('192.168.0.0/16').containsIP(ip('192.0.0.1'))", 4],
      ['format.named("dns1123Subdomain").value().validate("my-name")', 17],
      ['format.named("dns1123Label").value().validate("my-name")', 10],
      ['format.named("dns1123Label").value() == format.named("dns1123Label").value()', 5],
      // Constant list literals are folded (cel.OptOptimize), so only the call is charged: 1 + |a| * |b| (twice that for equivalent).
      ["sets.contains([1], [1, 1])", 3],
      ["sets.equivalent([1, 2], [1, 2])", 9],
    ];
    for (const [expr, want] of cases) assert.equal(costOf(expr), want, expr);
  });
  it("charges what cel-go charges", () => {
    const s500 = "x".repeat(500);
    const cases: [string, Record<string, unknown>, number][] = [
      // interpreter/runtimecost_test.go
      ["input", { input: [1n, 2n] }, 1],
      ["input['key']", { input: { key: "v" } }, 2],
      ["input[0]", { input: ["v"] }, 2],
      ["input['ke' + 'y']", { input: { key: "v" } }, 3],
      ["has(input.single_int32)", { input: { single_int32: 1n } }, 1],
      ["has(input.testAttr.nestedAttr)", { input: { testAttr: { nestedAttr: "x" } } }, 2],
      ["input.all(x, true)", { input: [] }, 2],
      ["input.matches('[0-9]')", { input: s500 }, 103],
      ["matches(input, '[0-9]')", { input: s500 }, 103],
      ["'123'.matches('[0-9]')", {}, 2],
      ["false || false", {}, 0],
      ["a || b || c || d", { a: false, b: false, c: false, d: false }, 4],
      ["1 < 2", {}, 1],
      ["1 + 1", {}, 1],
      ["true ? 1 : 2", {}, 0],
      ["size('123')", {}, 1],
      ["'12345678901234567890' == '123456789012345678901234567890'", {}, 2],
      ["string(input)", { input: new Uint8Array(500) }, 51],
      ["bytes(input)", { input: s500 }, 51],
      ["input.contains(arg1)", { input: s500, arg1: s500 }, 2502],
      ["input.startsWith(arg1)", { input: "idc", arg1: s500 }, 3],
      ["input.size()", { input: "500" }, 2],
      ["(x > 2 ? input1 : input2).all(y, true)", { x: 1n, input1: [{}], input2: [{}] }, 6],
      ["false ? false : 1 > 3", {}, 1],
      ["input.all(k, input[k].single_int32 > 3)", { input: { val: { single_int32: 0n } } }, 9],
      ["(list1 + list2).all(x, true)", { list1: [], list2: [] }, 4],
      ['"abcdefg".contains(str1 + str2)', { str1: "val1", str2: "val2222222" }, 6],
      ["(1 > 2 || 2 > 1) == true", {}, 3],
      // apiserver library/cost_test.go (string extensions and regex library)
      ["'ABCDEFGHIJ abcdefghij'.lowerAscii() == 'abcdefghij ABCDEFGHIJ'.lowerAscii()", {}, 9],
      ["strings.quote('ABCDEFGHIJ abcdefghij')", {}, 3],
      ["'abc 123 def 123'.replace('123', '456')", {}, 3],
      ["'abc 123 def 123'.split(' ')", {}, 3],
      ["'abc 123 def 123'.substring(5)", {}, 2],
      ["'  abc 123 def 123  '.trim()", {}, 2],
      ["'abc 123 def 123'.findAll('123')", {}, 2],
    ];
    for (const [expr, bindings, want] of cases) assert.equal(costOf(expr, bindings), want, expr);
  });

  it("charges nothing for what cel.OptOptimize folds into constants", () => {
    // Without the optimizer cel-go charges 10 for the list literal, 13 for `in` over it and 1 for string(1).
    assert.equal(costOf("[1, 2, 3].all(x, true)"), 10);
    assert.equal(costOf("2 in [1, 2, 3]"), 0);
    assert.equal(costOf("string(1)"), 0);
    assert.equal(costOf("int(string(1)) == 1"), 1);
    assert.equal(costOf("x in []", { x: 1n }), 0);
    // A literal holding a variable is built at run time: 10 per list, as for map()'s `[x]`.
    assert.equal(costOf("[1,2,3,4,5].map(x, x)"), 66);
    // cel-go's ".filter list literal" is 62 with the two literals charged.
    assert.equal(costOf("[1,2,3,4,5].filter(x, x % 2 == 0)"), 42);
  });

  it("a rule at the per-call limit passes, one unit over it fails", () => {
    const s: StructuralSchema = { type: "object", properties: { v: { type: "string", ...rules({ rule: `self.matches('${P400}')` }) } } };
    // 1 (self) + ceil((1 + 99984) * 0.1) * 100 = 999901
    assert.deepEqual(validateCelRules({ v: "a".repeat(99984) }, s), []);
    // 1 + ceil((1 + 99994) * 0.1) * 100 = 1000001
    const errs = validateCelRules({ v: "a".repeat(99994) }, s);
    assert.deepEqual(messages(errs), [`v: Invalid value: "string": ${CALL_COST_EXCEEDED}self.matches('${P400}')`]);
    assert.equal(PER_CALL_LIMIT, 1_000_000);
  });

  it("matches() over a 3-million-character string: call cost exceeds limit, no further rules run", () => {
    const s: StructuralSchema = {
      type: "object",
      properties: {
        idleTimeout: {
          type: "string",
          ...rules({ rule: "self.matches('^[0-9]+(s|m|h)$')", message: "must be a duration like 30m" }, { rule: "size(self) < 10", message: "never reached" }),
        },
        replicas: { type: "integer", ...rules({ rule: "self < 5", message: "not run either" }) },
      },
    };
    assert.deepEqual(validateCelRules({ idleTimeout: "30m", replicas: 1 }, s), []);
    const errs = validateCelRules({ idleTimeout: "1".repeat(3_000_000), replicas: 9 }, s);
    assert.deepEqual(errs, [
      {
        type: "FieldValueInvalid",
        field: "idleTimeout",
        message: `Invalid value: "string": ${CALL_COST_EXCEEDED}must be a duration like 30m`,
      },
    ]);
  });

  it("many rules over a large list spend the object's budget: kube's message, then nothing more runs", () => {
    const s: StructuralSchema = {
      type: "object",
      properties: {
        names: { type: "array", items: { type: "string", ...rules({ rule: `self.matches('${P400}')`, message: "lower-case a" }) } },
        later: { type: "integer", ...rules({ rule: "self > 5" }) },
      },
    };
    // Each item costs 1 + ceil(1000 * 0.1) * 100 = 10001: 999 items spend 9990999 of 10000000, the 1000th does not fit.
    const obj = { names: Array.from({ length: 1200 }, () => "a".repeat(999)), later: 1 };
    assert.deepEqual(messages(validateCelRules(obj, s)), [`names[999]: Invalid value: "string": ${OUT_OF_BUDGET}`]);
    assert.equal(RUNTIME_CEL_COST_BUDGET, 10_000_000);
    // 999 items fit; the next node with rules finds the budget spent only if nothing is left.
    assert.deepEqual(messages(validateCelRules({ names: obj.names.slice(0, 999), later: 1 }, s)), ["later: Invalid value: \"integer\": failed rule: self > 5"]);
  });

  it("a node with rules reached with no budget left reports it; nodes without rules do not", () => {
    const s: StructuralSchema = {
      type: "object",
      properties: { a: { type: "integer", ...rules({ rule: "self > 0" }) }, plain: { type: "integer" }, b: { type: "integer", ...rules({ rule: "self > 0" }) } },
    };
    // `self > 0` costs 2 (self, >): a budget of 2 runs a, then b finds nothing left.
    assert.deepEqual(messages(validateCelRules({ a: 1, plain: 1, b: 1 }, s, undefined, 2)), [`b: Invalid value: "integer": ${OUT_OF_BUDGET}`]);
    assert.deepEqual(validateCelRules({ a: 1, plain: 1, b: 1 }, s, undefined, 4), []);
  });

  it("on update, unchanged parts are still charged (kube evaluates them) while their failures are ratcheted", () => {
    const s: StructuralSchema = {
      type: "object",
      properties: {
        names: { type: "array", items: { type: "string", ...rules({ rule: `self.matches('${P400}')` }) } },
        legacy: { type: "string", ...rules({ rule: "self == 'ok'", message: "must be ok" }) },
      },
    };
    const old = { names: Array.from({ length: 1000 }, () => "a".repeat(999)), legacy: "bad" };
    assert.deepEqual(messages(validateCelRules(structuredClone(old), s, old)), [`names[999]: Invalid value: "string": ${OUT_OF_BUDGET}`]);
    const small = { names: ["a"], legacy: "bad" };
    assert.deepEqual(validateCelRules(structuredClone(small), s, small), []);
    assert.deepEqual(messages(validateCelRules({ names: ["a"], legacy: "worse" }, s, small)), ['legacy: Invalid value: "string": must be ok']);
  });

  it("a messageExpression is charged too, with its own messages", () => {
    const expr = `self.matches('${P400}') ? 'x' : 'y'`;
    const s: StructuralSchema = { type: "object", properties: { v: { type: "string", ...rules({ rule: "size(self) < 10", messageExpression: expr }) } } };
    assert.deepEqual(messages(validateCelRules({ v: "a".repeat(200_000) }, s)), [
      `v: Invalid value: "string": no further validation rules will be run due to call cost exceeds limit for messageExpression: "${expr}"`,
    ]);
    assert.deepEqual(messages(validateCelRules({ v: "a".repeat(20) }, s)), ['v: Invalid value: "string": x']);
  });

  it("values are bound as CEL maps and lists once, so a comprehension over a large map stays linear", () => {
    const schema: StructuralSchema = { type: "object", additionalProperties: { type: "integer" } };
    const m = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, i]));
    const self = toCel(m, schema);
    assert.ok(isCelMap(self));
    assert.ok(isCelList(toCel([1], { type: "array", items: { type: "integer" } })));
    // self (1) and the result (1), then per key: @not_strictly_false and the accumulator (2), the accumulator, self[k] (2) and >= (4)
    assert.equal(costOf("self.all(k, self[k] >= 0)", { self }), 2 + 6 * 20000);
  });

  it("map() over 50,000 items is an ordinary list (no nesting per step), charged like cel-go's", () => {
    const s: StructuralSchema = { type: "object", properties: { xs: { type: "array", items: { type: "integer" }, ...rules({ rule: "self.map(x, x).all(y, y >= 0)" }) } } };
    const xs = Array(50000).fill(0);
    // map: self, result, 13 a step (@result + [x]); all: result, 5 a step
    assert.equal(costOf("self.map(x, x).all(y, y >= 0)", { self: toCel(xs, s.properties!.xs) }), 2 + 13 * 50000 + 1 + 5 * 50000);
    assert.deepEqual(validateCelRules({ xs }, s), []);
    for (const expr of ["[1,2,3].map(x, x * 2) == [2, 4, 6]", "[[1],[2]].map(l, l.map(y, y + 1)) == [[2],[3]]", "[1,2].map(x, x) + [1,2].map(x, x) == [1,2,1,2]", "[1,2,3].filter(x, x > 1) == [2, 3]"]) {
      const program = compileCel(expr);
      assert.equal(typeof program === "function" && program({}), true, expr);
    }
    assert.deepEqual(messages(validateCelRules({ xs: [...xs, -1] }, s)), ['xs: Invalid value: "array": failed rule: self.map(x, x).all(y, y >= 0)']);
  });

  it("the SKAI example's rules cost a few units and pass", () => {
    // self (1) + ceil((1 + 3) * 0.1) * ceil(15 * 0.25)
    assert.equal(costOf("self.matches('^[0-9]+(s|m|h)$')", { self: "30m" }), 1 + 1 * 4);
    // has (1: self), !_ (1), two attribute chains of three (3 each), <= (1)
    assert.equal(costOf("!has(self.elastic) || self.elastic.minReplicas <= self.elastic.maxReplicas", { self: { elastic: { minReplicas: 1n, maxReplicas: 2n } } }), 9);
    // self (1), oldSelf (1), == on one-character strings (ceil(1 * 0.1))
    assert.equal(costOf("self == oldSelf", { self: "a", oldSelf: "a" }), 3);
  });
  it("rules deep under rule-free properties, map values and list items are found, with their paths", () => {
    const leaf: StructuralSchema = { type: "integer", ...rules({ rule: "self < 5", message: "small" }) };
    const s: StructuralSchema = {
      type: "object",
      properties: {
        plain: { type: "object", properties: { a: { type: "string" }, b: { type: "array", items: { type: "string" } } } },
        byName: { type: "object", additionalProperties: { type: "object", properties: { list: { type: "array", items: { type: "object", properties: { n: leaf } } } } } },
      },
    };
    const obj = { plain: { a: "x", b: ["y"] }, byName: { one: { list: [{ n: 1 }, { n: 9 }] }, two: { list: [] } } };
    assert.deepEqual(messages(validateCelRules(obj, s)), ["byName[one].list[1].n: Invalid value: \"integer\": small"]);
    // on update, a changed value under rule-free siblings is still judged
    assert.deepEqual(messages(validateCelRules(obj, s, { ...obj, byName: { one: { list: [{ n: 1 }, { n: 2 }] } } })), ["byName[one].list[1].n: Invalid value: \"integer\": small"]);
  });
});
