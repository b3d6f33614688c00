/**
 * docs/definitions-language.md against the reader: its tag index lists exactly
 * the tags the reader accepts, each in the places the reader accepts it; every
 * tag is shown in an example; every example generates without a diagnostic,
 * run through the real pipeline as a project of its own; and the page's
 * mistake prints, through the CLI, exactly the output the page shows.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { formatDiagnostic } from "../../generator/src/model/diagnostic.js";
import { generate } from "../../generator/src/pipeline.js";
import { CONSTRAINT_TAGS, KIND_TAGS, TYPE_ONLY_TAGS, VERSION_TAGS } from "../../generator/src/read/tags.js";
import { codeBlocks, exampleProjects, readDoc, REPO_ROOT } from "./markdown.js";

const PAGE = "docs/definitions-language.md";
const text = readDoc(PAGE);
const blocks = codeBlocks(PAGE, text);

/** The places the reader accepts each tag: kind, field, type (an object type or alias), version (index.ts). */
function readerPlaces(): Map<string, Set<string>> {
  const places = new Map<string, Set<string>>();
  const add = (tags: readonly string[], ...where: string[]) => {
    for (const t of tags) for (const w of where) (places.get(t) ?? places.set(t, new Set()).get(t)!).add(w);
  };
  add(KIND_TAGS, "kind");
  add(CONSTRAINT_TAGS, "field", "type");
  add(TYPE_ONLY_TAGS, "type");
  add(VERSION_TAGS, "version");
  return places;
}

/** Rows of the page's tag index: `| \`@tag\` | where, where | value | effect |`. */
function indexRows(): Map<string, Set<string>> {
  const start = text.indexOf("### Tag index");
  assert.ok(start >= 0, `${PAGE} has a "### Tag index" section`);
  const section = text.slice(start, text.indexOf("\n### ", start + 1));
  const rows = new Map<string, Set<string>>();
  for (const line of section.split("\n")) {
    const m = /^\| `@([A-Za-z]+)` \| ([^|]+) \|/.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]), `@${m[1]} has one row in the tag index`);
    rows.set(m[1], new Set(m[2].split(",").map((w) => w.trim())));
  }
  return rows;
}

describe("docs/definitions-language.md", () => {
  const documented = indexRows();
  const accepted = readerPlaces();

  it("indexes every tag the reader accepts, and no other", () => {
    const missing = [...accepted.keys()].filter((t) => !documented.has(t)).sort();
    const unknown = [...documented.keys()].filter((t) => !accepted.has(t)).sort();
    assert.deepEqual(missing, [], `tags the reader accepts that ${PAGE} does not document: ${missing.map((t) => `@${t}`).join(", ")}`);
    assert.deepEqual(unknown, [], `tags ${PAGE} documents that the reader does not accept: ${unknown.map((t) => `@${t}`).join(", ")}`);
  });

  it("says where each tag goes as the reader does", () => {
    for (const [tag, where] of documented) {
      const expected = accepted.get(tag);
      if (!expected) continue; // reported above
      assert.deepEqual([...where].sort(), [...expected].sort(), `the tag index's "where" for @${tag}`);
    }
  });

  it("shows every tag in an example", () => {
    const examples = blocks
      .filter((b) => b.lang === "ts")
      .map((b) => b.content)
      .join("\n");
    const unshown = [...accepted.keys()].filter((t) => !new RegExp(`@${t}(\\s|\\*|$)`, "m").test(examples)).sort();
    assert.deepEqual(unshown, [], `tags without an example on the page: ${unshown.map((t) => `@${t}`).join(", ")}`);
  });

  describe("every example generates without a diagnostic", () => {
    const scratch = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-docs-"));
    after(() => rmSync(scratch, { recursive: true, force: true }));
    const projects = exampleProjects(blocks, "definitions/example.com/v1/example.ts").filter((p) => !p.files.some((f) => f.block.flags.includes("mistake")));
    it("has examples", () => assert.ok(projects.length >= 8, `${projects.length} example projects`));
    for (const [i, project] of projects.entries()) {
      it(`${project.at} (${project.files.map((f) => path.basename(f.path)).join(", ")})`, async () => {
        const root = path.join(scratch, `p${i}`);
        for (const f of project.files) {
          assert.match(
            f.path,
            /^definitions\/[^/]+\/[^/]+\/[^/]+\.ts$/,
            `${f.block.file}:${f.block.line}: an example names its file definitions/<group>/<version>/<name>.ts`,
          );
          mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
          writeFileSync(path.join(root, f.path), f.content);
        }
        const result = await generate({
          definitionsDir: path.join(root, "definitions"),
          projectRoot: root,
          config: { projectRoot: root, config: {} },
        });
        assert.deepEqual(result.diagnostics.map(formatDiagnostic), [], `the example at ${project.at} generates cleanly`);
        assert.ok(result.files.length > 0);
      });
    }
  });

  describe("a mistake prints what the page says", () => {
    const scratch = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-docs-"));
    after(() => rmSync(scratch, { recursive: true, force: true }));
    const mistakes = blocks.filter((b) => b.lang === "ts" && b.flags.includes("mistake"));
    it("has one", () => assert.ok(mistakes.length > 0));
    for (const block of mistakes) {
      it(`${block.file}:${block.line}`, () => {
        const output = blocks.find((b) => b.line > block.line && b.lang === "");
        assert.ok(output && block.path, "a ```ts mistake block names its file and is followed by a plain block with the output");
        writeFileSync(path.join(scratch, "skai-gen.config.json"), "{}\n");
        mkdirSync(path.dirname(path.join(scratch, block.path)), { recursive: true });
        writeFileSync(path.join(scratch, block.path), block.content);
        const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "generator/bin/skai-gen.js"), "generate"], { cwd: scratch, encoding: "utf8" });
        assert.equal(r.status, 1);
        assert.equal(`${r.stdout}${r.stderr}`.trim(), output.content.trim());
      });
    }
  });
});
