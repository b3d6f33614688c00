/**
 * The file watcher behind `generate --watch` and `dev`, against the ways
 * editors save: by rename (vim's backupcopy, JetBrains' safe write), `sed -i`,
 * in place, new and deleted files and folders. Each save is reported exactly
 * once, saves without edits not at all, a save made while a report is handled
 * by one more report after it; then `generate --watch` on a small API
 * regenerates once per save (a save made while its first generation runs too),
 * and after a mistake (its diagnostic printed) regenerates on the next good save.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fingerprint, mayDiffer } from "../../generator/src/watch/fingerprint.js";
import { type FileChange, type TreeWatcher, isSourceFile, watchTree } from "../../generator/src/watch/index.js";
import { repoRoot } from "../support/generated-server.js";

/** Saves as vim (backupcopy=no) and JetBrains' safe write do: a new file renamed over the old one. */
function saveByRename(file: string, content: string): void {
  const tmp = `${file}___jb_tmp___`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

function sedInPlace(file: string, expression: string): void {
  const r = spawnSync("sed", ["-i", expression, file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

/** A new folder holding shop.example.com/v1alpha1/widget.ts. */
function widgetTree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "skai-gen-watch-"));
  mkdirSync(path.join(dir, "shop.example.com/v1alpha1"), { recursive: true });
  writeFileSync(path.join(dir, "shop.example.com/v1alpha1/widget.ts"), "export interface Widget { a: string }\n");
  return dir;
}

/** Polls until `cond` holds; the deadline is only a guard against hanging, nothing is timed. */
async function until(cond: () => boolean, what: string, context: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a file's fingerprint", () => {
  it("is trusted by its inode, size and times only when read well after the file's last change", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "skai-gen-fingerprint-"));
    try {
      const file = path.join(dir, "a.ts");
      writeFileSync(file, "export const a = 1;\n");
      const stat = statSync(file);
      const seen = fingerprint(file, stat)!;
      assert.ok(seen.readAtMs >= Math.floor(stat.mtimeMs), "read after it was written");
      // Read in the tick of its change: a same-size write in that tick would leave size and times
      // as they are, so the same stat does not prove it unchanged (git's "racily clean").
      assert.equal(mayDiffer({ ...seen, readAtMs: Math.max(stat.mtimeMs, stat.ctimeMs) }, stat), true);
      // Read 5 s after its change: the same stat is the same file.
      assert.equal(mayDiffer({ ...seen, readAtMs: Math.max(stat.mtimeMs, stat.ctimeMs) + 5000 }, stat), false);
      // Any of inode, size or times differing is a possible change however late the read.
      const late = { ...seen, readAtMs: seen.readAtMs + 60_000 };
      assert.equal(mayDiffer({ ...late, size: late.size + 1 }, stat), true);
      assert.equal(mayDiffer({ ...late, ino: late.ino + 1 }, stat), true);
      assert.equal(mayDiffer({ ...late, mtimeMs: late.mtimeMs - 1 }, stat), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("watchTree", () => {
  let dir: string;
  let watcher: TreeWatcher;
  const bursts: FileChange[][] = [];
  const names = (burst: FileChange[]) => burst.map((c) => `${path.relative(dir, c.file)} ${c.kind}`);

  /** Runs `action`, waits for its burst and returns it; the burst count says no other came before. */
  async function burstOf(action: () => void): Promise<string[]> {
    const seen = bursts.length;
    action();
    await until(() => bursts.length > seen, "a change to be reported");
    assert.equal(bursts.length, seen + 1, `one burst expected, got ${JSON.stringify(bursts.slice(seen).map(names))}`);
    return names(bursts[seen]!);
  }

  before(() => {
    dir = widgetTree();
    watcher = watchTree([dir], { include: isSourceFile, onChange: (changes) => void bursts.push(changes) });
  });
  after(() => {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports each of three saves by rename in a row, once each", async () => {
    const widget = path.join(dir, "shop.example.com/v1alpha1/widget.ts");
    for (const field of ["b", "c", "d"]) {
      assert.deepEqual(await burstOf(() => saveByRename(widget, `export interface Widget { a: string; ${field}?: string }\n`)), [
        "shop.example.com/v1alpha1/widget.ts changed",
      ]);
    }
  });

  it("reports sed -i, a save in place, a new file, a deleted file, a new folder and a removed one", async () => {
    const widget = path.join(dir, "shop.example.com/v1alpha1/widget.ts");
    assert.deepEqual(await burstOf(() => sedInPlace(widget, "s/a: string/a: number/")), ["shop.example.com/v1alpha1/widget.ts changed"]);
    assert.deepEqual(await burstOf(() => writeFileSync(widget, "export interface Widget { a: boolean }\n")), ["shop.example.com/v1alpha1/widget.ts changed"]);
    const gadget = path.join(dir, "shop.example.com/v1alpha1/gadget.ts");
    assert.deepEqual(await burstOf(() => writeFileSync(gadget, "export interface Gadget {}\n")), ["shop.example.com/v1alpha1/gadget.ts added"]);
    assert.deepEqual(await burstOf(() => rmSync(gadget)), ["shop.example.com/v1alpha1/gadget.ts removed"]);
    const beta = path.join(dir, "shop.example.com/v1beta1");
    assert.deepEqual(
      await burstOf(() => {
        mkdirSync(beta);
        writeFileSync(path.join(beta, "widget.ts"), "export interface Widget {}\n");
      }),
      ["shop.example.com/v1beta1/widget.ts added"],
    );
    // a file in the new folder is watched too
    assert.deepEqual(await burstOf(() => saveByRename(path.join(beta, "widget.ts"), "export interface Widget { x: 1 }\n")), ["shop.example.com/v1beta1/widget.ts changed"]);
    assert.deepEqual(await burstOf(() => rmSync(beta, { recursive: true })), ["shop.example.com/v1beta1/widget.ts removed"]);
  });

  it("ignores saves without edits and editors' side files, and sees the next real save", async () => {
    const widget = path.join(dir, "shop.example.com/v1alpha1/widget.ts");
    const same = readFileSync(widget, "utf8");
    const seen = bursts.length;
    saveByRename(widget, same);
    writeFileSync(widget, same);
    sedInPlace(widget, "s/no such text/other text/");
    writeFileSync(path.join(dir, "shop.example.com/v1alpha1/.widget.ts.swp"), "swap");
    writeFileSync(path.join(dir, "shop.example.com/v1alpha1/widget.ts~"), "backup");
    writeFileSync(path.join(dir, "shop.example.com/v1alpha1/4913"), "");
    // The next real change is the first burst after all of that, and it holds that change only.
    saveByRename(widget, same.replace("boolean", "string"));
    await until(() => bursts.length > seen, "the real save");
    assert.deepEqual(bursts.slice(seen).map(names), [["shop.example.com/v1alpha1/widget.ts changed"]]);
  });

  it("keeps watching a folder replaced by another of the same name", async () => {
    const v1 = path.join(dir, "shop.example.com/v1alpha1");
    const staged = path.join(dir, "shop.example.com/staged");
    cpSync(v1, staged, { recursive: true });
    writeFileSync(path.join(staged, "widget.ts"), "export interface Widget { swapped: true }\n");
    assert.deepEqual(
      await burstOf(() => {
        rmSync(v1, { recursive: true });
        renameSync(staged, v1);
      }),
      ["shop.example.com/v1alpha1/widget.ts changed"],
    );
    assert.deepEqual(await burstOf(() => saveByRename(path.join(v1, "widget.ts"), "export interface Widget { again: true }\n")), [
      "shop.example.com/v1alpha1/widget.ts changed",
    ]);
  });
});

describe("watchTree while a report is handled", () => {
  it("reports a save made meanwhile by one more call after it, never by an overlapping one", async () => {
    const dir = widgetTree();
    const folder = path.join(dir, "shop.example.com/v1alpha1");
    const widget = path.join(folder, "widget.ts");
    const calls: string[][] = [];
    let handling = false;
    let overlapped = false;
    const debounceMs = 10;
    /**
     * Saves, and returns once the watcher's debounce after the save's event has run out while this call still runs.
     * The event reaches a watch of our own on the folder in the same turn as the watcher's (one inotify watch), and
     * a timer of the same length started after the watcher's fires after it: an order, not a measured time.
     */
    async function saveWhileHandling(): Promise<void> {
      const delivered = new Promise<void>((resolve) => {
        const own = watch(folder, () => {
          own.close();
          setImmediate(resolve);
        });
      });
      saveByRename(widget, "export interface Widget { a: string; during: true }\n");
      await delivered;
      await new Promise((resolve) => setTimeout(resolve, debounceMs));
    }
    const watcher = watchTree([dir], {
      include: isSourceFile,
      debounceMs,
      onChange: async (changes) => {
        overlapped ||= handling;
        handling = true;
        calls.push(changes.map((c) => `${path.relative(dir, c.file)} ${c.kind}`));
        if (calls.length === 1) await saveWhileHandling();
        handling = false;
      },
    });
    try {
      saveByRename(widget, "export interface Widget { a: string; before: true }\n");
      await until(() => calls.length >= 2 && !handling, "the report of the save made meanwhile");
      assert.deepEqual(calls, [["shop.example.com/v1alpha1/widget.ts changed"], ["shop.example.com/v1alpha1/widget.ts changed"]]);
      assert.equal(overlapped, false);
    } finally {
      watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("skai-gen generate --watch", { timeout: 600_000 }, () => {
  // Inside the repository, so the definitions resolve skai-gen/definitions from node_modules.
  let work: string;
  let child: ChildProcess;
  let output = "";
  /** Settles in the turn the child says it watches, so the first save can land at once, while its first generation runs. */
  let watching: Promise<void>;
  const cli = path.join(repoRoot, "generator/bin/skai-gen.js");
  const regenerations = () => output.match(/^skai-gen: \d+ kinds?, \d+ files in generated/gm)?.length ?? 0;
  const greeting = () => path.join(work, "definitions/tiny.example.org/v1alpha1/greeting.ts");

  /** Does `action` and waits for the regeneration it causes; the count proves it was one. */
  async function regeneratesOnce(action: () => void, what: string): Promise<void> {
    const before = regenerations();
    action();
    await until(() => regenerations() > before, `the regeneration after ${what}`, () => output);
    // A second regeneration for the same save would come before the next action's: checked there and at the end.
    assert.equal(regenerations(), before + 1, `${what}: regenerated more than once\n${output}`);
  }

  before(async () => {
    mkdirSync(path.join(repoRoot, "test"), { recursive: true });
    work = mkdtempSync(path.join(repoRoot, "test/.scratch-watch-"));
    cpSync(path.join(repoRoot, "test/fixtures/apis/minimal"), work, { recursive: true });
    child = spawn(process.execPath, [cli, "generate", "--watch"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    watching = new Promise((resolve, reject) => {
      child.stdout!.on("data", () => output.includes("skai-gen: watching") && resolve());
      child.once("exit", (code) => reject(new Error(`generate --watch exited with ${code} before watching\n${output}`)));
    });
  });
  after(async () => {
    if (child.exitCode === null) {
      child.kill("SIGINT");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(work, { recursive: true, force: true });
  });

  it("regenerates exactly once per save, the first made while the first generation runs: three renames, sed -i, a new file, a deleted file", async () => {
    const source = readFileSync(greeting(), "utf8");
    // `watching` means the watch is armed; the first generation starts after it. Whether this save lands before or
    // after that generation reads the file, exactly one regeneration follows the first one, and it has the save.
    await watching;
    saveByRename(greeting(), source.replace("@maximum 10", "@maximum 20"));
    await until(() => regenerations() >= 2, "the regeneration after save by rename #1", () => output);
    assert.equal(regenerations(), 2, `save by rename #1: regenerated more than once\n${output}`);
    assert.match(readFileSync(path.join(work, "generated/openapi/v3/apis/tiny.example.org/v1alpha1.json"), "utf8"), /"maximum": 20/);
    for (const n of [3, 4]) {
      await regeneratesOnce(() => saveByRename(greeting(), source.replace("@maximum 10", `@maximum ${n * 10}`)), `save by rename #${n - 1}`);
    }
    assert.match(readFileSync(path.join(work, "generated/openapi/v3/apis/tiny.example.org/v1alpha1.json"), "utf8"), /"maximum": 40/);
    await regeneratesOnce(() => sedInPlace(greeting(), "s/@maximum 40/@maximum 50/"), "sed -i");
    const extra = path.join(work, "definitions/tiny.example.org/v1alpha1/notes.ts");
    await regeneratesOnce(() => writeFileSync(extra, "/** Notes kept beside the kinds. */\nexport type Note = string;\n"), "a new file");
    await regeneratesOnce(() => rmSync(extra), "a deleted file");
    assert.equal(regenerations(), 1 + 6, output);
  });

  it("prints a mistake's diagnostic, and regenerates on the next good save", async () => {
    const source = readFileSync(greeting(), "utf8");
    const failures = () => output.match(/error in definitions; nothing was written/g)?.length ?? 0;
    saveByRename(greeting(), source.replace("@maximum 50", "@maximum lots"));
    await until(() => failures() === 1, "the diagnostic", () => output);
    assert.match(output, /definitions\/tiny\.example\.org\/v1alpha1\/greeting\.ts:\d+:\d+: error: /);
    await regeneratesOnce(() => saveByRename(greeting(), source.replace("@maximum 50", "@maximum 60")), "the fix");
    assert.match(readFileSync(path.join(work, "generated/openapi/v3/apis/tiny.example.org/v1alpha1.json"), "utf8"), /"maximum": 60/);
    assert.equal(failures(), 1, output);
  });
});
