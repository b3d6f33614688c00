/**
 * Group-version names are unique across the API: two groups sharing their
 * first DNS label (`ml.a.example.com`, `ml.b.example.com`) are named by the
 * whole group, as client-gen disambiguates, in the client's accessors and
 * classes, the package's type namespaces and the server's imports alike; the
 * generated package type-checks.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { generate } from "../../generator/src/pipeline.js";
import { writeTree } from "../../generator/src/write/writer.js";
import { scratchDir } from "../support/fixture-apis.js";
import { repoRoot } from "../support/generated-server.js";

/** One cluster-scoped kind per group, in version v1. */
const DEFINITIONS: Record<string, string> = {
  "ml.a.example.com/v1/index.ts": `/** @storageVersion */\nexport * from "./job.js";\n`,
  "ml.a.example.com/v1/job.ts": `import type { Resource } from "skai-gen/definitions";\n\n/** Job is work to run. @scope Cluster */\nexport interface Job extends Resource<JobSpec> {}\n\n/** JobSpec is what to run. */\nexport interface JobSpec {\n  /** The image to run. */\n  image: string;\n}\n`,
  "ml.b.example.com/v1/index.ts": `/** @storageVersion */\nexport * from "./pool.js";\n`,
  "ml.b.example.com/v1/pool.ts": `import type { Resource } from "skai-gen/definitions";\n\n/** Pool is a set of machines. @scope Cluster */\nexport interface Pool extends Resource<PoolSpec> {}\n\n/** PoolSpec is how many. */\nexport interface PoolSpec {\n  /** How many machines. */\n  size?: number;\n}\n`,
};

describe("two groups sharing a first label", { timeout: 300_000 }, () => {
  let dir: string;
  let out: string;
  const read = (file: string) => readFileSync(path.join(out, file), "utf8");

  before(async () => {
    dir = scratchDir("group-version-names");
    out = path.join(dir, "generated");
    for (const [file, text] of Object.entries(DEFINITIONS)) {
      mkdirSync(path.dirname(path.join(dir, "definitions", file)), { recursive: true });
      writeFileSync(path.join(dir, "definitions", file), text);
    }
    const result = await generate({ definitionsDir: path.join(dir, "definitions"), projectRoot: dir, config: { projectRoot: dir, config: { package: { name: "ml-api" } } } });
    assert.deepEqual(result.diagnostics, []);
    await writeTree(out, result.files);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names each group-version by its whole group in the client", () => {
    const client = read("src/client/index.ts");
    assert.match(client, /readonly mlAExampleComV1: MlAExampleComV1Client;/);
    assert.match(client, /readonly mlBExampleComV1: MlBExampleComV1Client;/);
    assert.match(read("src/client/ml.a.example.com/v1.ts"), /export class MlAExampleComV1Client\b/);
    assert.match(read("src/client/ml.b.example.com/v1.ts"), /export class MlBExampleComV1Client\b/);
  });

  it("names them alike in the package's type namespaces and the server's imports", () => {
    const index = read("src/index.ts");
    assert.match(index, /export \* as mlAExampleComV1 from "\.\/ml\.a\.example\.com\/v1\/types\.js";/);
    assert.match(index, /export \* as mlBExampleComV1 from "\.\/ml\.b\.example\.com\/v1\/types\.js";/);
    const server = read("src/server/index.ts");
    assert.match(server, /resources as mlAExampleComV1Resources\b/);
    assert.match(server, /resources as mlBExampleComV1Resources\b/);
  });

  it("type-checks", async () => {
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: path.join(repoRoot, "tsconfig.base.json"),
        compilerOptions: { noEmit: true, types: ["node"], typeRoots: [path.join(repoRoot, "node_modules/@types")] },
        files: ["generated/src/index.ts", "generated/src/client/index.ts", "generated/src/server/main.ts"],
      }),
    );
    try {
      await promisify(execFile)(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: dir, maxBuffer: 16 << 20 });
    } catch (e) {
      assert.fail(`tsc: ${String((e as { stdout?: string }).stdout || e)}`);
    }
  });
});
