import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeFieldsV1, encodeFieldsV1, FieldSet } from "../../runtime/src/fieldmanager/index.js";
import { pathString } from "../../runtime/src/fieldmanager/pathelement.js";

const S = (...paths: string[][]) => FieldSet.of(...paths);

describe("field sets", () => {
  it("union, intersection, difference and recursive difference", () => {
    const a = S(["f:spec", "f:image"], ["f:spec", "f:env", 'k:{"name":"A"}'], ["f:spec", "f:env", 'k:{"name":"A"}', "f:value"]);
    const b = S(["f:spec", "f:image"], ["f:spec", "f:suspend"]);
    assert.deepEqual(a.union(b).paths().length, 4);
    assert.deepEqual(a.intersection(b).paths(), [["f:spec", "f:image"]]);
    assert.deepEqual(a.difference(b).paths(), [
      ["f:spec", "f:env", 'k:{"name":"A"}'],
      ["f:spec", "f:env", 'k:{"name":"A"}', "f:value"],
    ]);
    // difference keeps children of a removed member; recursiveDifference drops them
    const item = S(["f:spec", "f:env", 'k:{"name":"A"}']);
    assert.equal(a.difference(item).paths().length, 2);
    assert.ok(a.recursiveDifference(S(["f:spec"])).empty());
    assert.ok(a.recursiveDifference(S(["f:spec", "f:env"])).equals(S(["f:spec", "f:image"])));
    assert.ok(a.has(["f:spec", "f:image"]));
    assert.ok(!a.has(["f:spec"]));
  });

  it("named fields with owned children become members for pruning", () => {
    const s = S(["f:spec", "f:resources", "f:gpus"]).withNamedFieldsAsMembers();
    assert.ok(s.has(["f:spec"]) && s.has(["f:spec", "f:resources"]) && s.has(["f:spec", "f:resources", "f:gpus"]));
  });

  it("prints paths as conflict messages do", () => {
    assert.equal(pathString(["f:spec", "f:image"]), ".spec.image");
    assert.equal(pathString(["f:spec", "f:env", 'k:{"name":"A"}', "f:value"]), '.spec.env[name="A"].value');
    assert.equal(pathString(["f:spec", "f:tags", 'v:"x"']), '.spec.tags[="x"]');
    assert.equal(pathString(["f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(pathString(["f:spec", "f:args", "i:2"]), ".spec.args[2]");
  });
});

describe("FieldsV1", () => {
  it("round-trips with '.' marking members that have children", () => {
    const fields = {
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        ".": {},
        "f:env": { 'k:{"name":"A"}': { ".": {}, "f:name": {}, "f:value": {} } },
        "f:image": {},
        "f:tags": { 'v:"a"': {}, 'v:"b"': {} },
      },
    };
    const s = decodeFieldsV1(fields);
    assert.ok(s.has(["f:spec"]));
    assert.ok(!s.has(["f:metadata"]));
    assert.ok(s.has(["f:metadata", "f:labels"]));
    assert.ok(s.has(["f:spec", "f:env", 'k:{"name":"A"}']));
    assert.ok(s.has(["f:spec", "f:tags", 'v:"b"']));
    assert.deepEqual(encodeFieldsV1(s), fields);
    assert.equal(JSON.stringify(encodeFieldsV1(decodeFieldsV1(JSON.parse(JSON.stringify(fields))))), JSON.stringify(fields));
  });

  it("canonicalizes keys and rejects what is not a path element", () => {
    const s = decodeFieldsV1({ "f:spec": { "f:ports": { 'k:{"protocol":"TCP", "port":80}': {} } } });
    assert.ok(s.has(["f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}']));
    assert.throws(() => decodeFieldsV1({ "x:nope": {} }));
    assert.throws(() => decodeFieldsV1([]));
  });
});
