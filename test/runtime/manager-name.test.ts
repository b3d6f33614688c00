import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { managerName } from "../../runtime/src/registry/managedfields.js";

// kube's prefixFromUserAgent (endpoints/handlers/create.go): the User-Agent up to its first "/",
// unprintable characters dropped, at most FieldManagerMaxLength (128) bytes.
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

  it("drops every character Go's unicode.IsPrint refuses, not only control characters", () => {
    // U+00A0 (no-break space) and U+200B (zero-width space) are not printable; the ASCII space is.
    assert.equal(managerName(undefined, "my\u00a0ctl\u200b x/1.0"), "myctl x");
  });

  it("is cut to apimachinery's FieldManagerMaxLength, 128 bytes, before a character that would pass it", () => {
    assert.equal(managerName(undefined, "a".repeat(200) + "/1.0"), "a".repeat(128));
    // 127 ASCII bytes and a 2-byte é: the é would make 129, so it is left out.
    assert.equal(managerName(undefined, "b".repeat(127) + "\u00e9c"), "b".repeat(127));
    assert.equal(Buffer.byteLength(managerName(undefined, "\u00e9".repeat(100))), 128);
  });
});
