/**
 * What the packaging suites read off a package: the files `npm pack` would
 * publish, the bare imports of its JavaScript and declarations, and whether
 * each resolves to something the package declares.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface PackedFile {
  path: string;
  mode: number;
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as PackageJson;
}

/** The files `npm pack` would put in the tarball of the package in `dir`. */
export function packedFiles(dir: string): PackedFile[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [pack] = JSON.parse(out) as Array<{ files: PackedFile[] }>;
  return pack!.files;
}

/** Every file a package.json points at: export targets (all conditions) and bins, without `./`. */
export function declaredEntryPoints(pkg: PackageJson): string[] {
  const targets: string[] = [];
  for (const target of Object.values(pkg.exports ?? {})) targets.push(...(typeof target === "string" ? [target] : Object.values(target)));
  targets.push(...Object.values(pkg.bin ?? {}));
  return targets.map((t) => t.replace(/^\.\//, ""));
}

/** Module specifiers a JavaScript or declaration file imports: static, dynamic, re-exports, `import("x").T` types. */
export function importedSpecifiers(source: string, fileName = "module.js"): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) found.push(node.arguments[0].text);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false));
  return found;
}

const BUILTINS = new Set(builtinModules);

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`; undefined for relative paths and Node builtins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:") || BUILTINS.has(specifier.split("/")[0]!)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** This repository's libraries by name, so an import of one can be checked against its declared exports. */
export function libraryManifests(): Map<string, PackageJson> {
  return new Map(["client", "runtime", "generator"].map((dir) => {
    const pkg = readPackageJson(path.join(REPO_ROOT, dir));
    return [pkg.name, pkg];
  }));
}

/**
 * Bare imports in the package's published .js and .d.ts files that would not
 * resolve once installed: a package it does not declare (dependency, peer,
 * optional, itself), or a subpath one of this repository's libraries does not export.
 */
export function unresolvableImports(dir: string, files: PackedFile[], pkg: PackageJson): string[] {
  const declared = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
  const libraries = libraryManifests();
  const problems: string[] = [];
  for (const file of files) {
    if (!/\.(m?js|d\.ts)$/.test(file.path)) continue;
    for (const specifier of importedSpecifiers(readFileSync(path.join(dir, file.path), "utf8"), file.path)) {
      const name = packageOf(specifier);
      if (name === undefined) continue;
      if (!declared.has(name)) problems.push(`${file.path}: ${specifier} (${name} is not a dependency)`);
      const library = libraries.get(name);
      if (library && !(`.${specifier.slice(name.length)}` in (library.exports ?? {}))) problems.push(`${file.path}: ${specifier} (not among ${name}'s exports)`);
    }
  }
  return problems;
}

/** Files reached from `entries` through relative imports, and the bare specifiers they import. */
export function reachableImports(dir: string, entries: string[]): { files: string[]; bare: Map<string, string> } {
  const seen = new Set<string>();
  const bare = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of importedSpecifiers(readFileSync(path.join(dir, file), "utf8"), file)) {
      if (specifier.startsWith(".")) {
        const target = path.posix.join(path.posix.dirname(file), specifier);
        visit(file.endsWith(".d.ts") ? target.replace(/\.js$/, ".d.ts") : target);
      } else if (!bare.has(specifier)) bare.set(specifier, file);
    }
  };
  for (const e of entries) visit(e);
  return { files: [...seen], bare };
}

/** Packages a dependency tree in package-lock.json reaches from `start` (a lock path such as `client`). */
export function lockClosure(lock: { packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; link?: boolean; resolved?: string }> }, start: string): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  // Node's lookup: the requiring package's node_modules, then each ancestor's.
  const resolve = (from: string, name: string): string | undefined => {
    for (let dir = from; ; dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : "") {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!dir) return undefined;
    }
  };
  const visit = (at: string) => {
    if (seen.has(at)) return;
    seen.add(at);
    let entry = lock.packages[at]!;
    if (entry.link && entry.resolved) {
      at = entry.resolved;
      entry = lock.packages[at]!;
    }
    const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
    const deps = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n))];
    for (const name of deps) {
      names.add(name);
      const target = resolve(at, name);
      if (target) visit(target);
    }
  };
  visit(start);
  return names;
}
