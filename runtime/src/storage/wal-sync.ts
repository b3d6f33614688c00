/**
 * Makes SQLite's write-ahead log durable after a commit. The database commits with
 * synchronous=NORMAL: in WAL mode a commit then syncs nothing (checkpoints still sync the
 * WAL and the database file, so the file stays consistent), and an fdatasync of the WAL
 * afterwards gives what synchronous=FULL does inside every commit. Doing it here lets the
 * backend choose where the wait happens: on libuv's thread pool, so the event loop goes on
 * serving while the disk works, or on the event loop.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from "node:fs";

export class WalSync {
  private fd: number | undefined;

  constructor(private readonly walPath: string) {}

  /** Calls `done` once every transaction committed before the call is on disk, or with why not. */
  flush(done: (err: Error | undefined) => void): void {
    let fd: number;
    try {
      fd = this.open();
    } catch (err) {
      queueMicrotask(() => done(err as Error));
      return;
    }
    fdatasync(fd, (err) => done(err ?? undefined));
  }

  /** The same, waiting on the event loop: returns once on disk, or with why not. */
  flushNow(): Error | undefined {
    try {
      fdatasyncSync(this.open());
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }

  /** Closes the WAL's descriptor; no flush may be running. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  // Opened at the first flush: SQLite creates the WAL with the first commit and keeps the
  // file while the connection is open (EXCLUSIVE locking). fdatasync reaches the file's
  // data through any descriptor of it.
  private open(): number {
    return (this.fd ??= openSync(this.walPath, "r"));
  }
}
