// The Markdown API reference built from the real SKAI definitions: every kind, its
// nested types and fields with constraints and defaults, enums, anchors that resolve.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { ApiModel } from "../../generator/src/model/types.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import { docsEmitter, docsPageView } from "../../generator/src/emit/docs.js";
import { finishFile } from "../../generator/src/codegen/format.js";
import { resolveConfig } from "../../generator/src/config/index.js";
import { emitContext } from "../../generator/src/pipeline.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
let model: ApiModel;
let page: string;

before(async () => {
  const r = await readDefinitions(join(root, "definitions"), { projectRoot: root });
  assert.deepEqual(r.diagnostics, []);
  model = r.model;
  const files = await docsEmitter.emit(model, emitContext(resolveConfig({ projectRoot: root, config: {} }, ["skai.io"])));
  assert.deepEqual(files.map((f) => f.path), ["docs/skai.io/v1beta1.md", "docs/skai.io/v1alpha1.md"]);
  page = (await finishFile(files[1])).content;
});

/** The Markdown table row of a field inside the section that starts at `heading`. */
function row(heading: string, field: string): string {
  const start = page.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `section ${heading}`);
  const next = page.indexOf("\n#", start + heading.length + 2);
  const section = page.slice(start, next < 0 ? undefined : next);
  const line = section.split("\n").find((l) => l.startsWith(`| \`${field}\``));
  assert.ok(line, `${heading} has field ${field}`);
  return line!;
}

describe("docs page", () => {
  it("has a section per kind with scope, short names, subresources and print columns", () => {
    for (const k of model.groups[0].versions.find((v) => v.name === "v1alpha1")!.kinds) {
      assert.match(page, new RegExp(`\\n## ${k.name}\\n`), k.name);
      assert.ok(page.includes(`<a id="${k.name.toLowerCase()}"></a>`));
      assert.ok(page.includes(`(singular \`${k.singular}\`)`));
    }
    assert.match(page, /\| Short names +\| `nb` /);
    assert.match(page, /\| Subresources +\| status, scale \(replicas `\.spec\.workers\.replicas`/);
    assert.match(page, /\| URL +\| string +\| `\.status\.url` +\| 1 /);
    const queue = page.slice(page.indexOf("\n## Queue\n"), page.indexOf("\n## TrainingJob\n"));
    assert.match(queue, /\| Scope +\| Cluster /);
  });

  it("documents nested types with doc comments, constraints, defaults and rules", () => {
    assert.match(row("### NotebookSpec", "image"), /Container image that runs the notebook server\.<br>Minimum length: 1\.<br>Maximum length: 512\./);
    assert.match(row("### NotebookSpec", "image"), /\| yes +\|/);
    assert.match(row("### NotebookSpec", "idleTimeout"), /Rule: `self\.matches\('\^\[0-9\]\+\(s\\\|m\\\|h\)\$'\)`: must be a duration like 30m\.<br>Default: `"1h"`/);
    assert.match(row("### NotebookSpec", "serviceAccountName"), /Immutable once set\./);
    assert.match(row("### NotebookSpec", "env"), /keyed by `name`/);
    assert.match(row("### WorkerPool", "replicas"), /integer \(int32\).*Minimum: 1\.<br>Maximum: 1024\.<br>Default: `1`/);
    assert.match(row("### DatasetMount", "mountPath"), /Pattern: `\^\/`/);
    assert.match(page, /### WorkerPool\n\nA pool of identical workers[^\n]*\n\n- Rule: `!has\(self\.elastic\)/);
  });

  it("links types to their sections, kubernetes types upstream, and lists enum values", () => {
    assert.match(row("## Notebook", "spec"), /\[NotebookSpec\]\(#notebookspec\)/);
    assert.match(row("### TrainingJobSpec", "template"), /\[PodTemplateSpec\]\(https:\/\/kubernetes\.io\/docs\/reference\/generated\/kubernetes-api\/v1\.32\/#podtemplatespec-v1-core\)/);
    assert.match(row("### NotebookStatus", "phase"), /\[NotebookPhase\]\(#notebookphase\)/);
    assert.match(page, /### NotebookPhase\n\nUsed by \[NotebookStatus\]\(#notebookstatus\)\.\n\n\| Value +\|\n\| -+ \|\n\| `Pending` +\|/);
    // Every in-page link has its anchor.
    for (const m of page.matchAll(/\]\(#([a-z0-9-]+)\)/g)) assert.ok(page.includes(`<a id="${m[1]}"></a>`), `anchor ${m[1]}`);
  });

  it("documents every definitions type reachable from a kind exactly once, and no kubernetes type", () => {
    const view = docsPageView(model, "skai.io", model.groups[0].versions.find((v) => v.name === "v1alpha1")!);
    const ids = view.types.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.equal(model.types[id].origin, "definitions");
    for (const k of model.groups[0].versions.find((v) => v.name === "v1alpha1")!.kinds) {
      assert.ok(ids.includes(k.spec));
      if (k.status) assert.ok(ids.includes(k.status));
    }
  });

  it("starts with the generated notice and the version's doc comment", () => {
    assert.match(page, /^<!-- Code generated by skai-gen\. DO NOT EDIT\. -->\n\n# skai\.io\/v1alpha1 API reference\n\nPackage v1alpha1 is the first version/);
  });
});
