// skai-gen compat against a folder holding a previously generated package: the
// baseline is what the package's OpenAPI v3 documents and proto files describe.
// SKAI's committed package against its own definitions has no changes; an edit
// dropping a v1beta1 field is breaking, placed in the edited definitions.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCompat } from "../../generator/src/compat/index.js";
import { readBaselinePackage } from "../../generator/src/compat/package-baseline.js";
import { UserError } from "../../generator/src/user-error.js";

const REPO_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DATASET = "skai.io/v1beta1/dataset.ts";

describe("compat --against a generated package folder", { timeout: 300_000 }, () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-compat-pkg-"));
    cpSync(path.join(REPO_ROOT, "definitions"), path.join(scratch, "definitions"), { recursive: true });
    const file = path.join(scratch, "definitions", DATASET);
    const text = readFileSync(file, "utf8");
    const edited = text.replace(/\n  \/\*\*\n   \* File format of the data\.\n[\s\S]*?\n  format\?: [^\n]*\n/, "\n");
    assert.notEqual(edited, text);
    writeFileSync(file, edited);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("reads kinds, scope, subresources, storage version and protobuf numbers from the package", () => {
    const model = readBaselinePackage(path.join(REPO_ROOT, "generated"), REPO_ROOT);
    const [skai] = model.groups;
    assert.deepEqual(skai!.versions.map((v) => [v.name, v.storage]), [["v1beta1", false], ["v1alpha1", true]]);
    const queue = skai!.versions[0]!.kinds.find((k) => k.name === "Queue")!;
    assert.equal(queue.scope, "Cluster");
    const notebook = skai!.versions[0]!.kinds.find((k) => k.name === "Notebook")!;
    assert.deepEqual([notebook.subresources.status, notebook.subresources.log, notebook.subresources.exec], [true, true, true]);
    assert.equal(model.protobuf!.messages["io.skai.v1beta1.DatasetSpec"]!.fields.format, 2);
  });

  it("SKAI's committed package against its definitions: no changes", async () => {
    const r = await runCompat({ definitionsDir: path.join(REPO_ROOT, "definitions"), projectRoot: REPO_ROOT, against: "generated", alphaMayBreak: false });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.findings.map((f) => `${f.rule} ${f.subject}: ${f.message}`), []);
  });

  it("a dropped v1beta1 field is breaking, at its type in the edited definitions", async () => {
    const r = await runCompat({ definitionsDir: path.join(scratch, "definitions"), projectRoot: REPO_ROOT, against: "generated", alphaMayBreak: false });
    assert.deepEqual(r.diagnostics, []);
    const rel = path.relative(REPO_ROOT, path.join(scratch, "definitions", DATASET));
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.level, f.subject, f.at.file, f.message]),
      [["removed-field", "breaking", "skai.io/v1beta1 Dataset", rel, "field .spec.format was removed (it was at generated/openapi/v3/apis/skai.io/v1beta1.json:1)"]],
    );
  });

  it("a folder that holds no generated package is one clear error", async () => {
    await assert.rejects(
      runCompat({ definitionsDir: path.join(REPO_ROOT, "definitions"), projectRoot: REPO_ROOT, against: "docs", alphaMayBreak: false }),
      (e: unknown) => e instanceof UserError && /docs is a folder without a generated package/.test(e.message),
    );
  });
});
