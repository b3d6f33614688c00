/**
 * tsconfig `paths` that send every export of this repository's libraries
 * (`@skai-gen/client`, `@skai-gen/runtime`) to its TypeScript source, derived
 * from each package.json's `exports`: tsx runs and tsc checks the current code
 * without a build, through the same subpaths an installed package offers.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const LIBRARIES = ["client", "runtime"];

export function librarySourcePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const dir of LIBRARIES) {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { name: string; exports: Record<string, { default: string }> };
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const source = target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");
      paths[pkg.name + subpath.slice(1)] = [join(ROOT, dir, source)];
    }
  }
  return paths;
}
