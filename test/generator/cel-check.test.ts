/**
 * `@rule`s are compiled at generate time as kube-apiserver compiles
 * x-kubernetes-validations when a CRD is installed: type-checked against the
 * schema node they are on (cel-go's messages), required to yield a bool, and
 * their estimated cost held to StaticEstimatedCostLimit per rule and
 * StaticEstimatedCRDCostLimit per schema (k8s.io/apiextensions-apiserver
 * pkg/apis/apiextensions/validation/validation.go). The cost numbers below
 * are kube's own expectations (pkg/apiserver/schema/cel/compilation_test.go,
 * TestCostEstimation).
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CelTypeError, checkExpression, type Expr } from "../../generator/src/check/cel-checker.js";
import { estimateCost } from "../../generator/src/check/cel-cost-estimate.js";
import { schemaDeclType } from "../../generator/src/check/cel-decl.js";
import { costMessage } from "../../generator/src/check/cel-rules.js";
import { T, typeName } from "../../generator/src/check/cel-types.js";
import type { Diagnostic } from "../../generator/src/model/diagnostic.js";
import { checkModel } from "../../generator/src/check/index.js";
import { buildStructuralSchema } from "../../generator/src/model/structural-schema.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { compileCel, validateCelRules } from "../../runtime/src/validation/index.js";
import { parseRule } from "../../runtime/src/validation/cel-syntax.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "test/fixtures/cel");

/** A schema with the shapes rules meet: integer, bounded string, lists, maps, int-or-string, date-time, preserved fields, objects in a list. */
const building: StructuralSchema = {
  type: "object",
  properties: {
    floors: { type: "integer" },
    name: { type: "string", maxLength: 10 },
    tags: { type: "array", items: { type: "string" } },
    labels: { type: "object", additionalProperties: { type: "string" } },
    share: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
    opened: { type: "string", format: "date-time" },
    extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    rooms: { type: "array", maxItems: 10, items: { type: "object", properties: { n: { type: "integer" }, s: { type: "string" } } } },
  },
};

/** The rule's result type, or cel-go's error message. */
function check(rule: string, schema: StructuralSchema = building, isResourceRoot = false): string {
  const decl = schemaDeclType(schema, isResourceRoot, "selfType")!;
  try {
    const checked = checkExpression(parseRule(rule).expr as unknown as Expr, new Map([["self", decl.type], ["oldSelf", decl.type]]));
    return typeName(checked.type);
  } catch (e) {
    if (e instanceof CelTypeError) return `error: ${e.message}`;
    throw e;
  }
}

describe("CEL type checking, as cel-go in kube-apiserver", () => {
  it("reports the issue's example with cel-go's message", () => {
    assert.equal(check(`self.floors < "ten"`), "error: found no matching overload for '_<_' applied to '(int, string)'");
    assert.equal(check("self.floors < 10"), "bool");
  });

  it("knows the declared fields of objects, and only those", () => {
    assert.equal(check("self.flors > 1"), "error: undefined field 'flors'");
    assert.equal(check("has(self.nope)"), "error: undefined field 'nope'");
    // Preserved unknown fields are not visible to rules in kube either.
    assert.equal(check("self.extra.anything == 1"), "error: undefined field 'anything'");
    assert.equal(check("self.labels.team == 'a' && self.labels['team'] == 'a'"), "bool");
    assert.equal(check("self.floors.x == 1"), "error: type 'int' does not support field selection");
  });

  it("types formats and int-or-string as kube does", () => {
    assert.equal(check("self.opened < timestamp('2020-01-01T00:00:00Z')"), "bool");
    assert.equal(check("self.opened < '2020'"), "error: found no matching overload for '_<_' applied to '(google.protobuf.Timestamp, string)'");
    assert.equal(check("type(self.share) == int ? self.share > 0 : self.share.endsWith('%')"), "bool");
  });

  it("gives macros their element types, and map() the type of what it maps to", () => {
    assert.equal(check("self.tags.all(t, t.size() < 10)"), "bool");
    assert.equal(check("self.tags.exists(t, t == 1)"), "error: found no matching overload for '_==_' applied to '(string, int)'");
    assert.equal(check("self.tags.map(t, t.size()).all(n, n < 'a')"), "error: found no matching overload for '_<_' applied to '(int, string)'");
    assert.equal(check("self.rooms.filter(r, r.n > 1).size() == 0 && self.labels.exists(k, self.labels[k] == 'v')"), "bool");
  });

  it("holds CEL's strictness: no null for strings, homogeneous literals, no int + double", () => {
    assert.equal(check("self.name == null"), "error: found no matching overload for '_==_' applied to '(string, null_type)'");
    assert.equal(check("[1, 'a'].size() > 0"), "error: expected type 'int' but found 'string'");
    assert.equal(check("self.floors + 1.0 > 2.0"), "error: found no matching overload for '_+_' applied to '(int, double)'");
    assert.equal(check("self.floors + 1 > 2.5"), "bool", "comparisons across numeric types are allowed (CrossTypeNumericComparisons)");
    assert.equal(check("self.floors.startsWith('a')"), "error: found no matching overload for 'startsWith' applied to 'int.(string)'");
    // kube compares literal element types exactly (dyn is not int), except inside a format call.
    assert.equal(check("[self.share, 1].size() > 0"), "error: expected type 'dyn' but found 'int'");
    assert.equal(check("'%s-%d'.format([self.name, self.floors]) != ''"), "bool");
  });

  it("validates constant arguments as kube's AST validators do: regexes, durations, timestamps", () => {
    assert.equal(check("self.name.matches('^(?!tmp)')"), "error: invalid matches argument");
    assert.equal(check("self.opened < timestamp('2020')"), "error: invalid timestamp argument");
    assert.equal(check("duration('1x') > duration('1s')"), "error: invalid duration argument");
    assert.equal(check("self.name.matches('^[a-z]+$') && duration('90s') > duration('1m')"), "bool");
  });

  it("has the server's functions: the strings extension and Kubernetes' list and regex helpers", () => {
    assert.equal(check("self.name.lowerAscii() == 'x' && strings.quote(self.name).size() > 2"), "bool");
    assert.equal(check("self.rooms.map(r, r.n).sum() > 3 && self.tags.isSorted() && self.name.find('[0-9]+') != ''"), "bool");
    assert.equal(check("self.name.split(',').all(x, x.trim() != '')"), "bool");
    // Libraries a 1.32 server does not have (semver came in 1.33) are not silently accepted.
    assert.equal(check("isSemver(self.name)"), "error: undeclared reference to 'isSemver' (in container '')");
  });

  it("types Kubernetes' libraries, the sets extension and optionals as cel-go does (apiserver pkg/cel/library)", () => {
    assert.equal(check("quantity(self.name).isLessThan(quantity('1')) && isQuantity(self.name)"), "bool");
    assert.equal(check("quantity(self.name).add(1).sub(quantity('1'))"), "kubernetes.Quantity");
    assert.equal(check("url(self.name).getQuery()"), "map(string, list(string))");
    assert.equal(check("ip(self.name)"), "net.IP");
    assert.equal(check("cidr('10.0.0.0/8').containsIP(self.name) && cidr('10.0.0.0/8').containsIP(ip(self.name)) && ip.isCanonical(self.name)"), "bool");
    assert.equal(check("cidr(self.name).ip().family()"), "int");
    assert.equal(check("format.dns1123Label().validate(self.name)"), "optional_type(list(string))");
    assert.equal(check("format.named(self.name)"), "optional_type(kubernetes.NamedFormat)");
    assert.equal(check("sets.contains(self.tags, ['a']) && sets.intersects(self.rooms.map(r, r.n), [1])"), "bool");
    assert.equal(check("optional.of(self.floors).orValue(0)"), "int");
    assert.equal(check("optional.none().hasValue()"), "bool");
    // As upstream: sign is declared a global function, and isIP takes a string (ip_test.go).
    assert.equal(check("quantity(self.name).sign() > 0"), "error: found no matching overload for 'sign' applied to 'kubernetes.Quantity.()'");
    assert.equal(check("sign(quantity(self.name)) > 0"), "bool");
    assert.equal(check("isIP(cidr('192.168.0.0/24'))"), "error: found no matching overload for 'isIP' applied to '(net.CIDR)'");
    assert.equal(check("sets.contains(self.tags, [1])"), "error: found no matching overload for 'sets.contains' applied to '(list(string), list(int))'");
    assert.equal(check("url(self.name).host"), "error: undefined field 'host'");
  });

  it("types optional field selection (x.?f) as cel-go does: optional(T), carried along the chain", () => {
    assert.equal(check("self.?rooms.orValue([]).size() < 5"), "bool");
    assert.equal(check("self.?name"), "optional_type(string)");
    assert.equal(check("self.?labels.?team.orValue('') == ''"), "bool");
    assert.equal(check("self.?labels.team"), "optional_type(string)");
    assert.equal(check("self.?flors.hasValue()"), "error: undefined field 'flors'");
    // What orValue() yields has no size bound for kube's estimator: a library call over it costs past the limit, there as here.
    assert.ok(maxCost(withRule(building, "cidr('10.0.0.0/8').containsIP(self.?name.orValue(''))")) > 10_000_000);
    // 1 (cidr of a 10-byte literal) + 2 (self.name) + 4 (the addresses compared) + 4 (the string: maxLength 10 is up to 40 bytes).
    assert.equal(maxCost(withRule(building, "cidr('10.0.0.0/8').containsIP(self.name)")), 11);
  });

  it("types oldSelf as an optional in an optionalOldSelf rule", () => {
    const decl = schemaDeclType(building, false, "selfType")!;
    const variables = new Map([["self", decl.type], ["oldSelf", T.optional(decl.type)]]);
    const typed = (rule: string) => typeName(checkExpression(parseRule(rule).expr as unknown as Expr, variables).type);
    assert.equal(typed("!oldSelf.hasValue() || self.floors >= oldSelf.value().floors"), "bool");
    assert.equal(typed("oldSelf.orValue(self).name == self.name"), "bool");
    assert.throws(() => typed("oldSelf.floors <= self.floors"), /does not support field selection/);
  });

  it("shows kind, apiVersion, metadata.name and generateName at a resource root, nothing else of metadata", () => {
    const resource: StructuralSchema = { type: "object", properties: { metadata: { type: "object" }, spec: { type: "object" } } };
    assert.equal(check("self.metadata.name.size() < 64 && self.kind == 'Tower' && self.apiVersion != ''", resource, true), "bool");
    assert.equal(check("self.metadata.labels.size() > 0", resource, true), "error: undefined field 'labels'");
  });

  it("accepts only what the server runs: every accepted rule compiles and evaluates there", () => {
    const value = { floors: 3, name: "ab", tags: ["a", "b"], labels: { team: "a" }, share: "5%", opened: "2024-01-01T00:00:00Z", rooms: [{ n: 2, s: "x" }] };
    for (const rule of [
      "self.floors < 10",
      "self.opened < timestamp('2030-01-01T00:00:00Z')",
      "type(self.share) == int ? self.share > 0 : self.share.endsWith('%')",
      "self.name.lowerAscii() == 'ab' && strings.quote(self.name).size() > 2",
      "self.rooms.map(r, r.n).sum() > 1 && self.tags.isSorted() && self.name.find('[a-z]+') != ''",
      "self.labels.team == 'a' && self.labels['team'] == 'a'",
      "self.floors + 1 > 2.5",
      "'%s-%d'.format([self.name, self.floors]) == 'ab-3'",
    ]) {
      assert.equal(check(rule), "bool", rule);
      const program = compileCel(rule);
      assert.ok(!(program instanceof Error), rule);
      assert.deepEqual(validateCelRules(value, { ...building, "x-kubernetes-validations": [{ rule }] }), [], rule);
    }
    // And what it rejects fails every create on the server.
    const errs = validateCelRules(value, { ...building, "x-kubernetes-validations": [{ rule: `self.floors < "ten"` }] });
    assert.equal(errs.length, 1);
  });
});

// ---- cost estimation ---------------------------------------------------------

type Gen = (max?: number) => StructuralSchema;
const scalar = (t: string): StructuralSchema =>
  t === "int-or-string" ? { "x-kubernetes-int-or-string": true } : ["date", "date-time", "duration"].includes(t) ? { type: "string", format: t } : { type: t as StructuralSchema["type"] };
const withRule = (s: StructuralSchema, rule: string): StructuralSchema => ({ ...s, "x-kubernetes-validations": [{ rule }] });
const array = (t: string, rule: string): Gen => (max) => withRule({ type: "array", items: scalar(t), ...(max !== undefined ? { maxItems: max } : {}) }, rule);
const arrayOfArrays = (t: string, rule: string): Gen => (max) => withRule({ type: "array", items: { type: "array", items: scalar(t) }, ...(max !== undefined ? { maxItems: max } : {}) }, rule);
const objectArray = (rule: string): Gen => (max) =>
  withRule({ type: "array", items: { type: "object", properties: { required: { type: "string" }, optional: { type: "string" } }, required: ["required"] }, ...(max !== undefined ? { maxItems: max } : {}) }, rule);
const map = (values: string | StructuralSchema, rule: string): Gen => (max) =>
  withRule({ type: "object", additionalProperties: typeof values === "string" ? scalar(values) : values, ...(max !== undefined ? { maxProperties: max } : {}) }, rule);
const string = (rule: string, format?: string): Gen => (max) => withRule({ type: "string", ...(format ? { format } : {}), ...(max !== undefined ? { maxLength: max } : {}) }, rule);
const nestedMap = (rule: string): Gen => (max) =>
  withRule({ type: "object", additionalProperties: { type: "string", ...(max !== undefined ? { maxLength: max } : {}) }, ...(max !== undefined ? { maxProperties: max } : {}) }, rule);

/** [name, schema, cost without limits (undefined: beyond the limit), limit set, cost with it] from kube's TestCostEstimation. */
const kubeCases: [string, Gen, number | undefined, number, number][] = [
  ["number array with all", array("number", "self.all(x, true)"), 4718591, 10, 32],
  ["string array with all", array("string", "self.all(x, true)"), 3145727, 20, 62],
  ["boolean array with all", array("boolean", "self.all(x, true)"), 1887437, 5, 17],
  ["array of number arrays with all", arrayOfArrays("number", "self.all(x, true)"), 3145727, 100, 302],
  ["array of objects with all", objectArray("self.all(x, true)"), 555128, 50, 152],
  ["map of numbers with all", map("number", "self.all(x, true)"), 1348169, 10, 32],
  ["map of strings with all", map("string", "self.all(x, true)"), 1179647, 3, 11],
  ["string with contains", string("self.contains('test')"), 314574, 10, 5],
  ["string with startsWith", string("self.startsWith('test')"), 2, 15, 2],
  ["concat string", string(`size(self + "hello") > size("hello")`), 314578, 4, 7],
  ["index of array with numbers", array("number", "self[1] == 0.0"), 2, 5000, 2],
  ["index of array with strings", array("string", "self[1] == self[1]"), 314577, 8, 314577],
  ["O(n^2) loop with numbers", array("number", "self.all(x, self.all(y, true))"), undefined, 10, 352],
  ["O(n^3) loop with numbers", array("number", "self.all(x, self.all(y, self.all(z, true)))"), undefined, 10, 3552],
  ["regex matches simple", string(`self.matches("x")`), 314574, 50, 22],
  ["regex matches empty string", string(`"".matches("(((((((((())))))))))[0-9]")`), 7, 10, 7],
  ["regex matches empty regex", string(`self.matches("")`), 1, 100, 1],
  ["map of strings with value length", nestedMap("self.all(x, x.contains(self[x]))"), 2752507, 10, 72],
  ["set string maxLength to zero", string(`self == "x"`), 2, 0, 1],
  ["set bytes maxLength to zero", string(`self == b"x"`, "byte"), 2, 0, 1],
  ["set maxLength greater than estimated maxLength", array("number", "self.all(x, x == 0.0)"), 6291454, 3 * 1024 * 2048, 25165826],
  ["int-or-string array with all", array("int-or-string", "self.all(x, true)"), 4718591, 10, 32],
  ["index of array with int-or-strings", array("int-or-string", "self[0] == 5"), 3, 10, 3],
  ["index of array of objects", objectArray("self[0] == null"), 2, 422, 2],
  ["duration array with all", array("duration", "self.all(x, true)"), 2359295, 5, 17],
  ["index of duration array", array("duration", "self[0].getHours() == 2"), 4, 525, 4],
  ["date array with all", array("date", "self.all(x, true)"), 725936, 15, 47],
  ["date-time array with all", array("date-time", "self.all(x, true)"), 428963, 25, 77],
  ["map of int-or-strings with all", map("int-or-string", "self.all(x, true)"), 1348169, 15, 47],
  ["map of objects with all", map({ type: "object", properties: { required: { type: "string" } }, required: ["required"] }, "self.all(x, true)"), 428963, 20, 62],
];

function maxCost(s: StructuralSchema): number {
  const decl = schemaDeclType(s, false, "selfType")!;
  const expr = parseRule(s["x-kubernetes-validations"]![0]!.rule).expr as unknown as Expr;
  return estimateCost(expr, checkExpression(expr, new Map([["self", decl.type]])), decl);
}

/** The estimated cost (its maximum) of library calls, from apiserver's pkg/cel/library/cost_test.go. */
const libraryCases: [string, number][] = [
  ['quantity("12Mi")', 1],
  ['quantity("200M") == quantity("0.2G") && quantity("0.2G") == quantity("200M")', 6],
  ['quantity("50k").add(20).sub(quantity("100k")).asInteger() > 0', 6],
  ["url('https:://kubernetes.io/').getEscapedPath()", 4],
  ["url('https:://kubernetes.io/') == url('https:://kubernetes.io/')", 9],
  ["url('https:://kubernetes.io/') == url('http://x.b')", 5],
  ["ip('192.168.0.1')", 2],
  ["ip('2001:db8:3333:4444:5555:6666:7777:8888').isGlobalUnicast()", 5],
  ["ip('192.168.0.1') == ip('192.168.0.1')", 5],
  ["ip.isCanonical('192.168.0.1')", 3],
  ["ip.isCanonical('2001:db8:3333:4444:5555:6666:7777:8888')", 8],
  ["cidr('192.168.0.0/16').prefixLength()", 3],
  ["cidr('192.168.0.0/16').containsCIDR(cidr('192.0.0.0/30'))", 11],
  ["cidr('192.168.0.0/16').containsCIDR('192.0.0.0/30')", 11],
  ["cidr('192.168.0.0/16').containsIP(ip('192.0.0.1'))", 7],
  ['format.named("dns1123subdomain")', 1],
  ['format.named("dns1123Subdomain").value().validate("my-name")', 34],
  ['format.named("dns1123Label").value() == format.named("dns1123Label").value()', 11],
  ["sets.contains([], [])", 21],
  ["sets.contains([1], [1, 1])", 23],
  ["sets.equivalent([1, 2], [1])", 25],
];

describe("CEL cost estimation, as kube-apiserver's at CRD installation", () => {
  it("charges Kubernetes' library calls and the sets extension as library/cost.go and cel-go's ext/sets.go estimate them", () => {
    for (const [rule, want] of libraryCases) assert.equal(maxCost(withRule({ type: "object" }, rule)), want, rule);
  });

  for (const [name, gen, unbounded, max, bounded] of kubeCases) {
    it(name, () => {
      const cost = maxCost(gen());
      if (unbounded === undefined) assert.ok(cost > 1_000_000, `${cost} exceeds the per-call limit`);
      else assert.equal(cost, unbounded);
      assert.equal(maxCost(gen(max)), bounded);
    });
  }

  it("words the overrun as kube does (Go's %f below 1.5x, %.1f above, 'more than 100x' beyond)", () => {
    const tail = "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";
    assert.equal(costMessage("estimated rule cost", 12_000_000, 10_000_000), `estimated rule cost exceeds budget by factor of 1.200000x ${tail}`);
    assert.equal(costMessage("estimated rule cost", 25_000_000, 10_000_000), `estimated rule cost exceeds budget by factor of 2.5x ${tail}`);
    assert.equal(costMessage("estimated rule cost", 2e12, 10_000_000), `estimated rule cost exceeds budget by factor of more than 100x ${tail}`);
  });
});

// ---- at generate time ------------------------------------------------------------

async function diagnose(name: string): Promise<Diagnostic[]> {
  const { model, diagnostics } = await readDefinitions(join(fixtures, name), { projectRoot: root });
  return [...diagnostics, ...checkModel(model, { projectRoot: root })];
}

const where = (d: Diagnostic) => `${d.file.replace("test/fixtures/cel/", "")}:${d.line}:${d.column}`;

describe("skai-gen generate checks rules and patterns", () => {
  it("reports each mistake at the rule, inside the expression where it can, with cel-go's and kube's messages", async () => {
    const file = "mistakes/cel.example.com/v1/building.ts";
    const diags = await diagnose("mistakes");
    const got = diags.map((d) => [d.code, where(d), d.message]);
    assert.deepEqual(got, [
      ["bad-tag-value", `${file}:20:16`, "@pattern is not valid RE2, the syntax kube-apiserver matches patterns with: error parsing regexp: invalid or unsupported Perl syntax: `(?!`"],
      // Syntax kube's CEL has and the parser here lacks: said so in the hint.
      ["invalid-cel", `${file}:34:61`, "@rule is not valid CEL: found [ but expecting end of input"],
      ["invalid-cel", `${file}:36:64`, "@rule is not valid CEL: unknown variable k"],
      ["invalid-cel", `${file}:5:27`, "@rule does not compile: found no matching overload for '_<_' applied to '(int, string)'"],
      ["invalid-cel", `${file}:6:4`, "@rule does not compile: cel expression must evaluate to a bool, this one is int"],
      ["invalid-cel", `${file}:12:37`, "@rule does not compile: undefined field 'flors'"],
      ["invalid-cel", `${file}:14:26`, "@rule does not compile: found no matching overload for '_==_' applied to '(string, int)'"],
      ["invalid-cel", `${file}:16:35`, "@rule does not compile: found no matching overload for '_<_' applied to '(string, google.protobuf.Timestamp)'"],
      ["invalid-cel", `${file}:18:17`, "@rule does not compile: found no matching overload for 'startsWith' applied to 'int.(string)'"],
      // @immutable inside the items of an atomic list: kube refuses transition rules where it cannot match old and new.
      ["invalid-cel", `${file}:27:7`, "@rule uses oldSelf where old and new values cannot be matched: oldSelf cannot be used on the uncorrelatable portion of the schema within .spec.rooms"],
      ["invalid-cel", `${file}:38:55`, "@rule does not compile: undeclared reference to 'isSemver' (in container '')"],
    ]);
    assert.match(diags[1]!.hint, /^optional indexing and literals \(m\[\?key\], \[\?x\], \{\?k: v\}\) are not supported here/);
    assert.match(diags[2]!.hint, /^two-variable comprehensions .* are not supported here yet/);
    assert.match(diags.find((d) => d.message.includes("isSemver"))!.hint, /^the server runs what a 1\.32 kube-apiserver offers CRD rules: .*; semver and math came later$/);
  });

  it("reports a rule kube would refuse for its cost, and the kind's total, with a hint that names the kind", async () => {
    const diags = await diagnose("budget");
    const file = "budget/cel.example.com/v1/library.ts";
    assert.deepEqual(
      diags.map((d) => [d.code, where(d), d.message.replace(/ \(try simplifying.*$/, "")]),
      [
        ["cel-cost", `${file}:4:18`, "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x"],
        ["cel-cost", `${file}:7:70`, "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"],
        ["cel-cost", `${file}:7:70`, "estimated rule cost exceeds budget by factor of more than 100x"],
      ],
    );
    for (const d of diags) assert.match(d.hint, /^Library cel\.example\.com\/v1: .*@maxItems.*@maxLength/);
  });

  it("accepts well-typed, bounded rules, which the generated server then runs", async () => {
    assert.deepEqual(await diagnose("clean"), []);
    const { model } = await readDefinitions(join(fixtures, "clean"), { projectRoot: root });
    const schema = buildStructuralSchema(model, "cel.example.com", "v1", "Tower");
    const tower = {
      apiVersion: "cel.example.com/v1",
      kind: "Tower",
      metadata: { name: "t" },
      spec: { floors: 3, share: "5%", labels: { a: "x" }, rooms: ["a", "x"], notes: "1,2", levels: [{ name: "ground", height: 3 }], ttl: "5m" },
      status: { readyAt: "2024-01-01T00:00:00Z" },
    };
    assert.deepEqual(validateCelRules(tower, schema, tower), []);
  });

  it("accepts rules over Kubernetes' libraries, and emits optionalOldSelf for a rule that reads oldSelf as an optional", async () => {
    assert.deepEqual(await diagnose("kube-libraries/definitions"), []);
    const { model } = await readDefinitions(join(fixtures, "kube-libraries/definitions"), { projectRoot: root });
    const spec = buildStructuralSchema(model, "net.example.com", "v1", "Endpoint").properties!.spec!.properties!;
    const flagged = Object.entries(spec).filter(([, s]) => s["x-kubernetes-validations"]?.some((r) => r.optionalOldSelf));
    assert.deepEqual(flagged.map(([name]) => name), ["replicas"]);
    assert.deepEqual(spec.replicas!["x-kubernetes-validations"], [
      { rule: "!oldSelf.hasValue() || self >= oldSelf.value()", message: "replicas may not decrease", optionalOldSelf: true },
    ]);
  });

  it("leaves SKAI's definitions and the example APIs without a diagnostic", async () => {
    for (const dir of ["definitions", "test/fixtures/apis/shop/definitions", "test/fixtures/apis/fleet/definitions", "test/fixtures/apis/minimal/definitions"]) {
      const { model, diagnostics } = await readDefinitions(join(root, dir), { projectRoot: root });
      const cel = [...diagnostics, ...checkModel(model, { projectRoot: root })].filter((d) => d.code === "invalid-cel" || d.code === "cel-cost" || /@pattern/.test(d.message));
      assert.deepEqual(cel, [], dir);
    }
  });
});

