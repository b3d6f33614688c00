import { promises as fs } from "node:fs";
import path from "node:path";

/** Folders inside the output that belong to builds and installs, not to the generator. */
const NOT_OURS = new Set(["node_modules", "dist"]);

/** Lists the files the generator owns under `root`, as posix paths relative to it. */
export async function listOwnedFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    for (const e of entries) {
      if (NOT_OURS.has(e.name) || e.name.endsWith(".tsbuildinfo")) continue;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), relPath);
      else out.push(relPath);
    }
  }
  await walk(root, "");
  return out.sort();
}
