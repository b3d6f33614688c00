// The published libraries (`npm pack` of skai-gen, @skai-gen/runtime, @skai-gen/client)
// hold everything they need: their entry points, the generator's templates, schema and
// prelude, executable bins; every import resolves to a declared dependency or a declared
// export of another library; the client's dependency tree has no storage drivers.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { declaredEntryPoints, lockClosure, packedFiles, readPackageJson, REPO_ROOT, unresolvableImports } from "./support.js";

const LIBRARIES = ["client", "runtime", "generator"];
const SERVER_ONLY = ["better-sqlite3", "etcd3"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

for (const folder of LIBRARIES) {
  const dir = path.join(REPO_ROOT, folder);
  const pkg = readPackageJson(dir);
  const files = packedFiles(dir);
  const paths = new Set(files.map((f) => f.path));

  describe(`npm pack of ${pkg.name}`, () => {
    it("holds every export target and bin", () => {
      assert.deepEqual(declaredEntryPoints(pkg).filter((p) => !paths.has(p)), []);
    });

    it("declares its exports as explicit subpaths", () => {
      assert.deepEqual(Object.keys(pkg.exports ?? {}).filter((subpath) => subpath.includes("*")), []);
    });

    it("imports only what it declares", () => {
      assert.deepEqual(unresolvableImports(dir, files, pkg), []);
    });

    it("has bins that run with node and are executable", () => {
      for (const bin of Object.values(pkg.bin ?? {})) {
        const file = files.find((f) => f.path === bin.replace(/^\.\//, ""))!;
        assert.match(readFileSync(path.join(dir, file.path), "utf8"), /^#!\/usr\/bin\/env node\n/, bin);
        assert.equal(file.mode & 0o111, 0o111, `${bin} mode ${file.mode.toString(8)}`);
      }
    });
  });
}

describe("npm pack of skai-gen", () => {
  const dir = path.join(REPO_ROOT, "generator");
  const paths = new Set(packedFiles(dir).map((f) => f.path));

  it("holds the templates, the configuration schema and the definitions prelude", () => {
    const templates = filesUnder(path.join(dir, "templates")).map((f) => `templates/${f}`);
    assert.ok(templates.includes("templates/manifests/statefulset.yaml.hbs") && templates.includes("templates/docs/page.md.hbs"), templates.join(", "));
    assert.deepEqual([...templates, "config.schema.json", "definitions.d.ts"].filter((f) => !paths.has(f)), []);
  });
});

describe("@skai-gen/client's dependency tree", () => {
  it("has no storage driver, where the runtime's has both", () => {
    const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8"));
    const client = lockClosure(lock, "client");
    assert.ok(client.has("@kubernetes/client-node") && client.has("ws"), [...client].join(", "));
    assert.deepEqual(SERVER_ONLY.filter((name) => client.has(name)), []);
    const runtime = lockClosure(lock, "runtime");
    assert.deepEqual(SERVER_ONLY.filter((name) => !runtime.has(name)), []);
  });
});
