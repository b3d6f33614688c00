/** CEL syntax checking for `@rule`, with @bufbuild/cel's parser. */
import { parse } from "@bufbuild/cel";

export interface CelSyntaxError {
  message: string;
  /** 1-based line and column inside the expression. */
  line: number;
  column: number;
}

/** Undefined when the expression parses; `self` and `oldSelf` are ordinary identifiers to the parser. */
export function celSyntaxError(expr: string): CelSyntaxError | undefined {
  try {
    parse(expr);
    return undefined;
  } catch (e) {
    const err = e as { message?: string; location?: { start?: { line: number; column: number } } };
    const start = err.location?.start;
    // The parser prefixes `<input>:l:c: `; our diagnostic carries its own position.
    const message = String(err.message ?? e).replace(/^<input>:\d+:\d+:\s*/, "");
    return { message, line: start?.line ?? 1, column: start?.column ?? 1 };
  }
}
