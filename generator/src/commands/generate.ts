import { existsSync } from "node:fs";
import path from "node:path";
import type { Project } from "ts-morph";
import type { LoadedConfig } from "../config/index.js";
import { compatSummary } from "../compat/index.js";
import { generate } from "../pipeline.js";
import { createProject } from "../read/index.js";
import { writeTree } from "../write/writer.js";
import { writeLock } from "../write/lock.js";
import { describeChanges, isSourceFile, watchTree } from "../watch/index.js";
import { ensureManifestCertificates } from "./certificates.js";
import { guard, reportDiagnostics } from "./report.js";

export interface GenerateCommandOptions {
  config: LoadedConfig;
  definitionsDir: string;
  outDir: string;
  watch: boolean;
  verbose: boolean;
  /** `--certs`: the manifests' certificates, made in this folder when missing. */
  certDir?: string;
}

export function generateCommand(opts: GenerateCommandOptions): Promise<number> {
  return guard(async () => {
    if (!existsSync(opts.definitionsDir)) {
      process.stderr.write(`skai-gen: no definitions folder at ${rel(opts.definitionsDir)} (pass --definitions <dir>)\n`);
      return 1;
    }
    if (!opts.watch) return runOnce(opts, false);
    await watchAndRegenerate(opts);
    return 0;
  });
}

async function runOnce(opts: GenerateCommandOptions, quiet: boolean, project?: Project): Promise<number> {
  const started = performance.now();
  const { certDir } = opts;
  const result = await generate({
    definitionsDir: opts.definitionsDir,
    projectRoot: opts.config.projectRoot,
    config: opts.config,
    project,
    certificates: certDir ? (subject) => ensureManifestCertificates(certDir, subject) : undefined,
    onStep: (step) => {
      if (!quiet && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${step}...`);
    },
  });
  if (!quiet && process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  if (result.diagnostics.length > 0) {
    reportDiagnostics(result.diagnostics);
    return 1;
  }
  const diff = await writeTree(opts.outDir, result.files);
  if (result.protobufLock && (await writeLock(result.protobufLock))) process.stdout.write(`skai-gen: updated ${rel(result.protobufLock.path)}\n`);
  const ms = Math.round(performance.now() - started);
  const touched = diff.added.length + diff.changed.length + diff.removed.length;
  const kinds = result.model!.groups.flatMap((g) => g.versions.flatMap((v) => v.kinds)).length;
  process.stdout.write(
    `skai-gen: ${kinds} kinds, ${result.files.length} files in ${rel(opts.outDir)} ` +
      `(${touched === 0 ? "no changes" : `${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed`}) in ${ms} ms\n`,
  );
  if (opts.verbose || opts.watch) {
    for (const p of diff.added) process.stdout.write(`  + ${p}\n`);
    for (const p of diff.changed) process.stdout.write(`  ~ ${p}\n`);
    for (const p of diff.removed) process.stdout.write(`  - ${p}\n`);
  }
  const against = opts.config.config.compat?.against;
  if (against && !quiet) {
    const alphaMayBreak = opts.config.config.compat?.alphaMayBreak ?? false;
    process.stdout.write(await compatSummary({ definitionsDir: opts.definitionsDir, projectRoot: opts.config.projectRoot, against, alphaMayBreak, now: result.model }));
  }
  if (opts.verbose) {
    const steps = Object.entries(result.timings).map(([s, t]) => `${s} ${t} ms`);
    process.stdout.write(`  steps: ${steps.join(", ")}\n`);
  }
  return 0;
}

/**
 * Generates, then regenerates on every change under the definitions folder until interrupted.
 * The watch is armed before the first run reads anything, so a save made while it runs (or
 * right after `watching` is printed) is regenerated after it, never lost.
 */
async function watchAndRegenerate(opts: GenerateCommandOptions): Promise<void> {
  // One project lives for the whole session: only changed files are parsed again.
  const project = createProject();
  let firstRun: Promise<number> = Promise.resolve(0);
  let closed = false;
  const watcher = watchTree([opts.definitionsDir], {
    include: isSourceFile,
    skipDir: (dir) => path.basename(dir) === "node_modules",
    // Reported after a debounce, so the first run has started by then: a change waits for it to end.
    onChange: async (changes) => {
      await firstRun.catch(() => undefined);
      if (closed) return;
      process.stdout.write(`skai-gen: ${describeChanges(changes, process.cwd())}\n`);
      await runOnce(opts, true, project);
    },
    onError: (err) => process.stderr.write(`skai-gen: ${(err as Error).message}\n`),
  });
  const close = () => {
    closed = true;
    watcher.close();
  };
  process.stdout.write(`skai-gen: watching ${rel(opts.definitionsDir)} for changes (Ctrl-C to stop)\n`);
  firstRun = runOnce(opts, false, project);
  try {
    await firstRun;
  } catch (err) {
    // The first run failed for a reason other than the definitions (an output folder it does not own): nothing to watch for.
    close();
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      close();
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

function rel(p: string): string {
  return path.relative(process.cwd(), p) || ".";
}
