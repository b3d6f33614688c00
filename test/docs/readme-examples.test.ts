/**
 * The examples of README.md and the docs pages this suite owns are true:
 * every ```ts block type-checks (with its own imports, against this
 * repository's built packages: SKAI's `@skai/api`, the skai-gen client and
 * runtime, the definitions prelude, and the package the README's
 * `skai-gen init` generates), and every `skai-gen` command and flag a shell
 * block or commands table shows exists. A block that is not meant to compile says so:
 * ```ts nocheck.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import ts from "typescript";
import { serverUsage } from "../../runtime/src/server/flags.js";
import { codeBlocks, exampleProjects, readDoc, REPO_ROOT, type CodeBlock } from "./markdown.js";

/** The pages whose examples are checked; a page not written yet is skipped. */
const PAGES = ["README.md", "docs/getting-started.md", "docs/definitions-language.md", "docs/configuration.md"].filter((p) =>
  existsSync(path.join(REPO_ROOT, p)),
);
const CLI = path.join(REPO_ROOT, "generator/bin/skai-gen.js");

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  // Examples show a call and leave its result unused; that is not a mistake here.
  noUnusedLocals: false,
};

/**
 * Type errors of every example, by project, with the page's line numbers. One
 * program compiles them all (each file is a module of its own), so the
 * declarations of node, kubernetes-types and the packages are read once.
 */
function typeErrors(
  projects: Array<{
    root: string;
    files: Array<{ path: string; block: CodeBlock }>;
  }>,
  paths: Record<string, string[]>,
): Map<string, string[]> {
  const byFile = new Map<string, { root: string; block: CodeBlock }>();
  for (const p of projects) for (const f of p.files) byFile.set(path.join(p.root, f.path), { root: p.root, block: f.block });
  const program = ts.createProgram([...byFile.keys()], {
    ...COMPILER_OPTIONS,
    paths,
  });
  const errors = new Map<string, string[]>(projects.map((p) => [p.root, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const owner = d.file ? byFile.get(path.resolve(d.file.fileName)) : undefined;
    if (!owner || d.start === undefined) {
      // Not in an example (a package's declarations): every example is suspect.
      for (const list of errors.values()) list.push(`${d.file?.fileName ?? ""}: ${message}`);
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
    errors.get(owner.root)!.push(`${owner.block.file}:${owner.block.line + line}: ${message}`);
  }
  return errors;
}

type CliUses = Map<string, Array<{ flags: string[]; at: string }>>;

function addUse(uses: CliUses, words: string[], at: string): void {
  const command = words[0] && !words[0].startsWith("-") ? words[0] : "";
  const flags = words.filter((w) => w.startsWith("--")).map((w) => w.replace(/[=`),.].*$/, ""));
  (uses.get(command) ?? uses.set(command, []).get(command)!).push({
    flags,
    at,
  });
}

/**
 * `skai-gen <command> [--flag ...]` as shell blocks show it, and the rows of a
 * commands table (`| \`skai-gen init <dir>\` | ... (\`--group\`, ...) |`):
 * command -> the flags shown with it and where.
 */
function cliUses(page: string): CliUses {
  const uses: CliUses = new Map();
  for (const b of codeBlocks(page)) {
    if (!["sh", "bash", "shell", "console"].includes(b.lang)) continue;
    b.content.split("\n").forEach((raw, i) => {
      const line = raw.replace(/\s#.*$/, "");
      const m = /(?:^|\s|\/)skai-gen(?:\.js)?(?=\s|$)((?:\s+[^\s|;&]+)*)/.exec(line);
      if (m) addUse(uses, m[1].trim().split(/\s+/).filter(Boolean), `${b.file}:${b.line + i}`);
    });
  }
  readDoc(page)
    .split("\n")
    .forEach((line, i) => {
      const row = /^\| `skai-gen ([a-z-]+)[^`]*` \|(.*)\|\s*$/.exec(line);
      if (row) addUse(uses, [row[1], ...(row[2].match(/--[a-z][a-z-]*/g) ?? [])], `${page}:${i + 1}`);
    });
  return uses;
}

/** The README's section whose commands run in the project `skai-gen init` makes (the others run in this repository). */
const JOURNEY_SECTION = "Your own API";

/**
 * The journey's own API: the README's `skai-gen init <dir>` run for real (once),
 * so examples that import its generated package (`shop-api/client`) compile
 * against what init generates, and its npm scripts are the ones init writes.
 */
function journeyProject(scratch: string): { dir: string; paths: Record<string, string[]> } | undefined {
  const init = /(?:^|\s)skai-gen init (\S+)/m.exec(
    codeBlocks("README.md")
      .filter((b) => b.lang === "sh")
      .map((b) => b.content)
      .join("\n"),
  );
  if (!init) return undefined;
  const dir = path.join(scratch, init[1]);
  if (!existsSync(dir)) {
    const r = spawnSync(process.execPath, [CLI, "init", init[1]], { cwd: scratch, encoding: "utf8" });
    assert.equal(r.status, 0, `skai-gen init ${init[1]}: ${r.stdout}${r.stderr}`);
  }
  const config = JSON.parse(readFileSync(path.join(dir, "skai-gen.config.json"), "utf8")) as { package: { name: string } };
  const src = path.join(dir, "generated/src");
  return {
    dir,
    paths: { [config.package.name]: [path.join(src, "index.ts")], [`${config.package.name}/client`]: [path.join(src, "client/index.ts")] },
  };
}

/** `npm start`, `npm test`, `npm run <script>` in the README's shell blocks, with the section they are in. */
function npmScriptUses(): Array<{ script: string; section: string; at: string }> {
  const uses: Array<{ script: string; section: string; at: string }> = [];
  for (const b of codeBlocks("README.md")) {
    if (b.lang !== "sh") continue;
    b.content.split("\n").forEach((line, i) => {
      const m = /(?:^|\s)npm (?:run (\S+)|(start|test))(?=\s|$)/.exec(line.replace(/\s#.*$/, ""));
      if (m) uses.push({ script: m[1] ?? m[2], section: b.section, at: `${b.file}:${b.line + i}` });
    });
  }
  return uses;
}

/**
 * Flags passed to the server in shell blocks: `<name>-apiserver --flag ...`,
 * `npm start -- --flag ...`, `skai-gen dev -- --flag ...` (continuation lines joined).
 */
function serverFlagUses(page: string): Array<{ flag: string; at: string }> {
  const uses: Array<{ flag: string; at: string }> = [];
  for (const b of codeBlocks(page)) {
    if (!["sh", "bash", "shell", "console"].includes(b.lang)) continue;
    const lines = b.content.split("\n");
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i].replace(/\s#.*$/, "");
      const at = `${b.file}:${b.line + i}`;
      while (line.endsWith("\\") && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].replace(/\s#.*$/, "")}`;
      const m = /(?:^|\s)(?:[a-z0-9-]+-apiserver|npm start --|skai-gen dev --)\s(.*)$/.exec(line);
      if (m) for (const flag of m[1].match(/(?<=^|\s)--[a-z][a-z0-9-]*/g) ?? []) uses.push({ flag, at });
    }
  }
  return uses;
}

const execFileAsync = promisify(execFile);

/** `skai-gen [command] --help`, through the real bin. */
async function help(command: string): Promise<{ ok: boolean; text: string }> {
  try {
    const r = await execFileAsync(process.execPath, [CLI, ...(command ? [command] : []), "--help"], { cwd: REPO_ROOT, encoding: "utf8" });
    return { ok: true, text: `${r.stdout}${r.stderr}` };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return {
      ok: false,
      text: `${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`,
    };
  }
}

describe("docs examples", () => {
  const scratch = mkdtempSync(path.join(REPO_ROOT, "test", ".scratch-docs-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const projects = PAGES.flatMap((page) =>
    exampleProjects(codeBlocks(page), "example.ts").map((project, i) => ({
      ...project,
      page,
      root: path.join(scratch, `${page.replace(/\W+/g, "-")}-${i}`),
    })),
  );
  let errors: Map<string, string[]> | undefined;
  /** Writes every example, then compiles them all once, on first use. */
  const errorsOf = (root: string): string[] => {
    if (!errors) {
      for (const p of projects)
        for (const f of p.files) {
          mkdirSync(path.dirname(path.join(p.root, f.path)), {
            recursive: true,
          });
          writeFileSync(path.join(p.root, f.path), f.content);
        }
      errors = typeErrors(projects, journeyProject(scratch)?.paths ?? {});
    }
    return errors.get(root) ?? [];
  };
  for (const page of PAGES) {
    describe(page, () => {
      for (const project of projects.filter((p) => p.page === page)) {
        it(`${project.at} type-checks`, () => assert.deepEqual(errorsOf(project.root), []));
      }
    });
  }

  it("npm scripts in the README's shell blocks exist: the journey's in the project init makes, the others in this repository", () => {
    const scripts = (dir: string) => Object.keys((JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts?: object }).scripts ?? {});
    const journey = journeyProject(scratch);
    const missing = npmScriptUses().filter((u) => {
      const dir = u.section === JOURNEY_SECTION ? journey?.dir : REPO_ROOT;
      return !dir || !scripts(dir).includes(u.script);
    });
    assert.deepEqual(
      missing.map((u) => `${u.at}: npm ${u.script} (${u.section === JOURNEY_SECTION ? "the project init makes" : "this repository"})`),
      [],
    );
  });

  it("flags passed to the server in shell blocks are the server's", () => {
    const usage = serverUsage({ program: "server", stateDir: ".state", etcdPrefix: "/registry/example.com", kubeconfigContext: "example" });
    const unknown = PAGES.flatMap(serverFlagUses).filter((u) => u.flag !== "--help" && !new RegExp(`^\\s+${u.flag}\\s`, "m").test(usage));
    assert.deepEqual(
      unknown.map((u) => `${u.at}: ${u.flag}`),
      [],
      "flags the server's --help does not list",
    );
  });

  describe("skai-gen commands and flags shown in shell blocks exist", () => {
    const uses: CliUses = new Map();
    for (const page of PAGES) for (const [command, shown] of cliUses(page)) uses.set(command, [...(uses.get(command) ?? []), ...shown]);
    // The root's help lists the commands; a command's own help is needed only where flags are shown.
    // Started now, so the CLI's starts (each loads the generator) overlap with the type check above.
    const needed = ["", ...[...uses].filter(([c, shown]) => c && shown.some((u) => u.flags.length)).map(([c]) => c)];
    const started = Promise.all(needed.map(help));
    const helps = new Map<string, { ok: boolean; text: string }>();
    before(async () => (await started).forEach((h, i) => helps.set(needed[i], h)));
    it("the CLI answers --help", () => assert.ok(helps.get("")!.ok, helps.get("")!.text));
    for (const [command, shown] of uses) {
      it(`skai-gen ${command || "(no command)"}`, () => {
        const listed = new Set([...helps.get("")!.text.matchAll(/^\s+skai-gen (\S+)/gm)].map((m) => m[1]));
        if (command) assert.ok(listed.has(command), `${shown[0].at}: skai-gen ${command} is not a command (skai-gen --help lists ${[...listed].join(", ")})`);
        for (const use of shown)
          for (const flag of use.flags)
            assert.ok(new RegExp(`(^|\\s)${flag}(\\s|,|$)`, "m").test(helps.get(command)!.text), `${use.at}: skai-gen ${command} has no flag ${flag}`);
      });
    }
  });
});
