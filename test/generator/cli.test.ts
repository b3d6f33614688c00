/**
 * The skai-gen command line on a copy of the SKAI definitions: generate is
 * repeatable, verify catches drift, every command has --help, and a user
 * mistake is a diagnostic and exit 1, never a stack trace.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "../support/generated-server.js";

const cli = path.join(repoRoot, "generator/bin/skai-gen.js");

function skaiGen(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe("skai-gen CLI", { timeout: 300_000 }, () => {
  // Inside the repository, so definitions resolve skai-gen/definitions and kubernetes-types from node_modules.
  let work: string;
  before(() => {
    mkdirSync(path.join(repoRoot, "bench/out"), { recursive: true });
    work = mkdtempSync(path.join(repoRoot, "bench/out/cli-"));
    cpSync(path.join(repoRoot, "definitions"), path.join(work, "definitions"), { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("generates, and a second run changes nothing", () => {
    const first = skaiGen(["generate"], work);
    assert.equal(first.status, 0, first.err);
    assert.match(first.out, /skai-gen: \d+ kinds, \d+ files in generated \(\d+ added, 0 changed, 0 removed\)/);
    const second = skaiGen(["generate"], work);
    assert.equal(second.status, 0, second.err);
    assert.match(second.out, /\(no changes\)/);
  });

  it("verify passes on fresh output and fails, listing the stale files, after a definition edit", () => {
    const ok = skaiGen(["verify"], work);
    assert.equal(ok.status, 0, ok.err);
    assert.match(ok.out, /generated is up to date/);
    const notebook = path.join(work, "definitions/skai.io/v1alpha1/notebook.ts");
    writeFileSync(notebook, readFileSync(notebook, "utf8").replace("  suspend?: boolean;", "  suspend?: boolean;\n  /** Added by a test. */\n  extra?: string;"));
    const stale = skaiGen(["verify"], work);
    assert.equal(stale.status, 1);
    assert.match(stale.err, /stale: {3}generated\/src\/skai\.io\/v1alpha1\/types\.ts/);
    assert.match(stale.err, /run `skai-gen generate` and commit the result/);
    // and a file the generator would no longer write is reported as extra
    writeFileSync(path.join(work, "generated/src/leftover.ts"), "export {};\n");
    assert.match(skaiGen(["verify"], work).err, /extra: {3}generated\/src\/leftover\.ts/);
    assert.equal(skaiGen(["generate"], work).status, 0);
    assert.equal(skaiGen(["verify"], work).status, 0);
  });

  it("has --help on every command", () => {
    for (const args of [["--help"], ["generate", "--help"], ["verify", "--help"]]) {
      const r = skaiGen(args, work);
      assert.equal(r.status, 0, r.err);
      assert.match(r.out, /--help/);
    }
    assert.match(skaiGen(["generate", "--help"], work).out, /--watch/);
    const none = skaiGen([], work);
    assert.notEqual(none.status, 0);
    assert.match(none.err, /Name a command: generate or verify/);
  });

  it("reports a user mistake as a diagnostic with exit 1 and no stack trace", () => {
    const notebook = path.join(work, "definitions/skai.io/v1alpha1/notebook.ts");
    writeFileSync(notebook, readFileSync(notebook, "utf8").replace("@maxLength 512", "@maxLength lots"));
    const r = skaiGen(["generate"], work);
    assert.equal(r.status, 1);
    assert.match(r.err, /definitions\/skai\.io\/v1alpha1\/notebook\.ts:\d+:\d+: error: /);
    assert.match(r.err, /nothing was written/);
    assert.doesNotMatch(r.err, /\n\s+at .*\.js:\d+:\d+/);
    const missing = skaiGen(["generate", "--definitions", "nowhere"], work);
    assert.equal(missing.status, 1);
    assert.match(missing.err, /no definitions folder at nowhere/);
  });
});
