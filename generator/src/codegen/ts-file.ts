import path from "node:path";
import type { EmittedFile } from "./file.js";

/** Where a symbol comes from: a package specifier, or a generated file's path in the output folder. */
export type ImportSource = { module: string } | { file: string };

interface ImportEntry {
  name: string;
  local: string;
  typeOnly: boolean;
}

/**
 * A TypeScript (or JavaScript) file under construction. Emitters ask it for the
 * symbols they use with `import()`, which returns the local name to print;
 * the file writes the import lines itself, only for symbols actually asked
 * for, type-only where every use is a type, and aliases names that clash.
 */
export class TsFile {
  private readonly body: string[] = [];
  private readonly imports = new Map<string, Map<string, ImportEntry>>();
  private readonly taken = new Set<string>();

  constructor(
    readonly path: string,
    readonly language: "typescript" | "javascript" = "typescript",
    /** Start with `#!/usr/bin/env node`, for bins. */
    private readonly opts: { hashbang?: boolean } = {},
  ) {}

  /** Names declared in this file, so imports never shadow them. */
  declare(...names: string[]): void {
    for (const n of names) this.taken.add(n);
  }

  /** Imports `name` and returns the local identifier to print. */
  import(name: string, from: ImportSource, opts: { typeOnly?: boolean } = {}): string {
    const specifier = this.specifierFor(from);
    let bySpec = this.imports.get(specifier);
    if (!bySpec) this.imports.set(specifier, (bySpec = new Map()));
    const existing = bySpec.get(name);
    if (existing) {
      if (!opts.typeOnly) existing.typeOnly = false;
      return existing.local;
    }
    let local = name;
    for (let i = 1; this.taken.has(local); i++) local = `${name}$${i}`;
    this.taken.add(local);
    bySpec.set(name, { name, local, typeOnly: opts.typeOnly ?? false });
    return local;
  }

  /** Imports `name` under a chosen local name (suffixed if that clashes too). */
  importAs(name: string, alias: string, from: ImportSource, opts: { typeOnly?: boolean } = {}): string {
    const specifier = this.specifierFor(from);
    let bySpec = this.imports.get(specifier);
    if (!bySpec) this.imports.set(specifier, (bySpec = new Map()));
    const key = `${name} as ${alias}`;
    const existing = bySpec.get(key);
    if (existing) return existing.local;
    let local = alias;
    for (let i = 1; this.taken.has(local); i++) local = `${alias}$${i}`;
    this.taken.add(local);
    bySpec.set(key, { name, local, typeOnly: opts.typeOnly ?? false });
    return local;
  }

  /** Imports a type; shorthand for `import(name, from, { typeOnly: true })`. */
  importType(name: string, from: ImportSource): string {
    return this.import(name, from, { typeOnly: true });
  }

  print(...lines: string[]): this {
    this.body.push(...lines);
    return this;
  }

  /** Prints a JSDoc block when there is text. */
  jsDoc(text: string | undefined, tags: string[] = []): this {
    const lines = [...(text ? text.split("\n") : []), ...tags];
    if (lines.length === 0) return this;
    const safe = lines.map((l) => l.replace(/\*\//g, "*\\/"));
    this.body.push("/**", ...safe.map((l) => (l ? ` * ${l}` : " *")), " */");
    return this;
  }

  toFile(): EmittedFile {
    const importLines: string[] = [];
    // Packages first, then this package's own files, each alphabetically.
    const isRelative = (s: string) => s.startsWith(".");
    const specifiers = [...this.imports.keys()].sort(
      (a, b) => Number(isRelative(a)) - Number(isRelative(b)) || (a < b ? -1 : a > b ? 1 : 0),
    );
    for (const specifier of specifiers) {
      const entries = [...this.imports.get(specifier)!.values()].sort(
        (a, b) => a.name.localeCompare(b.name) || a.local.localeCompare(b.local),
      );
      const allTypes = entries.every((e) => e.typeOnly);
      const parts = entries.map((e) => {
        const named = e.local === e.name ? e.name : `${e.name} as ${e.local}`;
        return !allTypes && e.typeOnly && this.language === "typescript" ? `type ${named}` : named;
      });
      const kw = allTypes && this.language === "typescript" ? "import type" : "import";
      importLines.push(`${kw} { ${parts.join(", ")} } from ${JSON.stringify(specifier)};`);
    }
    const content = [this.opts.hashbang ? "#!/usr/bin/env node" : undefined, ...importLines, importLines.length ? "" : undefined, ...this.body]
      .filter((l) => l !== undefined)
      .join("\n");
    return { path: this.path, content: content + "\n", language: this.language };
  }

  private specifierFor(from: ImportSource): string {
    if ("module" in from) return from.module;
    let rel = path.posix.relative(path.posix.dirname(this.path), from.file);
    if (!rel.startsWith(".")) rel = `./${rel}`;
    // Generated TypeScript is compiled as NodeNext ESM: relative imports name the .js output.
    return rel.replace(/\.(ts|js)$/, "") + ".js";
  }
}
