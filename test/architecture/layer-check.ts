// The layer check: the import graph of the packages' sources, held to the folder rules the
// architecture page states in its ```layers block (so the page and the check cannot drift).
//
// A unit is a top-level folder of a package's src/ (`runtime/storage`, its subfolders included)
// or a file at the root of src/ (`client/types.ts`). Every import counts, type-only ones and
// dynamic import() too: a cycle of types is still a cycle a reader has to untangle.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** A workspace package whose src/ is checked: its folder (= its name in unit names) and npm name. */
export interface SourcePackage {
  folder: string;
  name: string;
  /** package.json `exports`: subpath ("." or "./x") -> target (a string or { types, default }). */
  exports: Record<string, unknown>;
}

/** One import: from a file to a file, both relative to the checked root. */
export interface ImportEdge {
  from: string;
  line: number;
  to: string;
}

/** `<package>/<folder>` or `<package>/<root file>.ts`, for a file under `<package>/src/`. */
function unitOf(file: string): string {
  const [pkg, src, first] = file.split("/");
  if (src !== "src" || first === undefined) throw new Error(`${file} is not under a package's src/`);
  return `${pkg}/${first}`;
}

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(root, rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** The source file an export target (`./dist/x/index.js` or `{ types, default }`) is built from. */
function exportSource(folder: string, target: unknown): string | undefined {
  const file = typeof target === "string" ? target : (target as { default?: string } | null)?.default;
  const match = file?.match(/^\.\/dist\/(.+)\.js$/);
  return match ? `${folder}/src/${match[1]}.ts` : undefined;
}

/**
 * The file an import names, relative to root: a relative path (`./x.js` is `./x.ts`), or a
 * workspace package's export; null for a workspace subpath the package does not export; undefined
 * for anything else (node:, other packages, JSON, .js files).
 */
function resolveImport(files: Set<string>, packages: SourcePackage[], from: string, spec: string): string | null | undefined {
  if (spec.startsWith(".")) {
    const base = path.posix.join(path.posix.dirname(from), spec);
    const candidates = [base.replace(/\.js$/, ".ts"), `${base}.ts`, `${base}/index.ts`];
    return candidates.find((c) => files.has(c));
  }
  for (const pkg of packages) {
    if (spec !== pkg.name && !spec.startsWith(`${pkg.name}/`)) continue;
    const subpath = spec === pkg.name ? "." : `.${spec.slice(pkg.name.length)}`;
    const source = exportSource(pkg.folder, pkg.exports[subpath]);
    return source !== undefined && files.has(source) ? source : null;
  }
  return undefined;
}

/** The packages' source files and the imports between them. */
export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  /** Imports of a workspace package's subpath that its package.json does not export (`to` is the specifier). */
  unexported: ImportEdge[];
}

/** Reads every source file of the packages and resolves its imports, each with the line it is on. */
export function importGraph(root: string, packages: SourcePackage[]): ImportGraph {
  const files = new Set(packages.flatMap((pkg) => sourceFiles(root, `${pkg.folder}/src`)));
  const edges: ImportEdge[] = [];
  const unexported: ImportEdge[] = [];
  for (const from of [...files].sort()) {
    const text = readFileSync(path.join(root, from), "utf8");
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const to = resolveImport(files, packages, from, ref.fileName);
      if (to === undefined) continue;
      const line = text.slice(0, ref.pos).split("\n").length;
      if (to === null) unexported.push({ from, line, to: ref.fileName });
      else edges.push({ from, line, to });
    }
  }
  return { files: [...files].sort(), edges, unexported };
}

/** The workspace packages under root whose src/ is checked, with their names and exports. */
export function readPackages(root: string, folders: string[]): SourcePackage[] {
  return folders.map((folder) => {
    const manifest = JSON.parse(readFileSync(path.join(root, folder, "package.json"), "utf8"));
    return { folder, name: manifest.name, exports: manifest.exports ?? {} };
  });
}

/** unit -> the units it may import; a subject or target may be `<pkg>/*.ts` or `<pkg>/*`. */
export type LayerRules = Map<string, string[]>;

/** The rules of the first ```layers block of a Markdown page: `<unit> -> <unit> <unit> ...` lines. */
export function parseRules(markdown: string): LayerRules {
  const block = markdown.match(/^```layers\n([\s\S]*?)^```/m);
  if (!block) throw new Error("no ```layers block");
  const rules: LayerRules = new Map();
  for (const [i, raw] of block[1].split("\n").entries()) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const match = line.match(/^(\S+)\s*->\s*(.*)$/);
    if (!match) throw new Error(`layers block line ${i + 1}: expected "<unit> -> <units>" or "<unit> -> -", got "${raw}"`);
    const [, subject, targets] = match;
    if (rules.has(subject)) throw new Error(`layers block line ${i + 1}: a second rule for ${subject}`);
    rules.set(subject, targets.trim() === "-" ? [] : targets.trim().split(/\s+/));
  }
  return rules;
}

function matches(pattern: string, unit: string): boolean {
  if (pattern.endsWith("/*")) return unit.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith("/*.ts")) return unit.startsWith(pattern.slice(0, -4)) && unit.endsWith(".ts");
  return pattern === unit;
}

/** The rule line that governs a unit: its own, else the narrowest pattern naming it. */
function ruleFor(rules: LayerRules, unit: string): [string, string[]] | undefined {
  const own = rules.get(unit);
  if (own) return [unit, own];
  const byWidth = [...rules].filter(([subject]) => matches(subject, unit)).sort(([a], [b]) => (a.endsWith("/*") ? 1 : 0) - (b.endsWith("/*") ? 1 : 0));
  return byWidth[0];
}

/** Strongly connected components with more than one node (Tarjan), each sorted, as cycles. */
function findCycles(edges: Iterable<[string, string]>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)!.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  // Iterative, so a long chain of files cannot overflow the stack.
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; rest: string[] }> = [];
    const visit = (node: string) => {
      index.set(node, index.size);
      low.set(node, index.get(node)!);
      stack.push(node);
      onStack.add(node);
      work.push({ node, rest: [...next.get(node)!].sort() });
    };
    visit(start);
    while (work.length) {
      const top = work[work.length - 1];
      const child = top.rest.shift();
      if (child !== undefined) {
        if (!index.has(child)) visit(child);
        else if (onStack.has(child)) low.set(top.node, Math.min(low.get(top.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== top.node);
        if (component.length > 1) cycles.push(component.sort());
      }
    }
  }
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Everything the layer check finds wrong, one line each (empty when the code keeps the rules). */
export function layerViolations({ files, edges, unexported }: ImportGraph, rules: LayerRules): string[] {
  const problems: string[] = [];
  const units = new Set(files.map(unitOf));
  for (const subject of rules.keys()) {
    if (![...units].some((unit) => matches(subject, unit))) problems.push(`the layers block has a rule for ${subject}, which is no unit`);
  }
  const where = (e: ImportEdge) => `${e.from}:${e.line}`;
  for (const edge of unexported) problems.push(`${where(edge)}: imports ${edge.to}, which its package.json does not export`);

  for (const cycle of findCycles(edges.map((e) => [unitOf(e.from), unitOf(e.to)]))) {
    const inCycle = new Set(cycle);
    const lines = edges.filter((e) => unitOf(e.from) !== unitOf(e.to) && inCycle.has(unitOf(e.from)) && inCycle.has(unitOf(e.to)));
    problems.push(`folder cycle ${cycle.join(" <-> ")}: ${lines.map((e) => `${where(e)} -> ${e.to}`).join(", ")}`);
  }
  for (const cycle of findCycles(edges.map((e) => [e.from, e.to]))) {
    const inCycle = new Set(cycle);
    const lines = edges.filter((e) => inCycle.has(e.from) && inCycle.has(e.to));
    problems.push(`file cycle ${cycle.join(" <-> ")}: ${lines.map((e) => `${where(e)} -> ${e.to}`).join(", ")}`);
  }
  for (const unit of units) {
    if (!ruleFor(rules, unit)) problems.push(`${unit} has no rule in the layers block`);
  }
  for (const edge of edges) {
    const from = unitOf(edge.from);
    const to = unitOf(edge.to);
    const rule = ruleFor(rules, from);
    if (from === to || !rule) continue;
    if (!rule[1].some((target) => matches(target, to))) {
      problems.push(`${where(edge)}: ${from} imports ${to} (${edge.to}), which the rule "${rule[0]} -> ${rule[1].join(" ") || "-"}" does not allow`);
    }
  }
  return problems;
}
