import type { Diagnostic } from "../model/diagnostic.js";
import { formatDiagnostic } from "../model/diagnostic.js";
import { UserError } from "../user-error.js";

/** Prints every diagnostic of a run, then a count; the caller exits 1. */
export function reportDiagnostics(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(formatDiagnostic(d) + "\n\n");
  const n = diagnostics.length;
  process.stderr.write(`skai-gen: ${n} error${n === 1 ? "" : "s"} in definitions; nothing was written.\n`);
}

/**
 * Runs a command body and turns an unexpected exception into one readable line.
 * User mistakes arrive as diagnostics; anything thrown is a skai-gen bug, and
 * the stack is shown only with SKAI_GEN_DEBUG=1.
 */
export async function guard(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`skai-gen: ${err.message}\n`);
      return 1;
    }
    const e = err as Error;
    process.stderr.write(`skai-gen: ${e.message}\n`);
    if (process.env.SKAI_GEN_DEBUG) process.stderr.write(`${e.stack}\n`);
    else process.stderr.write("(set SKAI_GEN_DEBUG=1 to see where it happened)\n");
    return 2;
  }
}
