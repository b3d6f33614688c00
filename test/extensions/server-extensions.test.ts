/**
 * The generated `ServerExtensions` and `serve()`, checked by the real tsc as a
 * project's server sees them. An API whose versions need conversion functions
 * (test/fixtures/bad/unmapped-field, with a `server.main`) requires each one:
 * a server that leaves one out does not compile, naming it, and the generated
 * package has no bin of its own. An API whose versions convert by field name
 * (test/fixtures/apis/fleet, no `server.main`) gets the generated bin, whose
 * serve() takes no extensions. A run from source (tsx) is not type-checked:
 * there the server refuses to start, naming what is missing.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { ProjectConfig } from "../../generator/src/config/types.js";
import { generate } from "../../generator/src/pipeline.js";
import { repoRoot } from "../support/generated-server.js";

const dir = mkdtempSync(path.join(tmpdir(), "skai-extensions-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Generates `definitions` into `<dir>/<name>/generated` and returns the emitted paths. */
async function generateInto(name: string, definitions: string, config: ProjectConfig): Promise<string[]> {
  const res = await generate({ definitionsDir: path.join(repoRoot, definitions), projectRoot: repoRoot, config: { projectRoot: repoRoot, config } });
  assert.deepEqual(res.diagnostics, []);
  for (const f of res.files) {
    const p = path.join(dir, name, "generated", f.path);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
  return res.files.map((f) => f.path);
}

/** tsc's errors by file (relative to the temp dir), for the files given and what they import. */
async function typecheck(files: string[]): Promise<string[]> {
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ extends: path.join(repoRoot, "tsconfig.base.json"), compilerOptions: { noEmit: true, types: ["node"], typeRoots: [path.join(repoRoot, "node_modules/@types")] }, files }),
  );
  try {
    await promisify(execFile)(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: dir, maxBuffer: 16 << 20 });
    return [];
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e).trim().split("\n").filter((l) => /error TS/.test(l));
  }
}

describe("ServerExtensions", { timeout: 300_000 }, () => {
  let unmapped: string[];
  let fleet: string[];
  let errors: string[];

  before(async () => {
    // The generated code resolves the runtime, client and kubernetes-types as the project would.
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
    unmapped = await generateInto("unmapped", "test/fixtures/bad/unmapped-field", { package: { name: "widgets-api" }, server: { main: "server/main.ts" } });
    fleet = await generateInto("fleet", "test/fixtures/apis/fleet/definitions", { package: { name: "fleet-api" } });
    const server = (fns: string) =>
      [
        `import { serve } from "./generated/src/server/index.js";`,
        `await serve(process.argv.slice(2), { conversions: { "skai.io": { ${fns} } } });`,
      ].join("\n");
    writeFileSync(path.join(dir, "unmapped", "complete.ts"), server("Convert_v1_WidgetSpec_To_v2_WidgetSpec(src, dst) { dst.replicas = src.size; }, Convert_v2_WidgetSpec_To_v1_WidgetSpec(src, dst) { dst.size = src.replicas; }"));
    writeFileSync(path.join(dir, "unmapped", "missing.ts"), server("Convert_v1_WidgetSpec_To_v2_WidgetSpec(src, dst) { dst.replicas = src.size; }"));
    writeFileSync(path.join(dir, "fleet", "plain.ts"), `import { serve } from "./generated/src/server/index.js";\nawait serve(process.argv.slice(2));\n`);
    errors = await typecheck(["unmapped/complete.ts", "unmapped/missing.ts", "fleet/plain.ts", "fleet/generated/src/server/main.ts"]);
  });

  it("a conversion function the schema needs is required: leaving it out is a compile error naming it", () => {
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(errors[0]!, /^unmapped\/missing\.ts\(2,\d+\): error TS2741: Property 'Convert_v2_WidgetSpec_To_v1_WidgetSpec' is missing/);
  });

  it("with a server main, the generated package has serve() and no bin of its own", () => {
    assert.ok(unmapped.includes("src/server/index.ts") && unmapped.includes("src/server/extensions.ts"));
    assert.ok(!unmapped.some((f) => f.startsWith("src/server/main") || f.startsWith("src/server/standalone")), unmapped.join(" "));
  });

  it("run from source without the functions, the server says which are missing and does not start", () => {
    const run = path.join(dir, "unmapped", "untyped.ts");
    writeFileSync(run, `import { serve } from "./generated/src/server/index.js";\nawait serve(process.argv.slice(2), {} as never);\n`);
    const state = path.join(dir, "unmapped", "state");
    const argv = ["--secure-port=0", "--storage=memory:", `--cert-dir=${state}/certs`, `--kubeconfig-out=${state}/kubeconfig`];
    const r = spawnSync(process.execPath, ["--import", "tsx", run, ...argv], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.equal(
      r.stdout,
      `Error: serve()'s extensions.conversions["skai.io"] lacks Convert_v2_WidgetSpec_To_v1_WidgetSpec, Convert_v1_WidgetSpec_To_v2_WidgetSpec (docs/extensions.md)\n`,
    );
    assert.equal(r.stderr, "");
  });

  it("without one, the generated bin serves with no extensions", () => {
    assert.ok(fleet.includes("src/server/main.ts") && fleet.includes("src/server/standalone.ts"));
  });
});
