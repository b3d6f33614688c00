/**
 * The READ step: `definitions/<group>/<version>/*.ts` -> ApiModel, plus the
 * diagnostics found while reading (unsupported types, unknown or bad tags,
 * invalid CEL). Model-level checks live in ../check.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Node, SourceFile } from "ts-morph";
import { DiagnosticBag, type Diagnostic } from "../check/diagnostic.js";
import type { ApiModel, GroupModel, KindModel, ObjectType, VersionModel } from "../model/types.js";
import { readKind, resourceClause } from "./kind.js";
import { locationOf, relativeFile } from "./location.js";
import { compareVersions } from "./naming.js";
import { Places } from "./places.js";
import { createProject } from "./project.js";
import { TypeReader } from "./type-reader.js";
import { readVersionTags } from "./version.js";

export interface ReadOptions {
  /** Root that source locations are relative to (default: the parent of definitionsDir). */
  projectRoot?: string;
}

export interface ReadResult {
  model: ApiModel;
  diagnostics: Diagnostic[];
}

/** Files of a version folder that hold definitions (conversion.ts holds user functions, not types). */
function isDefinitionFile(name: string): boolean {
  return name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts") && name !== "conversion.ts";
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith(".") && statSync(join(dir, n)).isDirectory())
    .sort();
}

const GROUP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const VERSION_NAME = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;

export async function readDefinitions(definitionsDir: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const defsDir = resolve(definitionsDir);
  const projectRoot = resolve(opts.projectRoot ?? dirname(defsDir));
  const diags = new DiagnosticBag(projectRoot);
  const dirLocation = (dir: string) => ({ file: relativeFile(projectRoot, dir), line: 1, column: 1 });

  if (!existsSync(defsDir)) {
    diags.report(dirLocation(defsDir), "no-definitions", `definitions folder ${relativeFile(projectRoot, defsDir)} does not exist`, "create definitions/<group>/<version>/<kind>.ts");
    return { model: { groups: [], types: {} }, diagnostics: diags.list() };
  }

  const project = createProject();
  const layout: { group: string; versions: { name: string; dir: string; files: SourceFile[] }[] }[] = [];
  for (const group of subdirs(defsDir)) {
    if (!GROUP_NAME.test(group))
      diags.report(dirLocation(join(defsDir, group)), "bad-group-name", `API group ${group} is not a DNS subdomain with a dot`, "name the folder like skai.io or ml.example.com");
    const versions = [];
    for (const version of subdirs(join(defsDir, group))) {
      const dir = join(defsDir, group, version);
      if (!VERSION_NAME.test(version))
        diags.report(dirLocation(dir), "bad-version-name", `version ${version} is not a Kubernetes version name`, "name the folder like v1, v1beta1 or v1alpha1");
      const files = readdirSync(dir)
        .filter(isDefinitionFile)
        .sort()
        .map((f) => project.addSourceFileAtPath(join(dir, f)));
      versions.push({ name: version, dir, files });
    }
    layout.push({ group, versions });
  }

  // Parse errors only (cheap); a full type check of the program would be slow.
  const program = project.getProgram().compilerObject;
  for (const g of layout)
    for (const v of g.versions)
      for (const sf of v.files)
        for (const d of program.getSyntacticDiagnostics(sf.compilerNode)) {
          const { line, character } = sf.compilerNode.getLineAndCharacterOfPosition(d.start ?? 0);
          const text = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
          diags.report({ file: relativeFile(projectRoot, sf.getFilePath()), line: line + 1, column: character + 1 }, "syntax-error", text, "fix the TypeScript syntax");
        }

  const places = new Places(defsDir);
  for (const g of layout)
    for (const v of g.versions)
      for (const sf of v.files)
        for (const imp of sf.getImportDeclarations())
          if (imp.getModuleSpecifierValue() === "skai-gen/definitions") {
            const target = imp.getModuleSpecifierSourceFile();
            if (target) places.addPrelude(target.getFilePath());
            else
              diags.report(
                { file: relativeFile(projectRoot, sf.getFilePath()), ...sf.getLineAndColumnAtPos(imp.getModuleSpecifier().getStart()) },
                "unresolved-import",
                "cannot resolve skai-gen/definitions",
                "install skai-gen in the project so that node_modules/skai-gen/definitions.d.ts exists",
              );
          }

  const reader = new TypeReader(projectRoot, places, diags);
  // A bug in the reader must surface as a diagnostic at the kind it was reading, never as a stack trace.
  const guarded = <T>(at: Node, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      diags.report(locationOf(projectRoot, at), "internal-error", `skai-gen failed while reading this kind: ${(e as Error)?.message ?? String(e)}`, "this is a bug in skai-gen; please report it with this definition");
      return undefined;
    }
  };
  const groups: GroupModel[] = [];
  for (const g of layout) {
    const versions: VersionModel[] = [];
    const explicitStorage = new Set<VersionModel>();
    for (const v of g.versions) {
      const index = v.files.find((f) => f.getBaseName() === "index.ts");
      // Without an index.ts, version diagnostics point at the folder's first file.
      const fallback = v.files[0] ? { ...dirLocation(v.files[0].getFilePath()) } : dirLocation(v.dir);
      const tags = readVersionTags(index, fallback, projectRoot, diags);
      const candidates = v.files
        .flatMap((sf) => sf.getInterfaces())
        .map((decl) => ({ decl, clause: resourceClause(decl, reader, places) }))
        .filter((c) => c.clause !== undefined)
        .sort((a, b) => (a.decl.getName() < b.decl.getName() ? -1 : a.decl.getName() > b.decl.getName() ? 1 : 0));
      const kinds: KindModel[] = [];
      for (const { decl, clause } of candidates) {
        const kind = guarded(decl, () => readKind(decl, clause!, { group: g.group, version: v.name, projectRoot, diags, reader }));
        if (!kind) continue;
        const twin = kinds.find((k) => k.name === kind.name);
        if (twin) {
          diags.report(kind.source, "duplicate-kind", `kind ${kind.name} is declared twice in ${g.group}/${v.name} (also at ${twin.source.file}:${twin.source.line})`, "remove or rename one of them");
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
        source: tags.source,
      };
      if (tags.storage !== undefined) explicitStorage.add(version);
      versions.push(version);
    }
    versions.sort((a, b) => compareVersions(a.name, b.name));
    // A lone version is the storage version unless something else is tagged.
    if (versions.length === 1 && !versions[0].storage && !explicitStorage.has(versions[0])) versions[0].storage = true;
    groups.push({ name: g.group, versions });
  }

  const types: Record<string, ObjectType> = {};
  for (const id of Object.keys(reader.types).sort()) types[id] = reader.types[id];
  return { model: { groups, types }, diagnostics: diags.list() };
}
