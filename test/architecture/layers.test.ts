// The folder rules of docs/architecture.md hold for client/src, runtime/src and generator/src;
// and the checker itself, on small fixtures, finds what it is there to find.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { importGraph, layerViolations, parseRules, readPackages } from "./layer-check.js";

const repo = path.resolve(import.meta.dirname, "../..");

test("client, runtime and generator keep the folder rules of docs/architecture.md", () => {
  const rules = parseRules(readFileSync(path.join(repo, "docs/architecture.md"), "utf8"));
  const graph = importGraph(repo, readPackages(repo, ["client", "runtime", "generator"]));
  const problems = layerViolations(graph, rules);
  assert.equal(problems.length, 0, `the layers block of docs/architecture.md is not kept:\n${problems.join("\n")}`);
});

describe("the layer check", () => {
  const roots: string[] = [];
  after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  /** A workspace of packages `lib` (@x/lib, exporting "." and "./b") and `app`, holding `files`. */
  function check(files: Record<string, string>, rules: string): string[] {
    const root = mkdtempSync(path.join(tmpdir(), "layers-"));
    roots.push(root);
    const manifests = {
      "lib/package.json": JSON.stringify({ name: "@x/lib", exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./b": "./dist/b/index.js" } }),
      "app/package.json": JSON.stringify({ name: "@x/app" }),
    };
    for (const [file, text] of Object.entries({ ...manifests, ...files })) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return layerViolations(importGraph(root, readPackages(root, ["lib", "app"])), parseRules("```layers\n" + rules + "\n```\n"));
  }

  const layered = "lib/index.ts -> lib/*\nlib/a -> lib/b\nlib/b -> -\napp/main.ts -> lib/index.ts lib/b";

  test("passes code that keeps the rules, whatever its imports of other packages", () => {
    const files = {
      "lib/src/index.ts": 'export * from "./a/one.js";\nexport * from "./b/index.js";\n',
      "lib/src/a/one.ts": 'import { two } from "../b/index.js";\nimport { readFileSync } from "node:fs";\nexport const one = two;\n',
      "lib/src/b/index.ts": 'import { x } from "./deep/x.js";\nexport const two = x;\n',
      "lib/src/b/deep/x.ts": "export const x = 2;\n",
      "app/src/main.ts": 'import { one } from "@x/lib";\nimport { two } from "@x/lib/b";\nconsole.log(one, two);\n',
    };
    assert.deepEqual(check(files, layered), []);
  });

  test("names a forbidden import with its file:line, the units and the rule", () => {
    const files = {
      "lib/src/index.ts": "export {};\n",
      "lib/src/a/one.ts": "export const one = 1;\n",
      "lib/src/b/index.ts": '// b is below a\n\nimport { one } from "../a/one.js";\nexport const two = one + 1;\n',
      "app/src/main.ts": "export {};\n",
    };
    assert.deepEqual(check(files, layered), [
      'lib/src/b/index.ts:3: lib/b imports lib/a (lib/src/a/one.ts), which the rule "lib/b -> -" does not allow',
    ]);
  });

  test("finds a cycle between folders and between files, naming every import on it", () => {
    const files = {
      "lib/src/index.ts": "export {};\n",
      "lib/src/a/one.ts": 'import { two } from "../b/index.js";\nexport const one = () => two;\n',
      "lib/src/b/index.ts": 'import type { Three } from "./three.js";\nimport { one } from "../a/one.js";\nexport const two = one;\nexport type Two = Three;\n',
      "lib/src/b/three.ts": 'export type Three = import("./index.js").Two;\n',
      "app/src/main.ts": "export {};\n",
    };
    const problems = check(files, "lib/index.ts -> -\nlib/a -> lib/b\nlib/b -> lib/a\napp/main.ts -> -");
    assert.deepEqual(problems, [
      "folder cycle lib/a <-> lib/b: lib/src/a/one.ts:1 -> lib/src/b/index.ts, lib/src/b/index.ts:2 -> lib/src/a/one.ts",
      "file cycle lib/src/a/one.ts <-> lib/src/b/index.ts <-> lib/src/b/three.ts: " +
        "lib/src/a/one.ts:1 -> lib/src/b/index.ts, lib/src/b/index.ts:1 -> lib/src/b/three.ts, lib/src/b/index.ts:2 -> lib/src/a/one.ts, lib/src/b/three.ts:1 -> lib/src/b/index.ts",
    ]);
  });

  test("counts type-only, re-export and dynamic imports, not ones in comments or strings", () => {
    const files = {
      "lib/src/index.ts": "export {};\n",
      "lib/src/a/one.ts": "export const one = 1;\n",
      "lib/src/b/index.ts": [
        '// import { one } from "../a/one.js";',
        'const text = "import { one } from \'../a/one.js\'";',
        'import type { One } from "../a/one.js";',
        'export { one } from "../a/one.js";',
        'export const later = () => import("../a/one.js");',
      ].join("\n"),
      "app/src/main.ts": "export {};\n",
    };
    assert.deepEqual(
      check(files, layered).map((p) => p.split(":").slice(0, 2).join(":")),
      ["lib/src/b/index.ts:3", "lib/src/b/index.ts:4", "lib/src/b/index.ts:5"],
    );
  });

  test("reports an import of a subpath the package does not export", () => {
    const files = {
      "lib/src/index.ts": "export {};\n",
      "lib/src/a/one.ts": "export const one = 1;\n",
      "lib/src/b/index.ts": "export {};\n",
      "app/src/main.ts": 'import { one } from "@x/lib/a/one";\nconsole.log(one);\n',
    };
    assert.deepEqual(check(files, layered), ["app/src/main.ts:1: imports @x/lib/a/one, which its package.json does not export"]);
  });

  test("reports a unit without a rule, and a rule naming no unit", () => {
    const files = { "lib/src/index.ts": "export {};\n", "lib/src/c/new.ts": "export {};\n", "app/src/main.ts": "export {};\n" };
    assert.deepEqual(check(files, layered), [
      "the layers block has a rule for lib/a, which is no unit",
      "the layers block has a rule for lib/b, which is no unit",
      "lib/c has no rule in the layers block",
    ]);
  });

  test("a unit's own line overrides a pattern naming it", () => {
    const files = {
      "lib/src/index.ts": "export {};\n",
      "lib/src/util.ts": "export const u = 1;\n",
      "lib/src/top.ts": 'import { u } from "./util.js";\nexport const t = u;\n',
      "app/src/main.ts": "export {};\n",
    };
    assert.deepEqual(check(files, "lib/*.ts -> lib/*.ts\nlib/index.ts -> -\napp/main.ts -> -"), []);
    assert.equal(check(files, "lib/*.ts -> lib/*.ts\nlib/top.ts -> -\napp/main.ts -> -").length, 1);
  });

  test("refuses a malformed rules block", () => {
    assert.throws(() => parseRules("no block here"), /no ```layers block/);
    assert.throws(() => parseRules("```layers\nlib/a lib/b\n```\n"), /line 1: expected/);
    assert.throws(() => parseRules("```layers\nlib/a -> -\nlib/a -> lib/b\n```\n"), /a second rule for lib\/a/);
  });
});
