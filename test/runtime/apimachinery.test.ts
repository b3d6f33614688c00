import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyJSONPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  findFirst,
  parseFieldSelector,
  parseLabelSelector,
  scanJSON,
} from "../../runtime/src/apimachinery/index.js";
import { humanDuration } from "../../runtime/src/endpoints/transform.js";
import { decodeContinue, encodeContinue } from "../../runtime/src/registry/continue.js";

describe("label selectors", () => {
  it("parses and matches every operator", () => {
    const s = parseLabelSelector("a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g,h>5,i<5");
    const labels = { a: "1", b: "2", c: "4", d: "y", e: "q", f: "", h: "6", i: "4" };
    assert.ok(s.matches(labels));
    assert.ok(!s.matches({ ...labels, g: "1" }));
    assert.ok(!s.matches({ ...labels, h: "5" }));
    assert.ok(parseLabelSelector("").matches({}));
    assert.ok(parseLabelSelector("x in ()").matches({ x: "" }));
  });
  it("errors read like kube's", () => {
    assert.throws(() => parseLabelSelector("a=b,"), /found '', expected: identifier after ','/);
    assert.throws(() => parseLabelSelector("x in (a"), /found '', expected: ',' or '\)'/);
    assert.throws(() => parseLabelSelector("a=b c"), /found 'c', expected: ',' or 'end of string'/);
    assert.throws(() => parseLabelSelector("a=-b"), /values\[0\]\[a\]: Invalid value: "-b": a valid label must be/);
    assert.throws(() => parseLabelSelector("h>x"), /the value must be an integer/);
  });
  it("reads and reports as kube's parser where hand parsers slip", () => {
    // `!key` ends its requirement; what follows must be ',' or the end
    assert.throws(() => parseLabelSelector("!a=b"), { message: "found '=', expected: ',' or 'end of string'" });
    // the key is checked against a nil field path
    assert.throws(() => parseLabelSelector("-x"), { message: /^unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of/ });
    // every bad value is reported, as utilerrors.Aggregate prints several
    assert.throws(() => parseLabelSelector("a in (-y,-x)"), {
      message: /^unable to parse requirement: \[values\[0\]\[a\]: Invalid value: "-x": a valid label .*, values\[1\]\[a\]: Invalid value: "-y": a valid label .*\]$/,
    });
    // gt/lt compare int64s
    assert.ok(parseLabelSelector("n<9223372036854775807").matches({ n: "-9223372036854775808" }));
    assert.throws(() => parseLabelSelector("n<9223372036854775808"), { message: /values\[0\]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators, the value must be an integer/ });
    assert.ok(!parseLabelSelector("n>1").matches({ n: "9223372036854775808" }));
    assert.deepEqual(parseLabelSelector("b notin (y,x,y),a").requirements, [
      { key: "a", operator: "exists", values: [] },
      { key: "b", operator: "notin", values: ["x", "y"] },
    ]);
  });
});

describe("field selectors", () => {
  it("parses =, ==, != with escapes", () => {
    const s = parseFieldSelector("metadata.name=a\\,b,status.phase!=Done");
    assert.ok(s.matches((f) => (f === "metadata.name" ? "a,b" : "Running")));
    assert.throws(() => parseFieldSelector("nonsense"), /invalid selector: 'nonsense'; can't understand 'nonsense'/);
  });
  it("splits at the first operator and unescapes values with fields.UnescapeValue's texts", () => {
    assert.deepEqual(parseFieldSelector("b==x\\=y,a!=\\\\").requirements, [
      { field: "a", operator: "!=", value: "\\" },
      { field: "b", operator: "=", value: "x=y" },
    ]);
    // a field cannot escape an operator: `a\` is the field, `b=c` an invalid value (Go prints the rune's code)
    assert.throws(() => parseFieldSelector("a\\=b=c"), { message: "invalid field selector: unescaped character in value: 61" });
    assert.throws(() => parseFieldSelector("a=b\\"), { message: "invalid field selector: invalid escape sequence: \\" });
    assert.throws(() => parseFieldSelector("a=b\\n"), { message: "invalid field selector: invalid escape sequence: \\n" });
  });
});

describe("patches", () => {
  it("json patch move/copy/remove", () => {
    const doc = applyJSONPatch({ a: { b: 1 }, l: [1, 2] }, [
      { op: "copy", from: "/a/b", path: "/c" },
      { op: "move", from: "/a", path: "/d" },
      { op: "remove", path: "/l/0" },
    ]);
    assert.deepEqual(doc, { c: 1, d: { b: 1 }, l: [2] });
  });
  it("merge patch", () => {
    assert.deepEqual(applyMergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: null, b: { c: null, e: 4 } }), { b: { d: 3, e: 4 } });
  });
  it("strategic merge patch uses list-map keys and $patch on maps", () => {
    const schema = {
      type: "object" as const,
      properties: {
        list: { type: "array" as const, "x-kubernetes-list-type": "map" as const, "x-kubernetes-list-map-keys": ["k1", "k2"], items: { type: "object" as const } },
        atomic: { type: "array" as const },
      },
    };
    const out = applyStrategicMergePatch(
      { list: [{ k1: "a", k2: 1, v: 1 }, { k1: "a", k2: 2, v: 2 }], atomic: [1, 2], m: { x: 1, y: 2 }, r: { x: 1 } },
      { list: [{ k1: "a", k2: 2, v: 3 }], atomic: [3], m: { $patch: "delete" }, r: { $patch: "replace", z: 1 } },
      schema,
    );
    // `$patch: delete` on a map leaves it empty (strategicpatch/patch_test.go "delete all fields in map")
    assert.deepEqual(out, { list: [{ k1: "a", k2: 1, v: 1 }, { k1: "a", k2: 2, v: 3 }], atomic: [3], m: {}, r: { z: 1 } });
  });
});

describe("jsonpath", () => {
  it("fields, indexes and filters", () => {
    const obj = { status: { conditions: [{ type: "A", status: "False" }, { type: "Ready", status: "True" }] }, metadata: { labels: { "a.b/c": "v" } } };
    assert.equal(findFirst('.status.conditions[?(@.type=="Ready")].status', obj), "True");
    assert.equal(findFirst(".status.conditions[0].type", obj), "A");
    assert.equal(findFirst(".metadata.labels['a.b/c']", obj), "v");
    assert.equal(findFirst(".spec.none", obj), undefined);
  });
});

describe("misc", () => {
  it("scanJSON finds duplicates with paths and limits depth", () => {
    assert.deepEqual(scanJSON('{"a":{"b":1,"b":2},"l":[{"x":1,"x":2}]}').duplicates, ["a.b", "l[0].x"]);
    assert.ok(scanJSON("[".repeat(20) + "]".repeat(20), 10).tooDeep);
  });
  it("scanJSON spells paths through arrays, escaped keys and wide objects", () => {
    const text = '{"a":[[{"k":1,"k":2}],[1,{"z":{"q":1,"q":2}}]],"a":1,"e\\u0041":[1,"\\"",{"w":123456789012345678901}],"eA":0}';
    const scan = scanJSON(text);
    assert.deepEqual(scan.duplicates, ["a[0][0].k", "a[1][1].z.q", "a", "eA"]);
    assert.deepEqual(scan.inexactIntegers, [{ path: "eA[2].w", literal: "123456789012345678901" }]);
    const wide = `{"m":{${Array.from({ length: 40 }, (_, i) => `"k${i % 30}":${i}`).join(",")}}}`;
    assert.deepEqual(scanJSON(wide).duplicates, Array.from({ length: 10 }, (_, i) => `m.k${i}`));
  });
  it("continue tokens round-trip", () => {
    const t = encodeContinue("/g/r/ns/name", "/g/r/ns/", 42);
    assert.deepEqual(decodeContinue(t, "/g/r/ns/"), { continueAfter: "/g/r/ns/name", revision: 42 });
    assert.throws(() => decodeContinue(Buffer.from('{"v":"meta.k8s.io/v1","rv":1,"start":"../x"}').toString("base64url"), "/g/r/"));
  });
  it("humanDuration matches kube", () => {
    assert.equal(humanDuration(5_000), "5s");
    assert.equal(humanDuration(125_000), "2m5s");
    assert.equal(humanDuration(3 * 3600_000 + 60_000), "3h1m");
    assert.equal(humanDuration(50 * 3600_000), "2d2h");
  });
});
