// skai-gen compat on SKAI's own definitions: adding v1beta1 beside v1alpha1 is a
// new version, not an edit, so it passes; dropping a v1beta1 field fails, at the
// field's type in the edited tree, naming where the field was.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { compareApis } from "../../generator/src/compat/index.js";
import { protobufStep } from "../../generator/src/read/protobuf-step.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";

const REPO_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ROOT = { file: "definitions", line: 1, column: 1 };

async function readTree(dir: string): Promise<ApiModel> {
  const read = await readDefinitions(dir, { projectRoot: REPO_ROOT });
  const numbered = protobufStep(dir, REPO_ROOT, read.model);
  assert.deepEqual([...read.diagnostics, ...numbered.diagnostics], [], `${dir} reads cleanly`);
  return read.model;
}

describe("compat on SKAI", { timeout: 300_000 }, () => {
  let scratch: string;
  let current: ApiModel;
  let alphaOnly: ApiModel;
  let edited: ApiModel;
  const DATASET = "definitions/skai.io/v1beta1/dataset.ts";
  const source = readFileSync(path.join(REPO_ROOT, DATASET), "utf8");
  const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

  before(async () => {
    // Inside the repository, so the copies resolve skai-gen/definitions and kubernetes-types.
    scratch = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-compat-skai-"));
    cpSync(path.join(REPO_ROOT, "definitions"), path.join(scratch, "before/definitions"), { recursive: true });
    rmSync(path.join(scratch, "before/definitions/skai.io/v1beta1"), { recursive: true });
    cpSync(path.join(REPO_ROOT, "definitions"), path.join(scratch, "after/definitions"), { recursive: true });
    const drop = source.replace(/\n  \/\*\*\n   \* File format of the data\.\n[\s\S]*?\n  format\?: [^\n]*\n/, "\n");
    assert.notEqual(drop, source, "the edit removed spec.format");
    writeFileSync(path.join(scratch, "after", DATASET), drop);
    [current, alphaOnly, edited] = await Promise.all([
      readTree(path.join(REPO_ROOT, "definitions")),
      readTree(path.join(scratch, "before/definitions")),
      readTree(path.join(scratch, "after/definitions")),
    ]);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("v1alpha1 -> v1beta1 passes: a new version, nothing breaking", () => {
    const findings = compareApis(alphaOnly, current, { alphaMayBreak: false, root: ROOT });
    assert.deepEqual(
      findings.map((f) => [f.rule, f.level, f.subject]),
      [["version-added", "compatible", "skai.io/v1beta1"]],
    );
  });

  it("dropping a v1beta1 field fails, at DatasetSpec in the edited tree, naming the field's old place", () => {
    const findings = compareApis(current, edited, { alphaMayBreak: true, root: ROOT });
    const breaking = findings.filter((f) => f.level === "breaking");
    const rel = path.relative(REPO_ROOT, path.join(scratch, "after", DATASET));
    const editedText = readFileSync(path.join(scratch, "after", DATASET), "utf8");
    assert.deepEqual(
      breaking.map((f) => [f.rule, f.subject, `${f.at.file}:${f.at.line}`, f.message]),
      [["removed-field", "skai.io/v1beta1 Dataset", `${rel}:${lineOf(editedText, "export interface DatasetSpec")}`, `field .spec.format was removed (it was at ${DATASET}:${lineOf(source, "  format?:")})`]],
    );
  });
});
