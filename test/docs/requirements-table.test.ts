/**
 * The README's "What the tests need from the machine" table against
 * test/support/requirements.ts: one row per requirement, and each row's suites
 * name every test file that declares the requirement (a folder names the files
 * under it), so a new suite that needs etcd or kubectl cannot go unmentioned.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { declaredRequirements, REQUIREMENTS } from "../support/requirements.js";
import { readDoc, REPO_ROOT } from "./markdown.js";

/** Test files as scripts/run-tests.mjs finds them, relative to the repository. */
function testFiles(dir = "test"): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name === "fixtures" || e.name.startsWith(".scratch")) return [];
    const p = `${dir}/${e.name}`;
    return e.isDirectory() ? testFiles(p) : e.name.endsWith(".test.ts") ? [p] : [];
  });
}

/** Rows of the README's table: requirement -> the suite paths its row names. */
function tableRows(): Map<string, string[]> {
  const text = readDoc("README.md");
  const start = text.indexOf("### What the tests need from the machine");
  assert.ok(start >= 0, "README.md has the requirements table");
  const lines = text.slice(start).split("\n");
  const body = lines.slice(lines.findIndex((l) => l.startsWith("|---")) + 1);
  const rows = new Map<string, string[]>();
  for (const line of body) {
    if (!line.startsWith("|")) break;
    const m = /^\| ([a-z-]+) \| (.*?) \| .* \|$/.exec(line);
    assert.ok(m, `a row of the requirements table: ${line}`);
    rows.set(
      m[1],
      [...m[2].matchAll(/`(test\/[^`\s]+)`/g)].map((x) => x[1]),
    );
  }
  return rows;
}

describe("README: what the tests need from the machine", () => {
  const rows = tableRows();

  it("has one row per requirement of test/support/requirements.ts", () => {
    assert.deepEqual([...rows.keys()].sort(), Object.keys(REQUIREMENTS).sort());
  });

  it("names suites that exist", () => {
    const files = testFiles();
    for (const [req, paths] of rows)
      for (const p of paths)
        assert.ok(
          files.some((f) => f.startsWith(`${p}/`) || f === `${p}.test.ts`),
          `the ${req} row names ${p}, which holds no test`,
        );
  });

  it("names every suite that declares each requirement", () => {
    // test/runner tests the mechanism itself: its requires("...") are data, not needs.
    const files = testFiles().filter((f) => !f.startsWith("test/runner/"));
    const unnamed: string[] = [];
    for (const file of files) {
      for (const req of declaredRequirements(readFileSync(path.join(REPO_ROOT, file), "utf8"))) {
        const named = (rows.get(req) ?? []).some((p) => file.startsWith(`${p}/`) || file === `${p}.test.ts`);
        if (!named) unnamed.push(`${file} needs ${req}`);
      }
    }
    assert.deepEqual(unnamed, [], "add these suites to the README's table");
  });
});
