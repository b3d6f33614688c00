import path from "node:path";
import type { LoadedConfig } from "../config/index.js";
import { generate } from "../pipeline.js";
import { diffTree } from "../write/writer.js";
import { lockIsCurrent } from "../write/lock.js";
import { readManifestCertificates } from "./certificates.js";
import { guard, reportDiagnostics } from "./report.js";

export function verifyCommand(opts: {
  config: LoadedConfig;
  definitionsDir: string;
  outDir: string;
  /** `--cert-dir`: compare with manifests carrying the certificates in this folder (only read). */
  certDir?: string;
}): Promise<number> {
  return guard(async () => {
    const certDir = opts.certDir;
    const certificates = certDir ? () => readManifestCertificates(certDir) : undefined;
    const result = await generate({ definitionsDir: opts.definitionsDir, projectRoot: opts.config.projectRoot, config: opts.config, certificates });
    if (result.diagnostics.length > 0) {
      reportDiagnostics(result.diagnostics);
      return 1;
    }
    const diff = await diffTree(opts.outDir, result.files);
    const out = path.relative(process.cwd(), opts.outDir) || ".";
    const lock = result.protobufLock;
    const stale = [
      ...(lock && !(await lockIsCurrent(lock)) ? [`  stale:   ${path.relative(process.cwd(), lock.path)} (protobuf field numbers)`] : []),
      ...diff.added.map((p) => `  missing: ${out}/${p}`),
      ...diff.changed.map((p) => `  stale:   ${out}/${p}`),
      ...diff.removed.map((p) => `  extra:   ${out}/${p}`),
    ];
    if (stale.length === 0) {
      process.stdout.write(`skai-gen verify: ${out} is up to date (${result.files.length} files)\n`);
      return 0;
    }
    process.stderr.write(`skai-gen verify: ${out} differs from the definitions:\n${stale.join("\n")}\nrun \`skai-gen generate\` and commit the result.\n`);
    return 1;
  });
}
