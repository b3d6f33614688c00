import { createHash } from "node:crypto";
import { readFileSync, type Stats } from "node:fs";

/**
 * What a file looked like when last seen. Inode, size and times decide whether
 * to read it again; the content hash decides whether it really changed, so a
 * `touch`, a save without edits or a `sed -i` that replaced nothing is no change.
 */
export interface Fingerprint {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  hash: string;
}

/** True when the file may have changed since `seen` (a rename-on-save gives it a new inode). */
export function mayDiffer(seen: Fingerprint, stat: Stats): boolean {
  return seen.ino !== stat.ino || seen.size !== stat.size || seen.mtimeMs !== stat.mtimeMs || seen.ctimeMs !== stat.ctimeMs;
}

/** Reads and fingerprints a file; undefined when it vanished meanwhile. */
export function fingerprint(file: string, stat: Stats): Fingerprint | undefined {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch {
    return undefined;
  }
  const hash = createHash("sha1").update(content).digest("hex");
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, hash };
}
