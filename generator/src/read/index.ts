/**
 * The READ step: `definitions/<group>/<version>/*.ts` -> ApiModel, plus the
 * diagnostics found while reading (unsupported types, unknown or bad tags,
 * invalid CEL). Model-level checks live in ../check.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Node, Project } from "ts-morph";
import { DiagnosticBag, type Diagnostic } from "../model/diagnostic.js";
import type { ApiModel, GroupModel, KindModel, ObjectType, VersionModel } from "../model/types.js";
import { reportExtensionFiles } from "./extensions.js";
import { readKind, resourceClause } from "./kind.js";
import { fileStart, scanLayout, type GroupDir, type VersionDir } from "./layout.js";
import { locationOf, relativeFile } from "./location.js";
import { compareVersions } from "../model/naming.js";
import { Places } from "./places.js";
import { createProject } from "./project.js";
import { findPreludes, reportSyntaxErrors } from "./sources.js";
import { TypeReader } from "./type-reader.js";
import { readVersionTags } from "./version.js";

export interface ReadOptions {
  /** Root that source locations are relative to (default: the parent of definitionsDir). */
  projectRoot?: string;
  /**
   * A project kept from an earlier read (watch mode): its files are refreshed
   * from disk, so the large kubernetes-types declarations are parsed once.
   */
  project?: Project;
}

export interface ReadResult {
  model: ApiModel;
  diagnostics: Diagnostic[];
}

interface Context {
  projectRoot: string;
  diags: DiagnosticBag;
  reader: TypeReader;
  places: Places;
}

export async function readDefinitions(definitionsDir: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const defsDir = resolve(definitionsDir);
  const projectRoot = resolve(opts.projectRoot ?? dirname(defsDir));
  const diags = new DiagnosticBag(projectRoot);
  const empty: ApiModel = { groups: [], types: {} };
  if (!existsSync(defsDir)) {
    diags.report(fileStart(projectRoot, defsDir), "no-definitions", `definitions folder ${relativeFile(projectRoot, defsDir)} does not exist`, "create definitions/<group>/<version>/<kind>.ts");
    return { model: empty, diagnostics: diags.list() };
  }
  try {
    const project = opts.project ?? createProject();
    if (opts.project) refreshFromDisk(project);
    const layout = scanLayout(defsDir, project, projectRoot, diags);
    const files = layout.flatMap((g) => g.versions.flatMap((v) => v.files));
    reportSyntaxErrors(project, files, projectRoot, diags);
    const places = new Places(defsDir);
    findPreludes(files, places, projectRoot, diags);
    const ctx: Context = { projectRoot, diags, reader: new TypeReader(projectRoot, places, diags), places };
    const groups = layout.map((g) => readGroup(g, ctx));
    reportExtensionFiles(defsDir, layout, projectRoot, diags);
    const types: Record<string, ObjectType> = {};
    for (const id of Object.keys(ctx.reader.types).sort()) types[id] = ctx.reader.types[id];
    return { model: { groups, types }, diagnostics: diags.list() };
  } catch (e) {
    // Never a stack trace: an unexpected failure is one more diagnostic.
    diags.report(fileStart(projectRoot, defsDir), "internal-error", `skai-gen failed while reading definitions: ${(e as Error)?.message ?? String(e)}`, "this is a bug in skai-gen; please report it");
    return { model: empty, diagnostics: diags.list() };
  }
}

function readGroup(g: GroupDir, ctx: Context): GroupModel {
  const explicitStorage = new Set<VersionModel>();
  const versions = g.versions.map((v) => {
    const { version, explicit } = readVersion(g.group, v, ctx);
    if (explicit) explicitStorage.add(version);
    return version;
  });
  versions.sort((a, b) => compareVersions(a.name, b.name));
  // A lone version is the storage version unless its index.ts says otherwise.
  if (versions.length === 1 && !explicitStorage.has(versions[0])) versions[0].storage = true;
  return { name: g.group, versions };
}

function readVersion(group: string, v: VersionDir, ctx: Context): { version: VersionModel; explicit: boolean } {
  const { projectRoot, diags, reader, places } = ctx;
  const index = v.files.find((f) => f.getBaseName() === "index.ts");
  // Without an index.ts, version diagnostics point at the folder's first file.
  const fallback = fileStart(projectRoot, v.files[0]?.getFilePath() ?? v.dir);
  const tags = readVersionTags(index, fallback, projectRoot, diags);
  const candidates = v.files
    .flatMap((sf) => sf.getInterfaces())
    .map((decl) => ({ decl, clause: guarded(ctx, decl, () => resourceClause(decl, reader, places)) }))
    .filter((c) => c.clause !== undefined)
    .sort((a, b) => (a.decl.getName() < b.decl.getName() ? -1 : a.decl.getName() > b.decl.getName() ? 1 : 0));
  const kinds: KindModel[] = [];
  for (const { decl, clause } of candidates) {
    const kind = guarded(ctx, decl, () => readKind(decl, clause!, { group, version: v.name, projectRoot, diags, reader }));
    if (!kind) continue;
    const twin = kinds.find((k) => k.name === kind.name);
    if (twin) {
      diags.report(kind.source, "duplicate-kind", `kind ${kind.name} is declared twice in ${group}/${v.name} (also at ${twin.source.file}:${twin.source.line})`, "remove or rename one of them");
      continue;
    }
    kinds.push(kind);
  }
  const version: VersionModel = {
    name: v.name,
    served: tags.served,
    storage: tags.storage ?? false,
    ...(tags.deprecated !== undefined ? { deprecated: tags.deprecated } : {}),
    description: tags.description,
    kinds,
    ...(tags.breakingChanges ? { breakingChanges: tags.breakingChanges } : {}),
    source: tags.source,
  };
  return { version, explicit: tags.storage !== undefined };
}

/** A bug in the reader surfaces as a diagnostic at the declaration it was reading. */
function guarded<T>(ctx: Context, at: Node, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    ctx.diags.report(locationOf(ctx.projectRoot, at), "internal-error", `skai-gen failed while reading this declaration: ${(e as Error)?.message ?? String(e)}`, "this is a bug in skai-gen; please report it with this definition");
    return undefined;
  }
}

/** Brings a reused project's source files up to date with the disk; deleted files drop out. */
function refreshFromDisk(project: Project): void {
  for (const file of project.getSourceFiles()) {
    if (file.isInNodeModules()) continue;
    if (!existsSync(file.getFilePath())) project.removeSourceFile(file);
    else file.refreshFromFileSystemSync();
  }
}

export { createProject } from "./project.js";
