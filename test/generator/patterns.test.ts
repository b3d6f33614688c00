/**
 * `@pattern` is matched with Go's RE2 syntax by kube-apiserver (kube-openapi
 * compiles it with regexp) and by the generated server (@bufbuild/re2), and
 * compiled with JavaScript's engine when skai-gen builds the validators: a
 * pattern must be valid in both, and the generator says so at the tag.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { patternProblem } from "../../generator/src/read/patterns.js";

describe("@pattern", () => {
  it("accepts the patterns both engines read alike", () => {
    for (const p of ["^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "^(s3|gs|https?)://", "^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$", "^\\p{L}+$", "^[A-Z]{3}-[0-9]{4}$"]) {
      assert.equal(patternProblem(p), undefined, p);
    }
  });

  it("rejects what RE2 rejects, with Go's message and a way out", () => {
    const lookahead = patternProblem("^(?!tmp)[a-z]{3}$");
    assert.equal(lookahead?.message, "@pattern is not valid RE2, the syntax kube-apiserver matches patterns with: error parsing regexp: invalid or unsupported Perl syntax: `(?!`");
    assert.match(lookahead!.hint, /@rule/);
    assert.match(patternProblem("(a)\\1")!.message, /invalid escape sequence: `\\1`/);
    assert.match(patternProblem("a{1001}")!.message, /invalid repeat count: `\{1001\}`/);
  });

  it("rejects RE2 syntax JavaScript cannot compile, which the validators are built with", () => {
    assert.match(patternProblem("(?i)^abc$")!.message, /^@pattern is not a valid regular expression: /);
    assert.match(patternProblem("^abc\\z")!.message, /^@pattern is not a valid regular expression: /);
  });

  it("names a plain typo with JavaScript's words", () => {
    assert.match(patternProblem("^[a-z+$")!.message, /^@pattern is not a valid regular expression: .*Unterminated character class/);
  });
});
