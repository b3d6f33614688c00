/** Printing compat findings: breaking ones as file:line:col errors with the source line, the rest as one line each. */
import { formatDiagnostic, SourceLines } from "../model/diagnostic.js";
import type { Finding, FindingLevel } from "./findings.js";

const HEADINGS: Record<Exclude<FindingLevel, "breaking">, string> = {
  acknowledged: "acknowledged breaking changes (@breakingChange)",
  allowed: "breaking changes allowed in alpha versions (compat.alphaMayBreak)",
  ratcheted: "tightened validation, ratcheted by the server",
  compatible: "compatible changes",
};

export function formatFindings(findings: readonly Finding[], projectRoot: string): string {
  const sources = new SourceLines(projectRoot);
  const out: string[] = [];
  for (const f of findings.filter((x) => x.level === "breaking")) {
    out.push(
      formatDiagnostic({
        file: f.at.file,
        line: f.at.line,
        column: f.at.column,
        code: f.rule,
        message: `${f.subject}: ${f.message} (${f.rule})`,
        snippet: sources.line(f.at.file, f.at.line),
        hint: f.hint,
      }),
      "",
    );
  }
  for (const level of Object.keys(HEADINGS) as (keyof typeof HEADINGS)[]) {
    const some = findings.filter((x) => x.level === level);
    if (some.length === 0) continue;
    out.push(`${HEADINGS[level]}:`);
    for (const f of some) out.push(`  ${f.at.file}:${f.at.line}:${f.at.column}: ${f.subject}: ${f.message} (${f.rule})${f.reason ? ` -- ${f.reason}` : ""}`);
    out.push("");
  }
  return out.join("\n");
}
