/**
 * Fenced code blocks of the docs, with where they are, for the tests that keep
 * the docs true: examples are compiled and read, commands are checked against
 * the CLI. A block's info string is its language and optional words
 * (```ts nocheck); a ts block whose first line is a path comment
 * (`// definitions/shop.example.com/v1/widget.ts`) is that file of a project.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface CodeBlock {
  /** Markdown file, relative to the repository. */
  file: string;
  /** 1-based line of the block's first content line. */
  line: number;
  lang: string;
  /** Words after the language (`nocheck`). */
  flags: string[];
  content: string;
  /** The nearest heading (level 2 or deeper) above the block. */
  section: string;
  /** The path named by a first-line comment, if any. */
  path?: string;
}

export function readDoc(file: string): string {
  return readFileSync(path.join(REPO_ROOT, file), "utf8");
}

export function codeBlocks(file: string, text = readDoc(file)): CodeBlock[] {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{2,6} (.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const open = /^(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith(fence)) end++;
    const content = lines.slice(start, end).join("\n") + "\n";
    const named = /^\/\/ (\S+\.ts)\s*$/.exec(lines[start] ?? "");
    blocks.push({
      file,
      line: start + 1,
      lang: open[2],
      flags: open[3].split(/\s+/).filter(Boolean),
      content,
      section,
      ...(named ? { path: named[1] } : {}),
    });
    i = end;
  }
  return blocks;
}

export interface ExampleProject {
  /** Where the project's first block is, for messages. */
  at: string;
  files: Array<{ path: string; content: string; block: CodeBlock }>;
}

/**
 * TypeScript examples grouped into projects: consecutive blocks that name
 * distinct paths in one section form one project (a version's index.ts and
 * its kinds); any other block is a project of its own, at `defaultPath`.
 */
export function exampleProjects(blocks: CodeBlock[], defaultPath: string): ExampleProject[] {
  const projects: ExampleProject[] = [];
  let current: ExampleProject | undefined;
  let previous: CodeBlock | undefined;
  for (const b of blocks) {
    const ts = b.lang === "ts" || b.lang === "typescript";
    if (!ts || b.flags.includes("nocheck")) {
      current = undefined;
      previous = b;
      continue;
    }
    const continues =
      current !== undefined &&
      b.path !== undefined &&
      previous?.path !== undefined &&
      previous.section === b.section &&
      !current.files.some((f) => f.path === b.path);
    if (!continues) {
      current = { at: `${b.file}:${b.line}`, files: [] };
      projects.push(current);
    }
    current!.files.push({ path: b.path ?? defaultPath, content: b.content, block: b });
    if (!b.path) current = undefined;
    previous = b;
  }
  return projects;
}
