/**
 * A watch response as the sink its watcher pushes events to. kube's cacher hands each
 * event to every watcher's buffer and each watch handler writes its own; here a pushed
 * event is encoded at once (once per encoding for all watchers, through the EncodeCache)
 * and kept, and one flusher for the whole server writes each stream's pending events in
 * ONE socket write: a TLS write costs far more than appending an event, so a stream that
 * got several events since its last write pays for one.
 *
 * The flusher passes over the streams with something pending at most every
 * FLUSH_INTERVAL_MS while events keep coming (the first event after a quiet spell goes out
 * on the next turn), so under load each write carries more events instead of the writes
 * queueing up; a pass yields to other requests after PASS_BUDGET_MS (a 1 MB event written
 * to 1,000 watchers takes seconds of TLS work) and goes on in the next turn.
 *
 * Backpressure: a push answers false once the socket wants a drain or too much waits to
 * be written; the watcher then keeps the events (the watch cache's window) and, past its
 * bounded buffer, is ended, so a client that does not read holds back no one else.
 */
import { performance } from "node:perf_hooks";
import type { ServerResponse } from "node:http";
import { deliver, type WatchEvent, type WatchSink, type Watcher } from "../apimachinery/watch.js";

/** Shortest time between two flush passes while streams have events pending. */
const FLUSH_INTERVAL_MS = 10;
/** Longest a pass writes before it lets other work run. */
const PASS_BUDGET_MS = 10;
/**
 * Unwritten characters (or bytes) past which a stream asks its watcher to wait for the next
 * write: enough for many events per write, small enough that a write's copies stay cheap.
 */
const MAX_PENDING = 64 * 1024;

type Frame = string | Buffer;

export class WatchStream implements WatchSink {
  private pending: Frame[] = [];
  private pendingSize = 0;
  /** In the flusher's queue. */
  private queued = false;
  /** A push answered false: the watcher waits for `resume`. */
  private refused = false;
  private congested = false;
  private ended = false;
  private resume: () => void = () => {};
  private finished!: () => void;
  /** Settles when the stream has ended (the watch ended or failed, or `end` was called). */
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    private readonly res: ServerResponse,
    private readonly encode: (ev: WatchEvent) => Frame,
    private readonly errorFrame: (err: unknown) => Frame,
  ) {}

  /** Starts taking `watcher`'s events. */
  start(watcher: Watcher): void {
    this.resume = deliver(watcher, this);
  }

  push(ev: WatchEvent): boolean {
    if (this.ended) return false;
    const frame = this.encode(ev);
    this.pending.push(frame);
    this.pendingSize += frame.length;
    if (!this.queued) {
      this.queued = true;
      flusher.add(this);
    }
    if (this.congested || this.pendingSize >= MAX_PENDING) this.refused = true;
    return !this.refused;
  }

  /** Writes what is pending (and the failure, if any) and ends the response. */
  end(err?: unknown): void {
    if (this.ended) return;
    if (err !== undefined) this.pending.push(this.errorFrame(err));
    this.ended = true;
    this.write();
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
    this.finished();
  }

  /** The flusher's turn: one socket write of everything pending. */
  flush(): void {
    this.queued = false;
    if (this.congested) return; // the drain flushes
    this.write();
    if (!this.congested && this.refused && !this.ended) {
      this.refused = false;
      this.resume();
    }
  }

  private write(): void {
    const res = this.res;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    this.pendingSize = 0;
    if (res.destroyed || res.writableEnded) return;
    // Corked, the frames leave in one writev: one TLS record, no joined copy of them in JS.
    res.cork();
    let ok = true;
    for (const frame of pending) ok = res.write(frame);
    res.uncork();
    if (ok || this.ended || this.congested) return;
    this.congested = true;
    res.once("drain", () => {
      this.congested = false;
      if (!this.queued) this.flush();
    });
  }
}

/** Writes the streams with pending events, a bounded amount of work per event-loop turn. */
class Flusher {
  private queue: WatchStream[] = [];
  private scheduled = false;
  private lastPass = -Infinity;

  add(stream: WatchStream): void {
    this.queue.push(stream);
    this.schedule(false);
  }

  private schedule(now: boolean): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = now ? 0 : this.lastPass + FLUSH_INTERVAL_MS - performance.now();
    if (wait >= 1) setTimeout(() => this.pass(), wait);
    else setImmediate(() => this.pass());
  }

  private pass(): void {
    this.scheduled = false;
    const start = performance.now();
    this.lastPass = start;
    // Streams queued during the pass (a resumed watcher pushing again) wait for the next one.
    const n = this.queue.length;
    let i = 0;
    while (i < n) {
      this.queue[i++]!.flush();
      if (performance.now() - start >= PASS_BUDGET_MS) break;
    }
    this.queue = this.queue.slice(i);
    // Cut short by the budget: go on in the next turn; else the next pass after the interval.
    if (this.queue.length > 0) this.schedule(i < n);
  }
}

const flusher = new Flusher();
