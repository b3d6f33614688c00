/**
 * The regular-expression engine generated validators use for `pattern`:
 * RE2, as kube-openapi matches patterns with Go's regexp (an unanchored
 * search), so a pattern means the same here as in a CRD. Ajv's standalone
 * code calls `re2(pattern, flags)` once per pattern at module load.
 * @bufbuild/re2 comes with @bufbuild/cel (same version). A pattern in the
 * syntax regex-dfa.ts covers (nearly every pattern in practice) is tested by
 * its automaton, with RE2's answers at a fraction of the cost; RE2 tests the
 * rest. A pattern RE2 cannot compile falls back to JavaScript's engine rather
 * than failing every request.
 */
import { RE2JS } from "@bufbuild/re2";
import { compileRegexDfa } from "./regex-dfa.js";

export interface RegExpLike {
  test(s: string): boolean;
}

const cache = new Map<string, RegExpLike>();

export function re2(pattern: string, flags = "u"): RegExpLike {
  let r = cache.get(pattern);
  if (!r) {
    r = compile(pattern, flags);
    cache.set(pattern, r);
  }
  return r;
}

function compile(pattern: string, flags: string): RegExpLike {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch {
    return new RegExp(pattern, flags);
  }
  return compileRegexDfa(pattern) ?? { test: (s: string) => compiled.test(s) };
}
