/**
 * The generated package the client tests use: `generated/` when it holds a
 * client (after `skai-gen generate`), otherwise a fresh generation into a
 * temp dir through the generator's pipeline, so the tests always see the
 * current emitter output.
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "./typecheck.js";

let cached: Promise<string> | undefined;

export function generatedDir(): Promise<string> {
  return (cached ??= locate());
}

async function locate(): Promise<string> {
  const committed = join(ROOT, "generated");
  if (existsSync(join(committed, "src/client/index.ts")) && !process.env.SKAI_CLIENT_TEST_REGENERATE) return committed;
  const { generate } = await import("../../../generator/src/pipeline.js");
  const res = await generate({ definitionsDir: join(ROOT, "definitions"), projectRoot: ROOT });
  if (res.diagnostics.length) throw new Error(`generation failed: ${JSON.stringify(res.diagnostics.slice(0, 3))}`);
  const dir = mkdtempSync(join(tmpdir(), "skai-generated-"));
  for (const f of res.files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
  // Bare imports (kubernetes-types, the runtime) resolve from the workspace's node_modules.
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}
