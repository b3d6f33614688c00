/**
 * Numbers are never changed on the way in. kube's decoders (sigs.k8s.io/json with
 * PreserveInts, go-yaml) keep int64 exact; JavaScript cannot hold integers beyond
 * ±(2^53-1) digit for digit, so those are refused with a 422 naming the field
 * (apimachinery's InclusiveRangeError wording) instead of being rounded. Numbers beyond
 * float64 are a 400: "json: cannot unmarshal number ... into Go value of type float64"
 * (encoding/json's UnmarshalTypeError) through handlers/rest.go transformDecodeError;
 * YAML's .inf has no JSON form (json.Marshal: "unsupported value").
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, GV, ns, startHarness, widget, type Harness } from "./harness.js";

const RANGE = "must be between -9007199254740991 and 9007199254740991, inclusive";

describe("exact numbers", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const post = (body: string, contentType = "application/json") => call(h, "POST", ns(), body, { "content-type": contentType });
  // spec.ports[].port is an integer with no bounds of its own
  const json = (name: string, port: string) => `{"apiVersion":"${GV}","kind":"Widget","metadata":{"name":"${name}"},"spec":{"replicas":1,"ports":[{"name":"p","port":${port}}]}}`;
  const yaml = (name: string, port: string) => `apiVersion: ${GV}\nkind: Widget\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n  ports:\n  - name: p\n    port: ${port}\n`;

  it("JSON: the largest exact integer is stored digit for digit; one beyond is a 422 naming the field", async () => {
    const ok = await post(json("max", "9007199254740991"));
    assert.equal(ok.status, 201, ok.text);
    assert.ok(ok.text.includes('"port":9007199254740991'), ok.text);
    const r = await post(json("beyond", "9007199254740993"));
    assert.equal(r.status, 422, r.text);
    assert.ok(r.body.message.endsWith(`"beyond" is invalid: spec.ports[0].port: Invalid value: 9007199254740993: ${RANGE}`), r.body.message);
    assert.deepEqual(r.body.details.causes, [{ reason: "FieldValueInvalid", message: `Invalid value: 9007199254740993: ${RANGE}`, field: "spec.ports[0].port" }]);
    // 2^60 is an exact double but prints as 1152921504606847000: refused too
    assert.equal((await post(json("p60", "1152921504606846976"))).status, 422);
  });

  it("JSON: a number beyond float64 is kube's decoder error", async () => {
    const r = await post(json("inf", "1e400"));
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.message, 'Widget in version "v1" cannot be handled as a Widget: json: cannot unmarshal number 1e400 into Go value of type float64');
  });

  it("YAML bodies and apply: the same rules", async () => {
    const r = await post(yaml("y-beyond", "9007199254740993"), "application/yaml");
    assert.equal(r.status, 422, r.text);
    assert.ok(r.body.message.endsWith(`spec.ports[0].port: Invalid value: 9007199254740993: ${RANGE}`), r.body.message);
    const ok = await post(yaml("y-max", "9007199254740991"), "application/yaml");
    assert.equal(ok.status, 201, ok.text);
    assert.ok(ok.text.includes('"port":9007199254740991'), ok.text);
    const inf = await post(yaml("y-inf", ".inf"), "application/yaml");
    assert.equal(inf.status, 400, inf.text);
    assert.match(inf.body.message, /json: unsupported value: \+Inf/);
    const applied = await call(h, "PATCH", `${ns()}/y-apply?fieldManager=t`, yaml("y-apply", "9007199254740993"), { "content-type": "application/apply-patch+yaml" });
    assert.equal(applied.status, 422, applied.text);
    assert.ok(applied.body.message.endsWith(`spec.ports[0].port: Invalid value: 9007199254740993: ${RANGE}`), applied.body.message);
  });

  it("patches: merge patches name the field, every patch type refuses 1e400", async () => {
    assert.equal((await call(h, "POST", ns(), widget("p"))).status, 201);
    const merge = await call(h, "PATCH", `${ns()}/p`, '{"spec":{"ports":[{"name":"p","port":9007199254740993}]}}', { "content-type": "application/merge-patch+json" });
    assert.equal(merge.status, 422, merge.text);
    assert.ok(merge.body.message.endsWith(`spec.ports[0].port: Invalid value: 9007199254740993: ${RANGE}`), merge.body.message);
    for (const [type, body] of [
      ["application/merge-patch+json", '{"spec":{"replicas":1e400}}'],
      ["application/strategic-merge-patch+json", '{"spec":{"replicas":1e400}}'],
      ["application/json-patch+json", '[{"op":"replace","path":"/spec/replicas","value":1e400}]'],
    ]) {
      const r = await call(h, "PATCH", `${ns()}/p`, body, { "content-type": type });
      assert.equal(r.status, 400, `${type}: ${r.text}`);
      assert.match(r.body.message, /cannot unmarshal number 1e400 into Go value of type float64/);
    }
    const got = await call(h, "GET", `${ns()}/p`);
    assert.equal(got.body.spec.replicas, 1);
  });
});
