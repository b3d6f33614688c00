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
  /** When it was read (wall clock). */
  readAtMs: number;
}

/**
 * How long after its last change a file must have been read for its times to be trusted.
 * A write in the same tick of the file system's clock as the one before it leaves size and
 * times as they were, so a file read within that tick may have changed unseen (git's
 * "racily clean" entries): it is read again, until a read comes this long after its change.
 * Generous, for coarse clocks (FAT's 2 s) and a wall clock a little off the file system's.
 */
const RACY_MS = 2000;

/** True when the file may have changed since `seen` (a rename-on-save gives it a new inode). */
export function mayDiffer(seen: Fingerprint, stat: Stats): boolean {
  if (seen.ino !== stat.ino || seen.size !== stat.size || seen.mtimeMs !== stat.mtimeMs || seen.ctimeMs !== stat.ctimeMs) return true;
  return seen.readAtMs - Math.max(seen.mtimeMs, seen.ctimeMs) < RACY_MS;
}

/** Reads and fingerprints a file; undefined when it vanished meanwhile. */
export function fingerprint(file: string, stat: Stats): Fingerprint | undefined {
  // Before the read: a write during it counts as after it.
  const readAtMs = Date.now();
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch {
    return undefined;
  }
  const hash = createHash("sha1").update(content).digest("hex");
  return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, hash, readAtMs };
}
