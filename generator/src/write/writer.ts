import { promises as fs } from "node:fs";
import path from "node:path";
import type { EmittedFile } from "../codegen/file.js";
import { assertOwned, withManifest } from "./ownership.js";
import { listOwnedFiles } from "./tree.js";

export interface TreeDiff {
  /** Files that would be created. */
  added: string[];
  /** Files whose content differs. */
  changed: string[];
  /** Files the generator owns that it would no longer write. */
  removed: string[];
}

/** Compares emitted files (and their manifest) with what is on disk under `outDir`. */
export async function diffTree(outDir: string, emitted: EmittedFile[]): Promise<TreeDiff> {
  const files = withManifest(emitted);
  const onDisk = new Set(await listOwnedFiles(outDir));
  const diff: TreeDiff = { added: [], changed: [], removed: [] };
  await Promise.all(
    files.map(async (f) => {
      if (!onDisk.has(f.path)) return void diff.added.push(f.path);
      onDisk.delete(f.path);
      const current = await fs.readFile(path.join(outDir, f.path), "utf8");
      if (current !== f.content) diff.changed.push(f.path);
    }),
  );
  diff.removed.push(...onDisk);
  for (const list of Object.values(diff)) list.sort();
  return diff;
}

/**
 * The one place the generator writes: brings `outDir` to exactly `files`,
 * touching only files whose content changed (so watchers and incremental
 * builds see real changes only) and removing stale ones. Refuses, writing
 * nothing, when the folder holds files the generator did not write.
 */
export async function writeTree(outDir: string, emitted: EmittedFile[]): Promise<TreeDiff> {
  await assertOwned(outDir, await listOwnedFiles(outDir));
  const files = withManifest(emitted);
  const diff = await diffTree(outDir, emitted);
  const byPath = new Map(files.map((f) => [f.path, f]));
  await Promise.all(
    [...diff.added, ...diff.changed].map(async (p) => {
      const target = path.join(outDir, p);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, byPath.get(p)!.content);
    }),
  );
  await Promise.all(files.filter((f) => f.executable).map((f) => fs.chmod(path.join(outDir, f.path), 0o755)));
  await Promise.all(diff.removed.map((p) => fs.rm(path.join(outDir, p), { force: true })));
  await removeEmptyDirs(outDir, true);
  return diff;
}

async function removeEmptyDirs(dir: string, isRoot = false): Promise<boolean> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory() && e.name !== "node_modules" && e.name !== "dist") {
      if (!(await removeEmptyDirs(path.join(dir, e.name)))) empty = false;
    } else empty = false;
  }
  if (!empty || isRoot) return false;
  return fs.rmdir(dir).then(
    () => true,
    () => false,
  );
}
