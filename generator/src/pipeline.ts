import path from "node:path";
import type { Project } from "ts-morph";
import type { Diagnostic } from "./model/diagnostic.js";
import { checkModel } from "./check/index.js";
import { finishFile } from "./codegen/format.js";
import type { EmittedFile } from "./codegen/file.js";
import { emitters, type EmitContext } from "./emit/index.js";
import { loadConfig, outputNames, resolveConfig, type LoadedConfig, type ResolvedConfig } from "./config/index.js";
import { certificateSubject, type CertificateSubject, type ManifestCertificatesPem } from "./emit/manifests/view.js";
import type { ProtobufLockFile } from "./model/protobuf.js";
import type { ApiModel } from "./model/types.js";
import { readDefinitions } from "./read/index.js";
import { protobufStep } from "./read/protobuf-step.js";
import { loadTemplates } from "./templates.js";
import { GENERATOR_VERSION } from "./version.js";

export type { CertificateSubject, ManifestCertificatesPem };

export interface GenerateOptions {
  /** Folder holding `<group>/<version>/*.ts`. */
  definitionsDir: string;
  /** Root the diagnostics' file paths are relative to (default: the working directory). */
  projectRoot?: string;
  /**
   * The manifests' CA and serving certificate (`generate --certs`, `verify
   * --cert-dir`), asked for once the Service's names are known; the command
   * reads or makes them (commands/certificates.ts), so this pipeline writes
   * nothing. Absent, or undefined returned: the manifests carry placeholders
   * for cert-manager.
   */
  certificates?: (subject: CertificateSubject) => ManifestCertificatesPem | undefined;
  /** A ts-morph project to reuse across runs (watch mode); see ReadOptions.project. */
  project?: Project;
  /** The project's configuration as loaded (config/load.ts); absent: the one found from projectRoot upwards. */
  config?: LoadedConfig;
  /** Called as each step starts, for progress output. */
  onStep?: (step: string) => void;
}

export interface GenerateResult {
  model?: ApiModel;
  diagnostics: Diagnostic[];
  /** Finished files (headed and formatted), sorted by path; empty when there are diagnostics. */
  files: EmittedFile[];
  /** Milliseconds spent per step. */
  timings: Record<string, number>;
  /** The configuration with its defaults, once the groups are known. */
  config?: ResolvedConfig;
  /** `definitions/protobuf.lock.json` as this run numbered it; absent when reading failed. */
  protobufLock?: ProtobufLockFile;
}

/** The emit context for a resolved configuration. */
export function emitContext(config: ResolvedConfig): EmitContext {
  const names = outputNames(config);
  return { runtimeModule: "@skai-gen/runtime", clientModule: "@skai-gen/client", packageName: names.packageName, names, templates: loadTemplates(), generatorVersion: GENERATOR_VERSION };
}

/** read -> model -> check -> emit: everything but writing, so `generate`, `verify` and tests share it. */
export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const timings: Record<string, number> = {};
  const time = async <T>(step: string, fn: () => T | Promise<T>): Promise<T> => {
    opts.onStep?.(step);
    const start = performance.now();
    try {
      return await fn();
    } finally {
      timings[step] = Math.round(performance.now() - start);
    }
  };

  const projectRoot = path.resolve(opts.projectRoot ?? process.cwd());
  const read = await time("read", () => readDefinitions(path.resolve(opts.definitionsDir), { projectRoot, project: opts.project }));
  const protobuf = await time("protobuf", () => protobufStep(path.resolve(opts.definitionsDir), projectRoot, read.model));
  const config = resolveConfig(opts.config ?? loadConfig(projectRoot), read.model.groups.map((g) => g.name));
  // The checks run even when reading found problems: a run reports every mistake, not the first batch.
  const diagnostics = [...read.diagnostics, ...protobuf.diagnostics, ...(await time("check", () => checkModel(read.model, { projectRoot, serverMain: config.serverMain })))];
  if (diagnostics.length > 0) return { model: read.model, diagnostics, files: [], timings, config };

  const certificates = opts.certificates?.(certificateSubject(outputNames(config)));
  const ctx: EmitContext = { ...emitContext(config), ...(certificates ? { certificates } : {}) };
  const emitted = await time("emit", async () => {
    const perEmitter = await Promise.all(emitters.map((e) => e.emit(read.model, ctx)));
    return perEmitter.flat();
  });
  assertUniquePaths(emitted);
  const files = await time("format", () => Promise.all(emitted.map(finishFile)));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { model: read.model, diagnostics, files, timings, config, protobufLock: protobuf.lock };
}

function assertUniquePaths(files: EmittedFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    // Two emitters claiming one path is a bug in skai-gen, not a user mistake.
    if (seen.has(f.path)) throw new Error(`internal error: two emitters wrote ${f.path}`);
    seen.add(f.path);
  }
}
