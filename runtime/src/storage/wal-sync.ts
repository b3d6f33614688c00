/**
 * Makes SQLite commits durable off the event loop. SQLite commits with synchronous=NORMAL
 * (WAL: nothing is fsynced at commit; checkpoints sync the WAL and the database file, so the
 * file stays consistent), and this flushes the WAL with fdatasync on libuv's thread pool:
 * what SQLite's synchronous=FULL does inside every commit, without stalling the event loop
 * for the disk. One flush runs at a time and covers every commit made before it started, so
 * the commits made while the disk works share the next one (group commit across turns).
 */
import { close, fdatasync, openSync } from "node:fs";

export type Settle = (err: Error | undefined) => void;

export class WalSync {
  private fd: number | undefined;
  private flushing = false;
  /** Commits made since the running flush started: the next flush covers them. */
  private waiting: Settle[] = [];
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly walPath: string) {}

  /** Calls `settle` once everything committed so far is on disk (or with the error that prevented it). */
  afterCommit(settle: Settle): void {
    this.waiting.push(settle);
    if (!this.flushing) this.flush();
  }

  /** Waits for the flushes under way, then closes the WAL's descriptor. */
  async close(): Promise<void> {
    if (this.flushing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.fd !== undefined) await new Promise((resolve) => close(this.fd!, resolve));
    this.fd = undefined;
  }

  private flush(): void {
    const covered = this.waiting;
    this.waiting = [];
    this.flushing = true;
    const done = (err: Error | null) => {
      for (const settle of covered) settle(err ?? undefined);
      if (this.waiting.length > 0) return this.flush();
      this.flushing = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
    try {
      // Opened at the first flush: SQLite creates the WAL with the first commit. It keeps the
      // file (EXCLUSIVE locking) until the connection closes; fdatasync reaches its data
      // through any descriptor of it.
      this.fd ??= openSync(this.walPath, "r");
    } catch (err) {
      return done(err as Error);
    }
    fdatasync(this.fd, done);
  }
}
