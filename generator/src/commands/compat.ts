import { existsSync } from "node:fs";
import path from "node:path";
import type { LoadedConfig } from "../config/index.js";
import { runCompat, summarize } from "../compat/index.js";
import { formatFindings } from "../compat/report.js";
import { guard, reportDiagnostics } from "./report.js";

export interface CompatCommandOptions {
  config: LoadedConfig;
  definitionsDir: string;
  /** A git ref or a generated package's folder; absent: the configuration's `compat.against`. */
  against?: string;
  alphaMayBreak?: boolean;
}

/** Exit 0 when no change breaks clients (compatible ones are listed), 1 when one does and is not acknowledged. */
export function compatCommand(opts: CompatCommandOptions): Promise<number> {
  return guard(async () => {
    const settings = opts.config.config.compat ?? {};
    // A folder on the command line is relative to where the command runs; in the configuration, to the project.
    const flag = opts.against !== undefined && existsSync(path.resolve(opts.against)) ? path.resolve(opts.against) : opts.against;
    const against = flag ?? settings.against;
    const shown = opts.against ?? against;
    if (!against) {
      process.stderr.write(`skai-gen compat: no baseline: pass --against <git ref> (e.g. origin/main) or a generated package's folder, or set "compat": { "against": ... } in the configuration\n`);
      return 1;
    }
    const result = await runCompat({
      definitionsDir: opts.definitionsDir,
      projectRoot: opts.config.projectRoot,
      against,
      alphaMayBreak: opts.alphaMayBreak ?? settings.alphaMayBreak ?? false,
    });
    if (result.diagnostics.length > 0) {
      reportDiagnostics(result.diagnostics);
      return 1;
    }
    const problems = result.baselineProblems.length;
    if (problems > 0)
      process.stderr.write(`skai-gen compat: note: this skai-gen finds ${problems} problem${problems === 1 ? "" : "s"} in the definitions at ${shown} (first: ${result.baselineProblems[0].file}:${result.baselineProblems[0].line}: ${result.baselineProblems[0].message}); compared as read\n`);
    const text = formatFindings(result.findings, opts.config.projectRoot);
    const breaking = result.findings.some((f) => f.level === "breaking");
    (breaking ? process.stderr : process.stdout).write(text);
    const defs = path.relative(process.cwd(), opts.definitionsDir) || ".";
    for (const a of result.unusedAcknowledgements)
      process.stderr.write(`${a.source.file}:${a.source.line}:${a.source.column}: note: @breakingChange ${a.rule} acknowledges nothing against ${shown}; remove it once the baseline has the change\n`);
    const line = `skai-gen compat: ${defs} against ${shown}: ${summarize(result.findings)}\n`;
    (breaking ? process.stderr : process.stdout).write(line);
    return breaking ? 1 : 0;
  });
}
