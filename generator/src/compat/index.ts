/**
 * `skai-gen compat` without the CLI: read the definitions now and at the
 * baseline, compare them. Used by the compat command and by generate's
 * one-line summary.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../model/diagnostic.js";
import type { ApiModel, BreakingChangeAck } from "../model/types.js";
import { readDefinitions } from "../read/index.js";
import { fileStart } from "../read/layout.js";
import { protobufStep } from "../read/protobuf-step.js";
import { UserError } from "../user-error.js";
import { readBaselineAtRef } from "./baseline.js";
import { isGeneratedPackage, projectLikePackage, readBaselinePackage } from "./package-baseline.js";
import { compareApis } from "./compare.js";
import { unusedAcknowledgements, type Finding } from "./findings.js";

export { compareApis, type CompareOptions } from "./compare.js";
export type { Finding, FindingLevel } from "./findings.js";

export interface CompatOptions {
  definitionsDir: string;
  projectRoot: string;
  /** A git ref, or the folder of a previously generated package (relative to the project root). */
  against: string;
  alphaMayBreak: boolean;
  /** The definitions as already read (and protobuf-numbered) by the caller, e.g. generate; absent: read here. */
  now?: ApiModel;
}

export interface CompatResult {
  findings: Finding[];
  /** Problems reading the definitions now: no comparison is made then. */
  diagnostics: Diagnostic[];
  /** `@breakingChange` tags that acknowledge nothing against this baseline. */
  unusedAcknowledgements: BreakingChangeAck[];
  /**
   * Problems today's reader finds in the baseline (rules added since): the
   * baseline is still compared, as far as it could be read.
   */
  baselineProblems: Diagnostic[];
}

export async function runCompat(opts: CompatOptions): Promise<CompatResult> {
  const definitionsDir = path.resolve(opts.definitionsDir);
  const folder = path.resolve(opts.projectRoot, opts.against);
  const fromPackage = existsSync(folder) && statSync(folder).isDirectory();
  if (fromPackage && !isGeneratedPackage(folder))
    throw new UserError(`--against ${opts.against} is a folder without a generated package (no openapi/v3/apis): pass a git ref or a generated package's folder`);
  const baseline = fromPackage
    ? { model: readBaselinePackage(folder, opts.projectRoot), diagnostics: [] }
    : await readBaselineAtRef(opts.against, definitionsDir, opts.projectRoot);
  const now = opts.now ? { model: opts.now, diagnostics: [] } : await readDefinitions(definitionsDir, { projectRoot: opts.projectRoot });
  const numbered = opts.now ? { diagnostics: [] } : protobufStep(definitionsDir, opts.projectRoot, now.model);
  const diagnostics = [...now.diagnostics, ...numbered.diagnostics];
  const baselineProblems = baseline.diagnostics;
  if (diagnostics.length > 0) return { findings: [], diagnostics, baselineProblems, unusedAcknowledgements: [] };
  if (baseline.model.groups.length === 0 && baselineProblems.length > 0) return { findings: [], diagnostics: baselineProblems, baselineProblems, unusedAcknowledgements: [] };
  // A package describes less than definitions do: compare like for like.
  const current = fromPackage ? projectLikePackage(now.model) : now.model;
  const findings = compareApis(baseline.model, current, { kubernetesTypesByName: fromPackage, alphaMayBreak: opts.alphaMayBreak, root: fileStart(opts.projectRoot, definitionsDir) });
  return { findings, diagnostics: [], baselineProblems, unusedAcknowledgements: unusedAcknowledgements(now.model, findings) };
}

/** `2 breaking, 1 acknowledged, 4 compatible`: the counts that are not zero. */
export function summarize(findings: readonly Finding[]): string {
  const order = ["breaking", "acknowledged", "allowed", "ratcheted", "compatible"] as const;
  const label = { breaking: "breaking", acknowledged: "acknowledged", allowed: "allowed in alpha", ratcheted: "ratcheted", compatible: "compatible" };
  const parts = order.map((l) => [l, findings.filter((f) => f.level === l).length] as const).filter(([, n]) => n > 0);
  if (parts.length === 0) return "no API changes";
  return parts.map(([l, n]) => `${n} ${label[l]}`).join(", ");
}

/**
 * generate's one line when the configuration names a baseline. It never fails
 * generate: a baseline that cannot be read is said in the line.
 */
export async function compatSummary(opts: CompatOptions): Promise<string> {
  try {
    const r = await runCompat(opts);
    if (r.diagnostics.length > 0) return `skai-gen compat: the definitions at ${opts.against} do not read; run skai-gen compat for details\n`;
    const breaking = r.findings.some((f) => f.level === "breaking");
    return `skai-gen compat: against ${opts.against}: ${summarize(r.findings)}${breaking ? " (run skai-gen compat for details)" : ""}\n`;
  } catch (err) {
    return `skai-gen compat: not compared with ${opts.against}: ${(err as Error).message}\n`;
  }
}
