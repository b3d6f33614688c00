/**
 * `npm test` on a machine without etcd: scripts/run-tests.mjs skips the suites
 * that need it, saying so before and after the run, and exits 0; with CI=true
 * it fails with the reason instead. etcd is hidden by running the runner with a
 * PATH that holds no etcd (the runner starts node by its absolute path).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { declaredRequirements, locate, missingReason } from "../support/requirements.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const fixture = "test/runner/fixtures/needs-etcd.test.ts";
const emptyBin = mkdtempSync(path.join(tmpdir(), "no-etcd-"));
after(() => rmSync(emptyBin, { recursive: true, force: true }));

function runTests(env: Record<string, string | undefined>) {
  const base = { ...process.env };
  delete base.ETCD_BIN;
  delete base.CI;
  delete base.NODE_TEST_CONTEXT; // run as a top-level runner, not as a child of this one
  const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", fixture], {
    cwd: repo,
    env: { ...base, PATH: emptyBin, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("without etcd on PATH the runner skips the etcd suites, says how to enable them, and exits 0", () => {
  const r = runTests({});
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const skipLines = r.stdout.split("\n").filter((l) => l.startsWith("run-tests: skipped: the etcd suites"));
  assert.equal(skipLines.length, 2, `once before and once after the run:\n${r.stdout}`);
  assert.ok(skipLines[0]!.includes(fixture));
  assert.match(skipLines[0]!, /apt-get install etcd-server, or ETCD_BIN=/);
  assert.match(r.stdout, /# SKIP needs etcd/, "the suite itself reports the skip");
  assert.ok(r.stdout.lastIndexOf("run-tests: skipped:") > r.stdout.indexOf("# pass"), "repeated after the summary");
});

test("with CI=true a missing etcd fails the run with a clear message", () => {
  const r = runTests({ CI: "true" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /CI=true and etcd is missing, so 1 test file\(s\) cannot run \(test\/runner\/fixtures\/needs-etcd\.test\.ts\)/);
  assert.match(r.stderr, /apt-get install etcd-server/);
});

test("with CI=true the suite itself fails too when run without the runner", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: emptyBin, ETCD_BIN: "", CI: "true" };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ["--import", "tsx", fixture], {
    cwd: repo,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /CI=true and this suite needs etcd \(etcd is not on PATH\)/);
});

test("ETCD_BIN names the binary: present, the suite runs and nothing is skipped", () => {
  const fake = path.join(emptyBin, "my-etcd");
  writeFileSync(fake, "#!/bin/sh\n");
  chmodSync(fake, 0o755);
  assert.equal(locate("etcd", { PATH: "", ETCD_BIN: fake }), fake);
  const r = runTests({ ETCD_BIN: fake, CI: "true" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /run-tests: skipped/);
  assert.match(r.stdout, /ok 1 - runs only with etcd/);
  assert.match(missingReason("etcd", { PATH: "", ETCD_BIN: "/nonexistent/etcd" })!, /ETCD_BIN=\/nonexistent\/etcd is not an executable/);
});

/** Every test file under test/ (fixtures aside), with its text. */
function testFiles(dir = path.join(repo, "test")): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "fixtures" || e.name === "node_modules") return [];
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith(".test.ts") ? [{ file: path.relative(repo, p), text: readFileSync(p, "utf8") }] : [];
  });
}

test("every suite that starts etcd or tmux declares it, so the runner can say which files it skips", () => {
  const files = testFiles();
  const etcdUsers = files.filter((f) => /support\/etcd\.js|replicas\/harness\.js/.test(f.text) || (f.file.startsWith("test/replicas/") && /\.\/harness\.js/.test(f.text)));
  assert.ok(etcdUsers.length >= 5, etcdUsers.map((f) => f.file).join(", "));
  for (const f of etcdUsers) assert.ok(declaredRequirements(f.text).includes("etcd"), `${f.file} starts etcd but does not declare requires("etcd")`);
  for (const f of files.filter((x) => /\brun\("tmux"|"tmux", \[/.test(x.text))) {
    assert.ok(declaredRequirements(f.text).includes("tmux"), `${f.file} runs tmux but does not declare requires("tmux")`);
  }
});
