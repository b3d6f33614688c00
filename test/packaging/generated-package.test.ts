// The generated package as a new team gets it (the shop fixture API, generated into a
// scratch folder): it builds from its own tsconfig with `npm run build`, packs with its
// entry points and executable bins, declares every import, keeps client and types free of
// the server runtime; and a program that installs only the packed client and API package
// (from tarballs, third-party packages from the npm registry) gets no storage driver and
// talks to a server with the generated client.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { requires } from "../support/requirements.js";
import { declaredEntryPoints, packageOf, packedFiles, reachableImports, readPackageJson, REPO_ROOT, unresolvableImports, type PackageJson } from "./support.js";

const run = promisify(execFile);
const SHOP = path.join(REPO_ROOT, "test/fixtures/apis/shop");
const GENERATOR_VERSION = readPackageJson(path.join(REPO_ROOT, "generator")).version;

const scratch = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-packaging-"));
const out = path.join(scratch, "shop-api");
let pkg: PackageJson;

before(async () => {
  // The fixture's names, published settings of our own: a public package at its own version.
  const config = { package: { name: "@shop/api", version: "1.2.3", private: false }, definitions: path.join(SHOP, "definitions"), out: "shop-api" };
  writeFileSync(path.join(scratch, "skai-gen.config.json"), JSON.stringify(config));
  await run(process.execPath, [path.join(REPO_ROOT, "generator/bin/skai-gen.js"), "generate", "--config", path.join(scratch, "skai-gen.config.json")], { cwd: scratch });
  await run("npm", ["run", "build"], { cwd: out, timeout: 5 * 60_000 });
  pkg = readPackageJson(out);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

describe("the generated package", { timeout: 10 * 60_000 }, () => {
  it("builds from a tsconfig of its own, with nothing outside its folder", () => {
    const text = readFileSync(path.join(out, "tsconfig.json"), "utf8");
    const tsconfig = JSON.parse(text);
    assert.equal(tsconfig.extends, undefined);
    assert.equal(tsconfig.references, undefined);
    assert.doesNotMatch(text, /\.\.\//);
    assert.ok(existsSync(path.join(out, "dist/client/index.js")));
  });

  it("depends on the client library, has the runtime as an optional peer, and declares its build tools", () => {
    assert.equal(pkg.version, "1.2.3");
    assert.equal(pkg.private, undefined);
    assert.deepEqual(pkg.dependencies, { "@skai-gen/client": `^${GENERATOR_VERSION}`, ajv: pkg.dependencies!.ajv, "kubernetes-types": pkg.dependencies!["kubernetes-types"] });
    assert.deepEqual(pkg.peerDependencies, { "@skai-gen/runtime": `^${GENERATOR_VERSION}` });
    assert.deepEqual(pkg.peerDependenciesMeta, { "@skai-gen/runtime": { optional: true } });
    assert.ok(pkg.devDependencies?.typescript, "typescript is a devDependency");
    // No kind of the shop API has log or exec: no kubectl plugin.
    assert.deepEqual(pkg.bin, { "shop-apiserver": "./bin/shop-apiserver.js" });
    assert.deepEqual(Object.keys(pkg.exports!), [".", "./client", "./server"]);
  });

  it("packs its entry points, the OpenAPI documents the server reads, and executable bins", () => {
    const files = packedFiles(out);
    const paths = new Set(files.map((f) => f.path));
    assert.deepEqual(declaredEntryPoints(pkg).filter((p) => !paths.has(p)), []);
    assert.ok(paths.has("openapi/v2.json"), [...paths].join(", "));
    assert.ok(![...paths].some((p) => p.startsWith("src/")), "sources stay out of the tarball");
    for (const bin of Object.values(pkg.bin!)) {
      const file = files.find((f) => f.path === bin.replace(/^\.\//, ""))!;
      assert.match(readFileSync(path.join(out, file.path), "utf8"), /^#!\/usr\/bin\/env node\n/);
      assert.equal(file.mode & 0o111, 0o111, `${bin} is executable after npm run build`);
    }
  });

  it("imports only what it declares", () => {
    assert.deepEqual(unresolvableImports(out, packedFiles(out), pkg), []);
  });

  it("keeps the root and the client free of the server runtime, which the server imports", () => {
    const clientSide = reachableImports(out, ["dist/index.js", "dist/index.d.ts", "dist/client/index.js", "dist/client/index.d.ts"]);
    const packages = new Set([...clientSide.bare.keys()].map(packageOf).filter((p) => p !== undefined));
    assert.deepEqual([...packages].sort(), ["@skai-gen/client", "kubernetes-types"]);
    const serverSide = reachableImports(out, ["dist/server/index.js"]);
    assert.ok([...serverSide.bare.keys()].some((s) => packageOf(s) === "@skai-gen/runtime"));
  });
});

describe("a program that installs only the generated client", { timeout: 15 * 60_000, skip: requires("npm-registry") }, () => {
  it("installs without better-sqlite3 and etcd3, and lists widgets from a server", async (t) => {
    // Outside the repository, so nothing resolves from its node_modules.
    const project = mkdtempSync(path.join(tmpdir(), "client-only-"));
    t.after(() => rmSync(project, { recursive: true, force: true }));
    const tarballs = path.join(project, "tarballs");
    mkdirSync(tarballs);
    await run("npm", ["pack", "--silent", "--pack-destination", tarballs], { cwd: path.join(REPO_ROOT, "client") });
    await run("npm", ["pack", "--silent", "--pack-destination", tarballs], { cwd: out });
    const app = path.join(project, "app");
    mkdirSync(app);
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "client-only", private: true, type: "module" }));
    const packed = readdirSync(tarballs).map((f) => path.join(tarballs, f));
    await run("npm", ["install", "--no-audit", "--no-fund", ...packed], { cwd: app, timeout: 10 * 60_000 });

    const installed = Object.keys(JSON.parse(readFileSync(path.join(app, "node_modules/.package-lock.json"), "utf8")).packages);
    assert.ok(installed.includes("node_modules/@shop/api") && installed.includes("node_modules/@skai-gen/client"), installed.join(", "));
    const serverOnly = installed.filter((p) => /(^|\/)(better-sqlite3|etcd3|@skai-gen\/runtime)$/.test(p));
    assert.deepEqual(serverOnly, []);

    // A stand-in apiserver: one Widget in `default`, and what the client sent.
    const seen: Array<{ url?: string; userAgent?: string }> = [];
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url, userAgent: req.headers["user-agent"] });
      const widget = { apiVersion: "shop.example.com/v1alpha1", kind: "Widget", metadata: { name: "w1", namespace: "default", resourceVersion: "7" } };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ apiVersion: "shop.example.com/v1alpha1", kind: "WidgetList", metadata: { resourceVersion: "7" }, items: [widget] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const kubeconfig = path.join(app, "kubeconfig");
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      writeFileSync(kubeconfig, JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "c", cluster: { server: url, "insecure-skip-tls-verify": true } }], users: [{ name: "u", user: {} }], contexts: [{ name: "x", context: { cluster: "c", user: "u" } }], "current-context": "x" }));
      writeFileSync(
        path.join(app, "main.js"),
        [
          `import { shopV1alpha1 } from "@shop/api";`,
          `import { ShopClient } from "@shop/api/client";`,
          `const client = new ShopClient(process.argv[2]);`,
          `const list = await client.shopV1alpha1.widgets("default").list();`,
          `client.close();`,
          `let server = "loaded";`,
          `try { await import("@shop/api/server"); } catch (err) { server = err.code; }`,
          `console.log(JSON.stringify({ groupVersion: shopV1alpha1.GroupVersion, names: list.items.map((w) => w.metadata.name), server }));`,
        ].join("\n"),
      );
      const { stdout } = await run(process.execPath, ["main.js", kubeconfig], { cwd: app, timeout: 60_000 });
      // The server side needs the runtime, which this program did not install.
      assert.deepEqual(JSON.parse(stdout), { groupVersion: "shop.example.com/v1alpha1", names: ["w1"], server: "ERR_MODULE_NOT_FOUND" });
      assert.equal(seen.length, 1);
      assert.match(seen[0]!.url!, /^\/apis\/shop\.example\.com\/v1alpha1\/namespaces\/default\/widgets(\?|$)/);
      assert.equal(seen[0]!.userAgent, "shop-client");
    } finally {
      server.close();
    }
  });
});
