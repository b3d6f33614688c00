/**
 * Flushes SQLite's write-ahead log to disk off the event loop. The database commits with
 * synchronous=NORMAL: in WAL mode a commit then syncs nothing, and checkpoints sync the WAL
 * and the database file, so the file stays consistent but the last commits may be lost to
 * a crash. An fdatasync of the WAL after a commit, as synchronous=FULL does inside every
 * commit, makes it durable; here it runs on libuv's thread pool, so the event loop keeps
 * serving requests while the disk works.
 */
import { closeSync, fdatasync, openSync } from "node:fs";

export class WalSync {
  private fd: number | undefined;

  constructor(private readonly walPath: string) {}

  /** Calls `done` once every transaction committed before the call is on disk, or with why not. */
  flush(done: (err: Error | undefined) => void): void {
    try {
      // Opened at the first flush: SQLite creates the WAL with the first commit and keeps the
      // file while the connection is open (EXCLUSIVE locking). fdatasync reaches the file's
      // data through any descriptor of it.
      this.fd ??= openSync(this.walPath, "r");
    } catch (err) {
      queueMicrotask(() => done(err as Error));
      return;
    }
    fdatasync(this.fd, (err) => done(err ?? undefined));
  }

  /** Closes the WAL's descriptor; no flush may be running. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
