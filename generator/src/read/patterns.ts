/**
 * `@pattern` must compile where it runs: kube-apiserver (and the generated
 * server, runtime/src/validation/re2.ts) match patterns with Go's RE2 syntax,
 * which has no lookaround or backreferences, and skai-gen compiles the
 * validators with JavaScript's engine, which lacks some RE2 syntax (`\z`,
 * `(?i)`, `[[:alpha:]]`). @bufbuild/re2 is a port of Go's regexp/syntax, so
 * its messages are Go's.
 */
import { RE2JS } from "@bufbuild/re2";

export interface PatternProblem {
  message: string;
  hint: string;
}

/** Why a pattern cannot be used (JavaScript's complaint first: it names the common typos best), or undefined. */
export function patternProblem(pattern: string): PatternProblem | undefined {
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    const why = String((e as Error).message).replace(/^Invalid regular expression: /, "");
    return {
      message: `@pattern is not a valid regular expression: ${why}`,
      hint: "write the pattern as is (it is not quoted), in the syntax RE2 and JavaScript share",
    };
  }
  try {
    RE2JS.compile(pattern);
  } catch (e) {
    return {
      message: `@pattern is not valid RE2, the syntax kube-apiserver matches patterns with: ${(e as Error).message}`,
      hint: "RE2 has no lookahead, lookbehind or backreferences; say it with a @rule instead, e.g. @rule !self.startsWith('tmp')",
    };
  }
  return undefined;
}
