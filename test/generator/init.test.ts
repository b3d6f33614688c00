/**
 * `skai-gen init <dir>`: the scaffold of a new API's repository, and its first
 * generated package written before anything is installed. (Installing it from
 * a registry, building and serving is the journey test's part.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { initCommand, type InitOptions } from "../../generator/src/commands/init.js";
import { GENERATOR_VERSION } from "../../generator/src/version.js";
import { repoRoot } from "../support/generated-server.js";

const cli = path.join(repoRoot, "generator/bin/skai-gen.js");

function skaiGen(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** The command in this process, for mistakes caught before anything is generated (a CLI start costs seconds). */
async function initHere(opts: InitOptions): Promise<{ status: number; err: string }> {
  const write = process.stderr.write;
  let err = "";
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { status: await initCommand(opts), err };
  } finally {
    process.stderr.write = write;
  }
}

/** Every file under `dir` but node_modules and the generated package, relative to it. */
function scaffoldFiles(dir: string, under = ""): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(under, e.name);
    if (e.isDirectory()) return rel === "generated" || rel === "node_modules" ? [] : scaffoldFiles(dir, rel);
    return [rel];
  });
}

describe("skai-gen init", { timeout: 300_000 }, () => {
  // Outside the repository: nothing resolves skai-gen from a node_modules, as on a new user's machine.
  const outside = mkdtempSync(path.join(tmpdir(), "skai-gen-init-"));
  mkdirSync(path.join(repoRoot, "bench/out"), { recursive: true });
  // Inside it: generate and verify there resolve skai-gen/definitions as after `npm install`.
  const inside = mkdtempSync(path.join(repoRoot, "bench/out/init-"));
  after(() => {
    rmSync(outside, { recursive: true, force: true });
    rmSync(inside, { recursive: true, force: true });
  });

  it("scaffolds a repository for one API with its first generated package, before anything is installed", () => {
    const r = skaiGen(["init", "shop-api"], outside);
    assert.equal(r.status, 0, r.err);
    const dir = path.join(outside, "shop-api");
    const read = (f: string) => readFileSync(path.join(dir, f), "utf8");

    assert.deepEqual(scaffoldFiles(dir).sort(), [
      ".github/workflows/ci.yml",
      ".gitignore",
      "README.md",
      "definitions/protobuf.lock.json",
      "definitions/shop.example.com/v1alpha1/index.ts",
      "definitions/shop.example.com/v1alpha1/widget.ts",
      "definitions/tsconfig.json",
      "package.json",
      "skai-gen.config.json",
    ]);

    assert.match(read(".github/workflows/ci.yml"), /^ {6}- run: npx skai-gen compat --against origin\/main$/m);
    const pkg = JSON.parse(read("package.json"));
    assert.equal(pkg.private, true);
    assert.deepEqual(pkg.workspaces, ["generated"]);
    assert.deepEqual(pkg.dependencies, { "@skai-gen/runtime": `^${GENERATOR_VERSION}` });
    assert.equal(pkg.devDependencies["skai-gen"], `^${GENERATOR_VERSION}`);
    assert.match(pkg.devDependencies.typescript, /^\^5\./);
    assert.deepEqual(Object.keys(pkg.scripts).sort(), ["build", "dev", "generate", "start", "test"]);
    assert.equal(pkg.scripts.generate, "skai-gen generate");
    assert.equal(pkg.scripts.dev, "skai-gen dev");
    assert.notEqual(pkg.name, "shop-api", "the workspace root does not take the generated package's name");

    const config = JSON.parse(read("skai-gen.config.json"));
    assert.deepEqual(config, { $schema: "./node_modules/skai-gen/config.schema.json", package: { name: "shop-api" } });

    const kind = read("definitions/shop.example.com/v1alpha1/widget.ts");
    assert.match(kind, /export interface Widget extends Resource<WidgetSpec, WidgetStatus> \{\}/);
    assert.match(kind, /@scope Namespaced/);
    assert.match(kind, /@subresource status/);
    assert.match(kind, /@printColumn name=\w+ type=\w+ jsonPath=\.spec\./);
    assert.match(kind, /@minLength 1/);

    // The generated package the workspace names, with the bin `start` runs and the test `test` runs.
    const generated = JSON.parse(read("generated/package.json"));
    assert.equal(generated.name, "shop-api");
    const startBin = /&& (\S+)$/.exec(pkg.scripts.start)?.[1];
    assert.ok(startBin && Object.keys(generated.bin ?? {}).includes(startBin), `start runs ${startBin}, a bin of ${JSON.stringify(generated.bin)}`);
    const smokeTest = /node --test (\S+)$/.exec(pkg.scripts.test)?.[1];
    assert.ok(smokeTest && existsSync(path.join(dir, smokeTest)), `test runs ${smokeTest}`);
    assert.match(read(smokeTest!), /widgets\(NAMESPACE\)/);

    const ignored = read(".gitignore").split("\n");
    for (const line of ["node_modules/", "generated/dist/", ".shop/"]) assert.ok(ignored.includes(line), `.gitignore has ${line}`);

    assert.match(r.out, /^ {2}cd shop-api$/m);
    assert.match(r.out, /^ {2}npm install$/m);
    assert.match(r.out, /^ {2}npm run dev\b/m);
    assert.match(r.out, /^ {2}npm start\b/m);
  });

  it("names nothing after skai-gen's own example API: 'skai' appears only in skai-gen's package names", () => {
    const dir = path.join(outside, "shop-api");
    for (const f of scaffoldFiles(dir)) {
      const text = readFileSync(path.join(dir, f), "utf8").replace(/@?skai-gen\b/g, "");
      assert.doesNotMatch(text, /skai/i, f);
    }
  });

  it("refuses a folder that is not empty, in one line, writing nothing", async () => {
    const dir = path.join(outside, "taken");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "notes.txt"), "mine\n");
    const r = await initHere({ dir });
    assert.equal(r.status, 1);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.ok(r.err.startsWith(`skai-gen init: ${dir} is not empty (it has notes.txt)`), r.err);
    assert.deepEqual(readdirSync(dir), ["notes.txt"]);
  });

  it("rejects a malformed flag in one line with exit 1", async () => {
    for (const [flag, value, message] of [
      ["group", "nodot", /^skai-gen init: --group nodot: an API group is a DNS subdomain with at least one dot/],
      ["version", "1.0", /^skai-gen init: --version 1\.0: a Kubernetes version looks like v1/],
      ["kind", "widget", /^skai-gen init: --kind widget: a kind is a PascalCase name/],
      ["kind", "Condition", /^skai-gen init: --kind Condition: the example imports a type of that name/],
      ["scope", "Global", /^skai-gen init: --scope Global: Namespaced or Cluster/],
      ["package", "Not A Name", /^skai-gen init: --package Not A Name: not a valid npm package name/],
    ] as const) {
      const r = await initHere({ dir: path.join(outside, "bad"), [flag]: value });
      assert.equal(r.status, 1, `${flag} ${value}`);
      assert.match(r.err, message);
      assert.equal(r.err.trim().split("\n").length, 1, r.err);
      assert.equal(existsSync(path.join(outside, "bad")), false);
    }
  });

  it("takes group, version, kind, scope and package from flags, into a folder holding only .git; the scaffold generates with no diagnostics", () => {
    mkdirSync(path.join(inside, "fleet/.git"), { recursive: true });
    const r = skaiGen(
      ["init", "fleet", "--group", "ships.fleet.example.net", "--version", "v1beta1", "--kind", "Ship", "--scope", "Cluster", "--package", "@fleet/api"],
      inside,
    );
    assert.equal(r.status, 0, r.err);
    const dir = path.join(inside, "fleet");
    const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
    const kind = read("definitions/ships.fleet.example.net/v1beta1/ship.ts");
    assert.match(kind, /export interface Ship extends Resource<ShipSpec, ShipStatus> \{\}/);
    assert.match(kind, /@scope Cluster/);
    assert.equal(JSON.parse(read("skai-gen.config.json")).package.name, "@fleet/api");
    assert.equal(JSON.parse(read("generated/package.json")).name, "@fleet/api");
    const openapi = read("generated/openapi/v2.json");
    assert.match(openapi, /"\/apis\/ships\.fleet\.example\.net\/v1beta1\/ships"/);
    assert.doesNotMatch(openapi, /"\/apis\/ships\.fleet\.example\.net\/v1beta1\/namespaces\/\{namespace\}\/ships"/, "cluster-scoped");
    assert.match(read("generated/test/smoke.test.mjs"), /\.ships\(\)/);

    // With skai-gen resolvable, as after `npm install`: generate writes exactly what init wrote, with no diagnostics.
    const verify = skaiGen(["verify"], dir);
    assert.equal(verify.status, 0, verify.err + verify.out);
  });

  it("has --help listing its flags", () => {
    const r = skaiGen(["init", "--help"], outside);
    assert.equal(r.status, 0, r.err);
    for (const flag of ["--group", "--version", "--kind", "--scope", "--package"]) assert.match(r.out, new RegExp(`${flag}\\b`));
  });
});
