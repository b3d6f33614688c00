/**
 * The generated package's build under `skai-gen dev`, kept warm between
 * changes.
 *
 * TypeScript's watch-program API with the package's own tsconfig, minus its
 * timers and file watches: after each generate, update() stats the files and
 * folders the compiler depends on, tells it which changed, and rebuilds at
 * once. Only changed files are parsed again and only the files they affect are
 * checked and emitted, so a one-field change costs about a second instead of
 * a cold `tsc`.
 */
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { ts as TypeScript } from "ts-morph";

type TS = typeof TypeScript;

export interface BuildResult {
  /** `file:line:col: error TS1234: message`, relative to the working directory. */
  errors: string[];
  ms: number;
}

export interface IncrementalBuild {
  /** Builds what changed on disk since the last build. */
  update(): BuildResult;
  close(): void;
}

/** Starts the build of the package in `packageDir` (its tsconfig.json) and builds it once. */
export async function startIncrementalBuild(packageDir: string): Promise<{ build: IncrementalBuild; first: BuildResult }> {
  const ts = await loadTypeScript(packageDir);
  const started = performance.now();
  const files = new Map<string, WatchedFile>();
  const folders = new Set<WatchedFolder>();
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  let diagnostics: TypeScript.Diagnostic[] = [];

  // Nothing in this system acts by itself: the watches record what to look at, timers wait for update().
  const system: TypeScript.System = {
    ...ts.sys,
    watchFile(file, callback) {
      let watched = files.get(file);
      if (!watched) files.set(file, (watched = { mtimeMs: mtimeOf(file), callbacks: new Set() }));
      const w = watched;
      w.callbacks.add(callback);
      return { close: () => void w.callbacks.delete(callback) };
    },
    watchDirectory(dir, callback, recursive) {
      // Only the package's own folders change under dev; installed packages and type roots are left alone.
      if (!isInside(packageDir, dir) || dir.split(/[\\/]/).includes("node_modules")) return { close() {} };
      const folder: WatchedFolder = { dir, recursive: !!recursive, callback, entries: listing(dir, !!recursive) };
      folders.add(folder);
      return { close: () => void folders.delete(folder) };
    },
    setTimeout(callback, _ms, ...args) {
      const id = nextTimer++;
      timers.set(id, () => callback(...args));
      return id;
    },
    clearTimeout(id) {
      timers.delete(id as number);
    },
  };
  const host = ts.createWatchCompilerHost(
    path.join(packageDir, "tsconfig.json"),
    // A change re-checks the files importing the changed one, not their importers in turn: half
    // the time of a one-field change. Emit is unaffected; the full check is `npm run build`'s.
    { assumeChangesOnlyAffectDirectDependencies: true },
    system,
    ts.createEmitAndSemanticDiagnosticsBuilderProgram,
    (d) => diagnostics.push(d),
    () => {},
  );
  // The first program is built and emitted right here (from the last build's .tsbuildinfo when there is one).
  const program = ts.createWatchProgram(host);
  const result = (since: number): BuildResult => {
    const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => formatError(ts, d));
    diagnostics = [];
    return { errors, ms: Math.round(performance.now() - since) };
  };
  const first = result(started);

  const build: IncrementalBuild = {
    update() {
      const since = performance.now();
      for (const [file, watched] of files) {
        const now = mtimeOf(file);
        if (now === watched.mtimeMs) continue;
        const kind = now === undefined ? ts.FileWatcherEventKind.Deleted : watched.mtimeMs === undefined ? ts.FileWatcherEventKind.Created : ts.FileWatcherEventKind.Changed;
        watched.mtimeMs = now;
        for (const callback of [...watched.callbacks]) callback(file, kind, new Date(now ?? 0));
      }
      for (const folder of [...folders]) {
        const now = listing(folder.dir, folder.recursive);
        for (const entry of now) if (!folder.entries.has(entry)) folder.callback(entry);
        for (const entry of folder.entries) if (!now.has(entry)) folder.callback(entry);
        folder.entries = now;
      }
      // What the callbacks scheduled (reload the file list, rebuild) runs now, in order.
      while (timers.size > 0) {
        const [id, run] = timers.entries().next().value as [number, () => void];
        timers.delete(id);
        run();
      }
      program.getProgram();
      return result(since);
    },
    close() {
      program.close();
    },
  };
  return { build, first };
}

interface WatchedFile {
  mtimeMs: number | undefined;
  callbacks: Set<TypeScript.FileWatcherCallback>;
}

interface WatchedFolder {
  dir: string;
  recursive: boolean;
  callback: TypeScript.DirectoryWatcherCallback;
  entries: Set<string>;
}

/**
 * The package's own TypeScript (its devDependency, what its `npm run build`
 * uses), else the one ts-morph carries.
 */
async function loadTypeScript(packageDir: string): Promise<TS> {
  try {
    return createRequire(path.join(packageDir, "package.json"))("typescript") as TS;
  } catch {
    return (await import("ts-morph")).ts;
  }
}

function formatError(ts: TS, d: TypeScript.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${text}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const file = path.relative(process.cwd(), d.file.fileName) || d.file.fileName;
  return `${file}:${line + 1}:${character + 1}: error TS${d.code}: ${text}`;
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Paths under `dir` (all levels when recursive), without node_modules, outputs and dot-folders. */
function listing(dir: string, recursive: boolean, into = new Set<string>()): Set<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return into;
  }
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "dist") continue;
    const p = path.join(dir, e.name);
    into.add(p);
    if (recursive && e.isDirectory()) listing(p, true, into);
  }
  return into;
}

function isInside(parent: string, p: string): boolean {
  const rel = path.relative(parent, p);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}
