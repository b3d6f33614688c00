import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { managerName } from "../../runtime/src/registry/managedfields.js";

// kube's prefixFromUserAgent (handlers/rest.go): the User-Agent up to its first "/", unprintable characters dropped.
describe("the manager of a write", () => {
  it("is fieldManager when given", () => {
    assert.equal(managerName("ctl", "kubectl/v1.31.0 (linux/amd64)"), "ctl");
  });

  it("is else the User-Agent up to its first slash, without control characters", () => {
    assert.equal(managerName(undefined, "kubectl/v1.31.0 (linux/amd64)"), "kubectl");
    assert.equal(managerName(undefined, "a\tb\x7fc\u00e9\x00/x"), "abcé");
    assert.equal(managerName(undefined, "tab\tfirst"), "tabfirst");
    assert.equal(managerName(undefined, undefined), "");
  });
});
