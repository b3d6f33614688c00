/**
 * A file watcher that survives editors' ways of saving.
 *
 * Editors that save by rename (vim's backupcopy, JetBrains' safe write,
 * `sed -i`) replace the file's inode, so a watch on the file, or Node 20's
 * recursive fs.watch on Linux (which watches files one by one), goes deaf
 * after the first save. This watches folders, one non-recursive fs.watch each:
 * a folder's watch sees every name created, replaced or removed in it. An
 * event only marks its folder dirty; once events settle (debounce), the dirty
 * folders are compared with what was seen before, by content hash, and only
 * real changes are reported. New subfolders are watched as they appear, and a
 * folder replaced by another of the same name (or a root removed and created
 * again) is watched again.
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import path from "node:path";
import { fingerprint, type Fingerprint, mayDiffer } from "./fingerprint.js";

export interface FileChange {
  /** Absolute path. */
  file: string;
  kind: "added" | "changed" | "removed";
}

export interface WatchTreeOptions {
  /** Files that count; the rest (editors' swap, backup and temporary files, outputs) are never read. */
  include(file: string): boolean;
  /** Folders not to descend into (node_modules, an output folder); dot-folders are always skipped. */
  skipDir?(dir: string): boolean;
  /** Quiet time after the last event before the folders are compared. Default 60 ms. */
  debounceMs?: number;
  /**
   * Called with the real changes of a settled burst, sorted by path. Calls never
   * overlap: changes made while one runs are reported by one call after it.
   */
  onChange(changes: FileChange[]): Promise<void> | void;
  /** An exception from onChange (default: rethrown asynchronously). */
  onError?(err: unknown): void;
}

export interface TreeWatcher {
  close(): void;
}

const DEFAULT_DEBOUNCE_MS = 60;

/** Watches every folder under `roots` (which need not exist yet) until closed. */
export function watchTree(roots: readonly string[], opts: WatchTreeOptions): TreeWatcher {
  return new FolderWatcher(roots.map((r) => path.resolve(r)), opts);
}

interface WatchedFolder {
  watcher: FSWatcher;
  /** The folder's inode when its watch was made: another inode means the folder was replaced. */
  ino: number;
}

class FolderWatcher implements TreeWatcher {
  private readonly folders = new Map<string, WatchedFolder>();
  private readonly files = new Map<string, Fingerprint>();
  private readonly dirty = new Set<string>();
  /** Watches on the roots' parents, to see a root created or replaced. */
  private readonly parentWatchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private closed = false;

  constructor(
    private readonly roots: string[],
    private readonly opts: WatchTreeOptions,
  ) {
    for (const root of roots) {
      this.watchParent(root);
      this.scan(root, undefined);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.parentWatchers) w.close();
    for (const f of this.folders.values()) f.watcher.close();
    this.folders.clear();
  }

  private touched(dir: string): void {
    if (this.closed) return;
    this.dirty.add(dir);
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.opts.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    // A run in progress: the dirty folders wait, and are looked at when it ends.
    if (this.running || this.closed) return;
    const changes: FileChange[] = [];
    const dirs = [...this.dirty].sort();
    this.dirty.clear();
    for (const dir of dirs) this.scan(dir, changes);
    if (changes.length > 0) {
      changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      this.running = true;
      try {
        await this.opts.onChange(changes);
      } catch (err) {
        if (this.opts.onError) this.opts.onError(err);
        else
          setImmediate(() => {
            throw err;
          });
      } finally {
        this.running = false;
      }
    }
    if (this.dirty.size > 0 && !this.closed) this.schedule();
  }

  /**
   * Brings what is known of `dir` up to date with the disk, (re)arming its
   * watch, and records each real change in `changes` (undefined: the first
   * look, nothing to report).
   */
  private scan(dir: string, changes: FileChange[] | undefined): void {
    if (this.closed) return;
    const stat = statOrUndefined(dir);
    let entries: Dirent[] | undefined;
    try {
      if (stat?.isDirectory()) entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      entries = undefined;
    }
    if (!stat || !entries) return this.forget(dir, changes);
    this.arm(dir, stat.ino);

    const presentFiles = new Set<string>();
    const presentDirs = new Set<string>();
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const p = path.join(dir, entry.name);
      const s = entry.isDirectory() || entry.isFile() ? undefined : statOrUndefined(p); // a symlink: what it points at
      if (entry.isDirectory() || s?.isDirectory()) {
        if (this.opts.skipDir?.(p)) continue;
        presentDirs.add(p);
        const known = this.folders.get(p);
        if (!known || known.ino !== statOrUndefined(p)?.ino) this.scan(p, changes);
      } else if ((entry.isFile() || s?.isFile()) && this.opts.include(p)) {
        presentFiles.add(p);
        this.look(p, changes);
      }
    }
    for (const file of [...this.files.keys()]) {
      if (path.dirname(file) === dir && !presentFiles.has(file)) {
        this.files.delete(file);
        changes?.push({ file, kind: "removed" });
      }
    }
    for (const sub of [...this.folders.keys()]) {
      if (path.dirname(sub) === dir && !presentDirs.has(sub)) this.forget(sub, changes);
    }
  }

  /** Compares one file with what was seen of it. */
  private look(file: string, changes: FileChange[] | undefined): void {
    const stat = statOrUndefined(file);
    if (!stat) return; // gone since the listing: the next event reports it
    const seen = this.files.get(file);
    if (seen && !mayDiffer(seen, stat)) return;
    const now = fingerprint(file, stat);
    if (!now) return;
    this.files.set(file, now);
    if (!seen) changes?.push({ file, kind: "added" });
    else if (seen.hash !== now.hash) changes?.push({ file, kind: "changed" });
  }

  /** A folder that is gone (or was never there): its watches closed, its files removed. */
  private forget(dir: string, changes: FileChange[] | undefined): void {
    const inside = (p: string) => p === dir || p.startsWith(dir + path.sep);
    for (const [p, f] of [...this.folders]) {
      if (!inside(p)) continue;
      f.watcher.close();
      this.folders.delete(p);
    }
    for (const file of [...this.files.keys()]) {
      if (!inside(file)) continue;
      this.files.delete(file);
      changes?.push({ file, kind: "removed" });
    }
  }

  private arm(dir: string, ino: number): void {
    const known = this.folders.get(dir);
    if (known?.ino === ino) return;
    known?.watcher.close();
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, () => this.touched(dir));
    } catch {
      return; // vanished between the listing and the watch: its parent's event brings it back
    }
    // The folder was removed or became unreadable: look again at it and at its parent.
    watcher.on("error", () => {
      watcher.close();
      if (this.folders.get(dir)?.watcher === watcher) this.folders.delete(dir);
      this.touched(dir);
      this.touched(path.dirname(dir));
    });
    this.folders.set(dir, { watcher, ino });
  }

  private watchParent(root: string): void {
    const parent = path.dirname(root);
    const name = path.basename(root);
    try {
      const watcher = watch(parent, { persistent: true }, (_event, file) => {
        if (file === null || String(file) === name) this.touched(root);
      });
      watcher.on("error", () => watcher.close());
      this.parentWatchers.push(watcher);
    } catch {
      // No parent to watch: the root itself is still watched while it exists.
    }
  }
}

function statOrUndefined(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
