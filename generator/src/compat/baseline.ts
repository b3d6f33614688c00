/**
 * The baseline of `skai-gen compat`: the API the definitions described at a
 * git ref. Its definitions folder is copied out of git into a temporary folder
 * inside the project, so `skai-gen/definitions` and `kubernetes-types` resolve
 * from the project's node_modules exactly as they do for the working tree, then
 * read (and protobuf-numbered from that ref's lock file) like any definitions.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../model/diagnostic.js";
import type { ApiModel } from "../model/types.js";
import { readDefinitions } from "../read/index.js";
import { protobufStep } from "../read/protobuf-step.js";
import { UserError } from "../user-error.js";

export interface Baseline {
  model: ApiModel;
  /** Problems reading the baseline (its paths name the ref). */
  diagnostics: Diagnostic[];
}

export async function readBaselineAtRef(ref: string, definitionsDir: string, projectRoot: string): Promise<Baseline> {
  const git = (...args: string[]) => runGit(args, projectRoot);
  const top = git("rev-parse", "--show-toplevel").trim();
  git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  const inRepo = path.relative(top, definitionsDir).split(path.sep).join("/");
  const files = git("ls-tree", "-r", "-z", "--name-only", ref, "--", inRepo).split("\0").filter(Boolean);
  const shown = path.relative(projectRoot, definitionsDir).split(path.sep).join("/") || ".";
  if (files.length === 0) throw new UserError(`${ref} has no ${shown} folder: nothing to compare with`);
  // Under .skai-gen/ (skai-gen's own scratch space, git-ignored like its certificates).
  mkdirSync(path.join(projectRoot, ".skai-gen"), { recursive: true });
  const scratch = mkdtempSync(path.join(projectRoot, ".skai-gen", "compat-"));
  try {
    const copy = path.join(scratch, path.basename(definitionsDir));
    for (const file of files) {
      const target = path.join(copy, path.relative(inRepo, file));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, runGitBuffer(["show", `${ref}:${file}`], projectRoot));
    }
    const read = await readDefinitions(copy, { projectRoot });
    const protobuf = protobufStep(copy, projectRoot, read.model);
    // Places in the baseline name the ref (`v1.2.0:definitions/...`), never the scratch folder.
    const from = path.relative(projectRoot, copy).split(path.sep).join("/");
    const rename = (file: string) => (file === from || file.startsWith(`${from}/`) ? `${ref}:${shown}${file.slice(from.length)}` : file);
    relocate(read.model, rename);
    const diagnostics = [...read.diagnostics, ...protobuf.diagnostics].map((d) => ({ ...d, file: rename(d.file) }));
    return { model: read.model, diagnostics };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Rewrites every source location's file in a model (plain data: objects with file, line and column). */
function relocate(value: unknown, rename: (file: string) => string): void {
  if (Array.isArray(value)) {
    for (const v of value) relocate(v, rename);
    return;
  }
  if (!value || typeof value !== "object") return;
  const rec = value as Record<string, unknown>;
  if (typeof rec.file === "string" && typeof rec.line === "number" && typeof rec.column === "number") rec.file = rename(rec.file);
  for (const v of Object.values(rec)) relocate(v, rename);
}

function runGit(args: string[], cwd: string): string {
  return runGitBuffer(args, cwd).toString("utf8");
}

function runGitBuffer(args: string[], cwd: string): Buffer {
  try {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === "ENOENT") throw new UserError("git is not installed: `compat --against <ref>` reads the baseline with git");
    const said = e.stderr?.toString("utf8").trim().split("\n")[0];
    if (args[0] === "rev-parse" && args[1] === "--show-toplevel") throw new UserError(`${cwd} is not in a git repository: \`--against <ref>\` needs one`);
    if (args[0] === "rev-parse") throw new UserError(`no commit ${args[args.length - 1].replace(/\^\{commit\}$/, "")} in this repository (try a branch, tag or commit such as origin/main)`);
    throw new UserError(`git ${args.join(" ")} failed${said ? `: ${said}` : ""}`);
  }
}
