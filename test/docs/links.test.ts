/**
 * Links in README.md and the docs pages this suite owns lead somewhere: a
 * relative link names a file or folder of the repository, and an anchor names
 * a heading of its page (GitHub's slugs). Nothing points outside the repository
 * except web addresses.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { readDoc, REPO_ROOT } from "./markdown.js";

const PAGES = ["README.md", "docs/getting-started.md", "docs/definitions-language.md", "docs/configuration.md"].filter((p) =>
  existsSync(path.join(REPO_ROOT, p)),
);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Text outside code blocks and code spans, where links are links. */
function prose(text: string): string {
  return text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, "").replace(/`[^`\n]*`/g, "");
}

function anchors(file: string): Set<string> {
  const text = readDoc(file).replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, "");
  return new Set([...text.matchAll(/^#{1,6} (.*)$/gm)].map((m) => slug(m[1])));
}

describe("docs links", () => {
  for (const page of PAGES) {
    it(`${page}: every relative link and anchor resolves`, () => {
      const broken: string[] = [];
      for (const m of prose(readDoc(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const [file, anchor] = target.split("#");
        const resolved = file ? path.normalize(path.join(path.dirname(page), file)) : page;
        if (resolved.startsWith("..")) {
          broken.push(`${target}: outside the repository`);
          continue;
        }
        if (!existsSync(path.join(REPO_ROOT, resolved))) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${resolved}`);
      }
      assert.deepEqual(broken, []);
    });
  }
});
