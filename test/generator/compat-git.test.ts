// skai-gen compat against a git ref, in a temporary repository: the baseline is
// read from the tag, the working tree is compared with it, and the CLI's exit
// code and output say what broke and where.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCompat } from "../../generator/src/compat/index.js";
import { UserError } from "../../generator/src/user-error.js";

const REPO_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(REPO_ROOT, "generator/bin/skai-gen.js");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/compat");
const SPEC = "definitions/shop.example.com/v1/widget.ts";

describe("compat --against a git ref", { timeout: 300_000 }, () => {
  let work: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, encoding: "utf8" });

  before(() => {
    // Inside the repository, so the definitions resolve skai-gen/definitions from node_modules.
    work = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-compat-"));
    writeFileSync(path.join(work, "skai-gen.config.json"), JSON.stringify({ package: { name: "shop-api" } }));
    cpSync(path.join(FIXTURES, "old/definitions"), path.join(work, "definitions"), { recursive: true });
    git("init", "-q");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "empty");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1.0.0");
    git("tag", "v1.0.0");
    // The working tree drops a field of the stable version.
    const spec = path.join(work, SPEC);
    writeFileSync(spec, readFileSync(spec, "utf8").replace("  /** The old name. */\n  legacyName?: string;\n", ""));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("reads the baseline at the ref and finds the removed field, placed in the working tree", async () => {
    const r = await runCompat({ definitionsDir: path.join(work, "definitions"), projectRoot: work, against: "v1.0.0", alphaMayBreak: false });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.level, `${f.at.file}:${f.at.line}`, f.message]),
      [["removed-field", "breaking", `${SPEC}:15`, `field .spec.legacyName was removed (it was at v1.0.0:${SPEC}:17)`]],
    );
    assert.deepEqual(readdirSync(path.join(work, ".skai-gen")), [], "the baseline's scratch copy is gone");
  });

  it("the CLI exits 1 with the finding as file:line:col, the hint and a summary", () => {
    const r = spawnSync(process.execPath, [CLI, "compat", "--against", "v1.0.0"], { cwd: work, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^${SPEC}:15:18: error: shop\\.example\\.com/v1 Widget: field \\.spec\\.legacyName was removed .*\\(removed-field\\)$`, "m"));
    assert.match(r.stderr, /^ {2}hint: keep the field \(mark it @deprecated\)/m);
    assert.match(r.stderr, /^skai-gen compat: definitions against v1\.0\.0: 1 breaking$/m);
  });

  it("exits 0 once the change is acknowledged, listing it with its reason", () => {
    const spec = path.join(work, SPEC);
    writeFileSync(spec, readFileSync(spec, "utf8").replace("export interface WidgetSpec {", "/** @breakingChange removed-field legacyName was never read */\nexport interface WidgetSpec {"));
    const acked = spawnSync(process.execPath, [CLI, "compat", "--against", "v1.0.0"], { cwd: work, encoding: "utf8", timeout: 120_000 });
    assert.equal(acked.status, 0, acked.stderr);
    assert.match(acked.stdout, /acknowledged breaking changes[^\n]*:\n {2}definitions\/shop\.example\.com\/v1\/widget\.ts:\d+:\d+: .*\(removed-field\) -- legacyName was never read/);
    assert.match(acked.stdout, /1 acknowledged$/m);
  });

  it("an unknown ref or a missing baseline is one line, exit 1", async () => {
    await assert.rejects(runCompat({ definitionsDir: path.join(work, "definitions"), projectRoot: work, against: "no-such-ref", alphaMayBreak: false }), (e: unknown) => e instanceof UserError && /no commit no-such-ref/.test(e.message));
    const r = spawnSync(process.execPath, [CLI, "compat"], { cwd: work, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^skai-gen compat: no baseline: pass --against <git ref>/);
    assert.ok(!existsSync(path.join(work, ".skai-gen")) || readdirSync(path.join(work, ".skai-gen")).length === 0);
  });

});

describe("generate with compat.against", { timeout: 300_000 }, () => {
  let work: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, encoding: "utf8" });
  before(() => {
    work = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-compat-gen-"));
    cpSync(path.join(REPO_ROOT, "test/fixtures/apis/minimal/definitions"), path.join(work, "definitions"), { recursive: true });
    writeFileSync(path.join(work, "skai-gen.config.json"), JSON.stringify({ compat: { against: "main" } }));
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("prints a one-line summary after writing", () => {
    const file = path.join(work, "definitions/tiny.example.org/v1alpha1/greeting.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace("  times?: int32;\n", "  times?: int32;\n  /** Who it is for. */\n  audience?: string;\n"));
    const r = spawnSync(process.execPath, [CLI, "generate"], { cwd: work, encoding: "utf8", timeout: 240_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^skai-gen compat: against main: 1 compatible$/m);
  });
});
