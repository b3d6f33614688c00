/**
 * Runs the real `tsc --noEmit` on a fixture file that uses the generated
 * client, resolving `@skai/api/*` to a generated package's sources, and
 * returns the errors by line. Fixtures are `.ts.fixture` so `tsc -p test`
 * never sees the one that must fail.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { librarySourcePaths } from "../../support/source-paths.js";

export const ROOT = resolve(import.meta.dirname, "../../..");

export interface TscError {
  line: number;
  code: string;
  message: string;
}

export async function typecheckFixture(fixture: string, generatedDir = join(ROOT, "generated")): Promise<TscError[]> {
  const dir = mkdtempSync(join(tmpdir(), "skai-client-types-"));
  copyFileSync(fixture, join(dir, "fixture.ts"));
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
      types: ["node"],
      typeRoots: [join(ROOT, "node_modules/@types")],
      paths: {
        "@skai/api/client": [join(generatedDir, "src/client/index.ts")],
        "@skai/api/*": [join(generatedDir, "src/*.ts")],
        ...librarySourcePaths(),
      },
    },
    files: ["fixture.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  let out = "";
  try {
    await promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? "");
  }
  const errors: TscError[] = [];
  for (const m of out.matchAll(/^(.*?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
    // Only errors in the fixture: errors in the generated code or runtime are a different failure.
    if (!m[1]!.endsWith("fixture.ts")) errors.push({ line: -1, code: m[3]!, message: `${m[1]}: ${m[4]}` });
    else errors.push({ line: Number(m[2]), code: m[3]!, message: m[4]! });
  }
  if (!errors.length && out.trim()) errors.push({ line: -1, code: "?", message: out.trim() });
  return errors;
}

/** 1-based lines of a fixture carrying an `expect-error` comment. */
export function expectedErrorLines(text: string): number[] {
  return text.split("\n").flatMap((l, i) => (/\/\/ expect-error\b/.test(l) ? [i + 1] : []));
}
