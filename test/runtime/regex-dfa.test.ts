/**
 * The pattern automaton against @bufbuild/re2 (a port of Go's regexp, what a CRD's
 * `pattern` means): same answer for every pattern it builds, on strings made from the
 * pattern's own characters and a few that no class names (newline, non-ASCII, an
 * astral character), and no automaton for the syntax it leaves to RE2.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RE2JS } from "@bufbuild/re2";
import { compileRegexDfa } from "../../runtime/src/validation/regex-dfa.js";
import { re2 } from "../../runtime/src/validation/re2.js";

const PATTERNS = [
  // what Kubernetes and the SKAI definitions use
  "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
  "^[A-Za-z_][A-Za-z0-9_]*$",
  "^/",
  "^(s3|gs|https?|pvc|hf)://",
  "^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$",
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$",
  "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){0,}/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
  "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
  // unanchored, partly anchored, classes and escapes
  "ab",
  "a$",
  "^$",
  "",
  "x*",
  "(a|ab)(c|bcd)(d*)",
  "[^a-c]+z",
  "[]a]",
  "[^]a]",
  "[a-]",
  "[-a]",
  "\\d\\s\\w",
  "[\\D\\s]x",
  "^.$",
  "^\\.\\*\\\\$",
  "^[\\x41-\\x{43}]{2,3}$",
  "^a{2}b{1,}c{0,2}$",
  "^(?:ab)+?c??$",
  "é+",
  "^😀.$",
  "\\t\\n\\r\\f\\v\\a",
];

const UNSUPPORTED = ["(?i)abc", "a|b$", "[[:alpha:]]", "\\pL", "\\bword", "^a|^b", "a^b", "(?P<n>a)", "\\Qa.b\\E", "\\141", "a{1001}", "(a|b)*a(a|b){12}"];

/** A deterministic pseudo-random generator, so a failure names its case. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function alphabetOf(pattern: string): string[] {
  const own = [...new Set([...pattern.replace(/[\\^$()[\]{}|?*+]/g, "")])];
  return [...own, "a", "z", "0", "9", "-", ".", "_", "\n", " ", "é", "Z", "😀", "\ud800"];
}

describe("pattern automaton", () => {
  for (const pattern of PATTERNS) {
    it(`answers as RE2 for ${JSON.stringify(pattern)}`, () => {
      const dfa = compileRegexDfa(pattern);
      assert.ok(dfa, "no automaton built");
      const reference = RE2JS.compile(pattern);
      const next = random(pattern.length * 7919 + 1);
      const letters = alphabetOf(pattern);
      const samples = ["", "0", "a", "1.5Gi", "-1e3", "my-name", "x.y/z_1", "v1.2.3-rc.1", "s3://b", "/p", "a\n", "😀x"];
      for (let i = 0; i < 3000; i++) {
        const length = Math.floor(next() * 12);
        let s = "";
        for (let j = 0; j < length; j++) s += letters[Math.floor(next() * letters.length)];
        samples.push(s);
      }
      for (const s of samples) assert.equal(dfa.test(s), reference.test(s), `pattern ${JSON.stringify(pattern)} on ${JSON.stringify(s)}`);
    });
  }

  it("leaves flags, POSIX and Unicode classes, assertions, named groups and large automata to RE2", () => {
    for (const pattern of UNSUPPORTED) assert.equal(compileRegexDfa(pattern), undefined, pattern);
  });

  it("validators get the automaton where it applies and RE2 elsewhere, with the same answers", () => {
    assert.equal(re2("^[a-z]+$").test("abc"), true);
    assert.equal(re2("^[a-z]+$").test("ab1"), false);
    assert.equal(re2("(?i)^abc$").test("ABC"), true);
  });
});
