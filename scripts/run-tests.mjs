#!/usr/bin/env node
// Runs node's test runner over every test/**/*.test.ts (Node 20's runner takes no globs).
// `node scripts/run-tests.mjs test/storage test/e2e` runs only those folders.
// Suites that need something from the machine (etcd, tmux, kubectl: test/support/requirements.ts)
// are skipped when it is missing, said once before and once after the run; with CI=true a
// missing requirement fails the run instead.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { tsImport } from "tsx/esm/api";

const { REQUIREMENTS, declaredRequirements, missingReason, isCI } = await tsImport("../test/support/requirements.ts", import.meta.url);

function find(dir) {
  if (statSync(dir).isFile()) return dir.endsWith(".test.ts") ? [dir] : [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name === "fixtures") return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? find(p) : e.name.endsWith(".test.ts") ? [p] : [];
  });
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ["test"];
const files = roots.flatMap(find).sort();

// requirement -> the selected files that declare it, for the requirements this machine lacks
// (checked only when a selected file needs it: some checks cost a network round trip).
const declared = new Map(files.map((f) => [f, declaredRequirements(readFileSync(f, "utf8"))]));
const missing = [];
for (const req of Object.keys(REQUIREMENTS)) {
  const users = files.filter((f) => declared.get(f).includes(req));
  if (users.length === 0) continue;
  const reason = missingReason(req);
  if (reason) missing.push({ req, reason, users });
}
const lines = missing.map(
  ({ req, reason, users }) => `run-tests: skipped: the ${req} suites in ${users.length} file(s) (${users.join(", ")}): ${reason}`,
);

if (missing.length && isCI()) {
  for (const { req, reason, users } of missing) {
    console.error(`run-tests: error: CI=true and ${req} is missing, so ${users.length} test file(s) cannot run (${users.join(", ")}): ${reason}`);
  }
  console.error("run-tests: CI never skips a suite; install what is missing (see .ci/run)");
  process.exit(1);
}
for (const line of lines) console.log(line);
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
for (const line of lines) console.log(line);
process.exit(r.status ?? 1);
