/**
 * Which files under the output folder are the generator's: those it listed
 * in the manifest of its previous run, and those carrying the generated
 * notice. Everything else is someone's work, and a run that would delete or
 * overwrite it is refused, as kube's code generators refuse an output
 * package holding hand-written files.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { EmittedFile } from "../codegen/file.js";
import { GENERATED_NOTICE } from "../codegen/preamble.js";
import { UserError } from "../user-error.js";

/** The manifest of a run: every file it wrote, so the next run knows what it may remove (JSON has no room for a notice). */
const MANIFEST_FILE = ".generated-files";

/** How far into a file the notice may be (after a hashbang and a blank line). */
const NOTICE_WINDOW = 512;

/** The emitted files plus the manifest listing them. */
export function withManifest(files: EmittedFile[]): EmittedFile[] {
  const paths = files.map((f) => f.path).sort();
  const content = [`# ${GENERATED_NOTICE}`, "# Files the generator wrote; it removes only these and files carrying the notice.", ...paths, ""].join("\n");
  return [...files, { path: MANIFEST_FILE, content, language: "raw" }];
}

/** The paths of the previous run's manifest; empty when there is none. */
async function previousManifest(outDir: string): Promise<Set<string>> {
  try {
    const text = await fs.readFile(path.join(outDir, MANIFEST_FILE), "utf8");
    return new Set(text.split("\n").filter((l) => l !== "" && !l.startsWith("#")));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Set();
    throw err;
  }
}

async function carriesNotice(file: string): Promise<boolean> {
  const handle = await fs.open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(NOTICE_WINDOW), 0, NOTICE_WINDOW, 0);
    return buffer.subarray(0, bytesRead).toString("utf8").includes(GENERATED_NOTICE);
  } finally {
    await handle.close();
  }
}

/** Throws a UserError naming the files under `outDir` (from `onDisk`) that the generator did not write. */
export async function assertOwned(outDir: string, onDisk: readonly string[]): Promise<void> {
  const manifest = await previousManifest(outDir);
  const foreign: string[] = [];
  for (const p of onDisk) {
    if (p === MANIFEST_FILE || manifest.has(p)) continue;
    if (!(await carriesNotice(path.join(outDir, p)))) foreign.push(p);
  }
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 10).map((p) => path.join(outDir, p));
  const more = foreign.length > shown.length ? ` and ${foreign.length - shown.length} more` : "";
  throw new UserError(
    `the output folder holds files skai-gen did not write: ${shown.join(", ")}${more}. ` +
      `Nothing was written: move them out of ${outDir}, or generate into another folder (--out, or "out" in the configuration).`,
  );
}
